package io.modelvitals.pane;

import io.modelvitals.events.Keys;
import io.modelvitals.vitals.Mergeable;

/**
 * The first phase's output: one slice's accumulator of one (model, version) in one pane, from one subtask. The second
 * phase merges the partials of every subtask by {@link #mergeKey()}. Generic, so Flink needs its type spelled out
 * (a {@code TypeHint} per accumulator type, see the stages' pane definitions).
 */
public class PanePartial<A extends Mergeable<A>> {
    public String model;
    public String version;
    public String slice;
    public long windowStart;
    public long windowEnd;
    public A accumulator;

    public PanePartial() {}

    public String mergeKey() {
        return Keys.of(model, version, slice);
    }
}
