package io.modelvitals.functions;

import io.modelvitals.events.OutputSummary;
import io.modelvitals.vitals.OutputAccumulator;
import org.apache.flink.util.Collector;

/** Second phase: attaches (model, version, slice) and the window to a merged output accumulator; computes nothing. */
public class OutputSummaryTagger implements PaneWindowCombiner.WindowEmitter<OutputAccumulator, OutputSummary> {
    @Override
    public void emit(String key, long windowStart, long windowEnd, OutputAccumulator acc, Collector<OutputSummary> out) {
        String[] parts = Keys.split(key);
        OutputSummary s = new OutputSummary();
        s.model = parts[0];
        s.version = parts[1];
        s.slice = parts[2];
        s.windowStart = windowStart;
        s.windowEnd = windowEnd;
        s.accumulator = acc;
        out.collect(s);
    }
}
