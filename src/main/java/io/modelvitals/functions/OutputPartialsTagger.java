package io.modelvitals.functions;

import io.modelvitals.events.OutputSummary;
import io.modelvitals.vitals.OutputAccumulator;
import io.modelvitals.vitals.SlicedOutputs;
import java.util.Map;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** First phase: emits a bucket's output summary of each slice with its key and window; computes nothing. */
public class OutputPartialsTagger extends ProcessWindowFunction<SlicedOutputs, OutputSummary, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<SlicedOutputs> accs, Collector<OutputSummary> out) {
        String[] parts = Keys.split(key);
        for (Map.Entry<String, OutputAccumulator> slice : accs.iterator().next().slices.entrySet()) {
            OutputSummary s = new OutputSummary();
            s.model = parts[0];
            s.version = parts[1];
            s.slice = slice.getKey();
            s.windowStart = ctx.window().getStart();
            s.windowEnd = ctx.window().getEnd();
            s.accumulator = slice.getValue();
            out.collect(s);
        }
    }
}
