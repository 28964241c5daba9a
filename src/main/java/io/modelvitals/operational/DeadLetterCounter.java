package io.modelvitals.operational;

import io.modelvitals.events.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/** Counts every dead letter, from every stage, on its way to the dead-letter sink (Flink metric {@code deadLetters}). */
public class DeadLetterCounter extends RichMapFunction<DeadLetter, DeadLetter> {
    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public DeadLetter map(DeadLetter d) {
        deadLetters.inc();
        return d;
    }
}
