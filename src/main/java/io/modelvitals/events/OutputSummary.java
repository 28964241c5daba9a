package io.modelvitals.events;

import io.modelvitals.vitals.OutputAccumulator;

/** The output distribution of one (model, version, slice) in one window: partial (phase 1) or merged (phase 2). */
public class OutputSummary {
    public String model;
    public String version;
    public String slice;
    public long windowStart;
    public long windowEnd;
    public OutputAccumulator accumulator;

    public OutputSummary() {}

    public String mergeKey() {
        return model + '\u001f' + version + '\u001f' + slice;
    }

    /** The drift key: all versions of a model's slice meet here, so a challenger can be compared with its champion. */
    public String driftKey() {
        return model + '\u001f' + slice;
    }
}
