package io.modelvitals.pane;

import io.modelvitals.events.DeadLetter;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * A stage's records whose pane had closed, as dead letters: each has counted in the join (so it is {@code
 * afterCounting}). A stage that aggregates records another stage also aggregates (the estimation stage's scored
 * predictions and outcomes are the output stage's predictions and the quality stage's pairs) leaves the dead letter to
 * that stage, which owns the lateness of the record: its reason function returns null, and the record is counted in
 * the metric {@code lateRecordsDeadLetteredElsewhere} instead of being sent a second time (docs/robustness.md).
 */
public class LateRecordDeadLetters<IN> extends RichFlatMapFunction<IN, DeadLetter> {
    private final MapFunction<IN, DeadLetter> asDeadLetter;
    private transient Counter elsewhere;

    public LateRecordDeadLetters(MapFunction<IN, DeadLetter> asDeadLetter) {
        this.asDeadLetter = asDeadLetter;
    }

    @Override
    public void open(OpenContext openContext) {
        elsewhere = getRuntimeContext().getMetricGroup().counter("lateRecordsDeadLetteredElsewhere");
    }

    @Override
    public void flatMap(IN record, Collector<DeadLetter> out) throws Exception {
        DeadLetter d = asDeadLetter.map(record);
        if (d == null) {
            elsewhere.inc();
            return;
        }
        // Every record here was counted by the join first: it misses this window, not every vital.
        d.afterCounting = true;
        out.collect(d);
    }
}
