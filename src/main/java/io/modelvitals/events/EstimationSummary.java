package io.modelvitals.events;

import io.modelvitals.vitals.EstimationAccumulator;

/** A window of the estimation stage for one (model, version, slice): its predictions and the outcomes that arrived. */
public class EstimationSummary implements SliceSummary<EstimationAccumulator> {
    public String model;
    public String version;
    public String slice;
    public long windowStart;
    public long windowEnd;
    public EstimationAccumulator accumulator;

    public EstimationSummary() {}

    @Override
    public void set(
            String model,
            String version,
            String slice,
            long windowStart,
            long windowEnd,
            EstimationAccumulator accumulator) {
        this.model = model;
        this.version = version;
        this.slice = slice;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.accumulator = accumulator;
    }

    /** All slices of a version meet in one key, so they share the version's calibration. */
    public String versionKey() {
        return Keys.of(model, version);
    }
}
