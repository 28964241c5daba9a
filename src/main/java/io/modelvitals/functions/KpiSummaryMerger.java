package io.modelvitals.functions;

import io.modelvitals.events.KpiSummary;
import io.modelvitals.vitals.KpiAccumulator;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Second phase: merges the panes' KPI terms of one (model, version, slice) and window. */
public class KpiSummaryMerger implements AggregateFunction<KpiSummary, KpiAccumulator, KpiAccumulator> {
    @Override
    public KpiAccumulator createAccumulator() {
        return new KpiAccumulator();
    }

    @Override
    public KpiAccumulator add(KpiSummary s, KpiAccumulator acc) {
        return acc.merge(s.accumulator);
    }

    @Override
    public KpiAccumulator getResult(KpiAccumulator acc) {
        return acc;
    }

    @Override
    public KpiAccumulator merge(KpiAccumulator a, KpiAccumulator b) {
        return a.merge(b);
    }
}
