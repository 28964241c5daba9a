package io.modelvitals.functions;

import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.PartialVitals;
import org.apache.flink.util.function.SerializableFunction;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Puts a first-phase partial back into exactly the window it was computed for, so the second phase
 * merges the spread buckets of one window (re-windowing by timestamp would copy a partial into
 * several sliding windows).
 */
public class PartialWindowAssigner<T> extends WindowAssigner<T, TimeWindow> {
    private final SerializableFunction<T, TimeWindow> windowOf;

    private PartialWindowAssigner(SerializableFunction<T, TimeWindow> windowOf) {
        this.windowOf = windowOf;
    }

    public static PartialWindowAssigner<PartialVitals> forVitals() {
        return new PartialWindowAssigner<>(p -> new TimeWindow(p.windowStart, p.windowEnd));
    }

    public static PartialWindowAssigner<OutputSummary> forOutputs() {
        return new PartialWindowAssigner<>(s -> new TimeWindow(s.windowStart, s.windowEnd));
    }

    @Override
    public Collection<TimeWindow> assignWindows(T partial, long timestamp, WindowAssignerContext context) {
        return List.of(windowOf.apply(partial));
    }

    @Override
    public Trigger<T, TimeWindow> getDefaultTrigger() {
        @SuppressWarnings("unchecked")
        Trigger<T, TimeWindow> trigger = (Trigger<T, TimeWindow>) (Trigger<?, ?>) EventTimeTrigger.create();
        return trigger;
    }

    @Override
    public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig executionConfig) {
        return new TimeWindow.Serializer();
    }

    @Override
    public boolean isEventTime() {
        return true;
    }
}
