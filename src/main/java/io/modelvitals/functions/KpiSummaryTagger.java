package io.modelvitals.functions;

import io.modelvitals.events.KpiSummary;
import io.modelvitals.vitals.KpiAccumulator;
import org.apache.flink.util.Collector;

/** Second phase: attaches (model, version, slice) and the window to merged KPI terms; computes nothing. */
public class KpiSummaryTagger implements PaneWindowCombiner.WindowEmitter<KpiAccumulator, KpiSummary> {
    @Override
    public void emit(String key, long windowStart, long windowEnd, KpiAccumulator acc, Collector<KpiSummary> out) {
        String[] parts = Keys.split(key);
        KpiSummary s = new KpiSummary();
        s.model = parts[0];
        s.version = parts[1];
        s.slice = parts[2];
        s.windowStart = windowStart;
        s.windowEnd = windowEnd;
        s.accumulator = acc;
        out.collect(s);
    }
}
