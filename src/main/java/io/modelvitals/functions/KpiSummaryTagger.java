package io.modelvitals.functions;

import io.modelvitals.events.KpiSummary;
import io.modelvitals.vitals.KpiAccumulator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Second phase: attaches (model, version, slice) and the window to merged KPI terms; computes nothing. */
public class KpiSummaryTagger extends ProcessWindowFunction<KpiAccumulator, KpiSummary, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<KpiAccumulator> accs, Collector<KpiSummary> out) {
        String[] parts = Keys.split(key);
        KpiSummary s = new KpiSummary();
        s.model = parts[0];
        s.version = parts[1];
        s.slice = parts[2];
        s.windowStart = ctx.window().getStart();
        s.windowEnd = ctx.window().getEnd();
        s.accumulator = accs.iterator().next();
        out.collect(s);
    }
}
