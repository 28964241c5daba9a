package io.modelvitals.functions;

import io.modelvitals.events.KpiSummary;
import io.modelvitals.vitals.KpiAccumulator;
import io.modelvitals.vitals.SlicedKpis;
import java.util.Map;
import org.apache.flink.util.Collector;

/** First phase: emits a pane's KPI terms of each slice with its key and pane; computes nothing. */
public class KpiPartialsEmitter implements PaneAggregateOperator.PaneEmitter<SlicedKpis, KpiSummary> {
    @Override
    public void emit(String model, String version, long paneStart, long paneEnd, SlicedKpis acc, Collector<KpiSummary> out) {
        for (Map.Entry<String, KpiAccumulator> slice : acc.slices.entrySet()) {
            KpiSummary s = new KpiSummary();
            s.model = model;
            s.version = version;
            s.slice = slice.getKey();
            s.windowStart = paneStart;
            s.windowEnd = paneEnd;
            s.accumulator = slice.getValue();
            out.collect(s);
        }
    }
}
