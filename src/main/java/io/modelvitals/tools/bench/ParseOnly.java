package io.modelvitals.tools.bench;

import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Label;
import io.modelvitals.events.Prediction;
import io.modelvitals.io.InputParser;
import io.modelvitals.io.JobSources;
import io.modelvitals.io.ValidRecordRouter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The parse-only ceiling: the job's own sources (parsing and validating every record in the source, as the job does)
 * and its record routers (valid records on, dead letters aside, the input ledger counted), the output discarded. The
 * practical limit of a job that reads JSON; the full job is reported as a share of it.
 */
final class ParseOnly {
    private ParseOnly() {}

    /** The job's sources (Kafka or files), each routed and discarded. */
    static void define(StreamExecutionEnvironment env, JobSources sources) {
        discard(
                env.fromSource(sources.predictions, WatermarkStrategy.noWatermarks(), "Predictions"),
                InputParser.Kind.PREDICTION);
        discard(env.fromSource(sources.labels, WatermarkStrategy.noWatermarks(), "Labels"), InputParser.Kind.LABEL);
        if (sources.businessEvents != null)
            discard(
                    env.fromSource(sources.businessEvents, WatermarkStrategy.noWatermarks(), "Business events"),
                    InputParser.Kind.BUSINESS_EVENT);
    }

    static void discard(DataStream<InputRecord> records, InputParser.Kind kind) {
        validate(records, kind).sinkTo(new DiscardingSink<>());
    }

    /** The router the job applies to a source of this kind. */
    static DataStream<?> validate(DataStream<InputRecord> records, InputParser.Kind kind) {
        switch (kind) {
            case PREDICTION:
                return records.process(
                        new ValidRecordRouter<>(r -> r.prediction, p -> p.origin),
                        TypeInformation.of(Prediction.class));
            case LABEL:
                return records.process(
                        new ValidRecordRouter<>(r -> r.label, l -> l.origin), TypeInformation.of(Label.class));
            default:
                return records.process(
                        new ValidRecordRouter<>(r -> r.businessEvent, e -> e.origin),
                        TypeInformation.of(BusinessEvent.class));
        }
    }
}
