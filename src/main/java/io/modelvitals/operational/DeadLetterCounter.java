package io.modelvitals.operational;

import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Ledger;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Counts every dead letter, from every stage, on its way to the dead-letter sink (Flink metric {@code deadLetters}),
 * and in the input ledger by its origin: where the records that could not count end.
 */
public class DeadLetterCounter extends RichMapFunction<DeadLetter, DeadLetter> {
    private transient Counter deadLetters;
    private transient Ledger ledger;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        ledger = new Ledger(getRuntimeContext());
    }

    @Override
    public DeadLetter map(DeadLetter d) {
        deadLetters.inc();
        ledger.add(d.afterCounting ? Ledger.LATE_AFTER_COUNTING : Ledger.DEAD_LETTERS, d.origin);
        return d;
    }
}
