package io.modelvitals.functions;

import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.ClassificationVitals;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Second phase: turns a window's merged accumulator into vital records, stamped with key and window. */
public class ClassificationVitalsCollector extends ProcessWindowFunction<ClassificationAccumulator, VitalRecord, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<ClassificationAccumulator> accs, Collector<VitalRecord> out) {
        String[] parts = Keys.split(key);
        for (VitalRecord v : ClassificationVitals.compute(parts[0], parts[1], parts[2],
                ctx.window().getStart(), ctx.window().getEnd(), accs.iterator().next())) {
            out.collect(v);
        }
    }
}
