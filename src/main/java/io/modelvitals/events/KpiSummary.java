package io.modelvitals.events;

import io.modelvitals.vitals.KpiAccumulator;

/** The KPI terms of one (model, version, slice) in one window: partial (phase 1) or merged (phase 2). */
public class KpiSummary implements SliceSummary<KpiAccumulator> {
    public String model;
    public String version;
    public String slice;
    public long windowStart;
    public long windowEnd;
    public KpiAccumulator accumulator;

    public KpiSummary() {}

    @Override
    public void set(
            String model, String version, String slice, long windowStart, long windowEnd, KpiAccumulator accumulator) {
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

    /** All versions of a model's slice meet here, so challengers can be compared with the champion. */
    public String comparisonKey() {
        return Keys.of(model, slice);
    }
}
