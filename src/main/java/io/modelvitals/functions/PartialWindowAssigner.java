package io.modelvitals.functions;

import io.modelvitals.events.PartialVitals;
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
public class PartialWindowAssigner extends WindowAssigner<PartialVitals, TimeWindow> {

    @Override
    public Collection<TimeWindow> assignWindows(PartialVitals p, long timestamp, WindowAssignerContext context) {
        return List.of(new TimeWindow(p.windowStart, p.windowEnd));
    }

    @Override
    public Trigger<PartialVitals, TimeWindow> getDefaultTrigger() {
        @SuppressWarnings("unchecked")
        Trigger<PartialVitals, TimeWindow> trigger = (Trigger<PartialVitals, TimeWindow>) (Trigger<?, ?>) EventTimeTrigger.create();
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
