package io.modelvitals.events;

import io.modelvitals.vitals.OutputAccumulator;

/** The output distribution of one (model, version, slice) in one window: partial (phase 1) or merged (phase 2). */
public class OutputSummary implements SliceSummary<OutputAccumulator> {
    public String model;
    public String version;
    public String slice;
    public long windowStart;
    public long windowEnd;
    public OutputAccumulator accumulator;

    public OutputSummary() {}

    @Override
    public void set(
            String model,
            String version,
            String slice,
            long windowStart,
            long windowEnd,
            OutputAccumulator accumulator) {
        this.model = model;
        this.version = version;
        this.slice = slice;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.accumulator = accumulator;
    }

    public String mergeKey() {
        return Keys.of(model, version, slice);
    }

    /** The drift key: all versions of a model's slice meet here, so a challenger can be compared with its champion. */
    public String driftKey() {
        return Keys.of(model, slice);
    }
}
