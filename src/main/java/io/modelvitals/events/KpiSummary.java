package io.modelvitals.events;

import io.modelvitals.vitals.KpiAccumulator;

/** The KPI terms of one (model, version, slice) in one window: partial (phase 1) or merged (phase 2). */
public class KpiSummary {
    public String model;
    public String version;
    public String slice;
    public long windowStart;
    public long windowEnd;
    public KpiAccumulator accumulator;

    public KpiSummary() {}

    public String mergeKey() {
        return model + '\u001f' + version + '\u001f' + slice;
    }

    /** All versions of a model's slice meet here, so challengers can be compared with the champion. */
    public String comparisonKey() {
        return model + '\u001f' + slice;
    }
}
