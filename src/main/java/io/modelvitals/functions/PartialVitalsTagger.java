package io.modelvitals.functions;

import io.modelvitals.events.PartialVitals;
import io.modelvitals.vitals.ClassificationAccumulator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** First phase: attaches the key and the window to a bucket's accumulator; computes nothing. */
public class PartialVitalsTagger extends ProcessWindowFunction<ClassificationAccumulator, PartialVitals, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<ClassificationAccumulator> accs, Collector<PartialVitals> out) {
        String[] parts = Keys.split(key);
        PartialVitals p = new PartialVitals();
        p.model = parts[0];
        p.version = parts[1];
        p.slice = parts[2];
        p.windowStart = ctx.window().getStart();
        p.windowEnd = ctx.window().getEnd();
        p.accumulator = accs.iterator().next();
        out.collect(p);
    }
}
