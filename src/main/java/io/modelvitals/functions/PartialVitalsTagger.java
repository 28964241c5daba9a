package io.modelvitals.functions;

import io.modelvitals.events.PartialVitals;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.SlicedClassification;
import java.util.Map;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** First phase: emits a bucket's accumulator of each slice with its key and window; computes nothing. */
public class PartialVitalsTagger extends ProcessWindowFunction<SlicedClassification, PartialVitals, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<SlicedClassification> accs, Collector<PartialVitals> out) {
        String[] parts = Keys.split(key);
        for (Map.Entry<String, ClassificationAccumulator> slice : accs.iterator().next().slices.entrySet()) {
            PartialVitals p = new PartialVitals();
            p.model = parts[0];
            p.version = parts[1];
            p.slice = slice.getKey();
            p.windowStart = ctx.window().getStart();
            p.windowEnd = ctx.window().getEnd();
            p.accumulator = slice.getValue();
            out.collect(p);
        }
    }
}
