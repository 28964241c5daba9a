package io.modelvitals.pane;

import io.modelvitals.events.PaneRecord;
import io.modelvitals.vitals.Mergeable;
import io.modelvitals.vitals.Sliced;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The first phase's fold, the one part of the two-phase panes that each stage writes: how one record counts in the
 * accumulators of the slices it belongs to, (the record says which model, version and time it has: {@link PaneRecord}). The rest (panes, merging,
 * windows) is {@link PaneAggregateOperator} and {@link PaneWindowCombiner}, shared by every stage.
 */
public abstract class SlicedAggregator<IN extends PaneRecord, A extends Mergeable<A>, S extends Sliced<A>>
        implements AggregateFunction<IN, S, S> {

    /** An empty accumulator of one slice: the second phase starts each pane and window from one. */
    public abstract A newSlice();

    /** The accumulator of one slice in this pane, created on first use. */
    protected A slice(S acc, String slice) {
        return acc.slices().computeIfAbsent(slice, k -> newSlice());
    }

    @Override
    public S getResult(S acc) {
        return acc;
    }

    @Override
    public S merge(S a, S b) {
        return Sliced.mergeInto(a, b);
    }
}
