package io.modelvitals.functions;

import io.modelvitals.events.OutputSummary;
import io.modelvitals.vitals.OutputAccumulator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Second phase: attaches (model, version, slice) and the window to a merged output accumulator; computes nothing. */
public class OutputSummaryTagger extends ProcessWindowFunction<OutputAccumulator, OutputSummary, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<OutputAccumulator> accs, Collector<OutputSummary> out) {
        String[] parts = Keys.split(key);
        OutputSummary s = new OutputSummary();
        s.model = parts[0];
        s.version = parts[1];
        s.slice = parts[2];
        s.windowStart = ctx.window().getStart();
        s.windowEnd = ctx.window().getEnd();
        s.accumulator = accs.iterator().next();
        out.collect(s);
    }
}
