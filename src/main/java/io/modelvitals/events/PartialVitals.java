package io.modelvitals.events;

import io.modelvitals.vitals.ClassificationAccumulator;

/**
 * A first-phase aggregate: the accumulator of one (model, version, slice, spread bucket) in one window.
 * The second phase merges the buckets of a (model, version, slice) into the final vitals.
 */
public class PartialVitals {
    public String model;
    public String version;
    public String slice;
    public long windowStart;
    public long windowEnd;
    public ClassificationAccumulator accumulator;

    public PartialVitals() {}

    public String mergeKey() {
        return model + '\u001f' + version + '\u001f' + slice;
    }
}
