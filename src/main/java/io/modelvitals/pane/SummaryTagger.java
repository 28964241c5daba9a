package io.modelvitals.pane;

import io.modelvitals.events.Keys;
import io.modelvitals.events.SliceSummary;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableSupplier;

/** Second phase: attaches (model, version, slice) and the window to a merged accumulator; computes nothing. */
public class SummaryTagger<A, S extends SliceSummary<A>> implements PaneWindowCombiner.WindowEmitter<A, S> {
    private final SerializableSupplier<S> newSummary;

    public SummaryTagger(SerializableSupplier<S> newSummary) {
        this.newSummary = newSummary;
    }

    @Override
    public void emit(String key, long windowStart, long windowEnd, A acc, Collector<S> out) {
        String[] parts = Keys.split(key);
        S s = newSummary.get();
        s.set(parts[0], parts[1], parts[2], windowStart, windowEnd, acc);
        out.collect(s);
    }
}
