package io.modelvitals.functions;

import io.modelvitals.events.InputRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/** Passes on the valid events of one input stream and routes its dead letters to the side output, counting them. */
public class ValidRecordRouter<T> extends ProcessFunction<InputRecord, T> {
    private final SerializableFunction<InputRecord, T> event;
    private transient Counter deadLetters;

    public ValidRecordRouter(SerializableFunction<InputRecord, T> event) {
        this.event = event;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<T> out) {
        if (record.deadLetter != null) {
            deadLetters.inc();
            ctx.output(SideOutputs.DEAD_LETTERS, record.deadLetter);
            return;
        }
        T value = event.apply(record);
        if (value != null) out.collect(value);
    }
}
