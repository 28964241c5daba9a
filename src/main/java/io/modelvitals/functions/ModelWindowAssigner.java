package io.modelvitals.functions;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.JoinResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Event-time windows whose size and slide come from each result's model in the spec (tumbling when
 * they are equal). Windows by the result's own event time ({@link JoinResult#ts}): a pair counts when
 * its label became known, an expiry at its horizon's end.
 */
public class ModelWindowAssigner extends WindowAssigner<JoinResult, TimeWindow> {
    private final MonitorSpec spec;

    public ModelWindowAssigner(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public Collection<TimeWindow> assignWindows(JoinResult r, long timestamp, WindowAssignerContext context) {
        ModelSpec model = spec.model(r.model);
        long size = model.windowSizeMs();
        long slide = model.windowSlideMs();
        long lastStart = TimeWindow.getWindowStartWithOffset(r.ts, 0, slide);
        List<TimeWindow> windows = new ArrayList<>((int) (size / slide));
        for (long start = lastStart; start > r.ts - size; start -= slide) {
            windows.add(new TimeWindow(start, start + size));
        }
        return windows;
    }

    @Override
    public Trigger<JoinResult, TimeWindow> getDefaultTrigger() {
        @SuppressWarnings("unchecked")
        Trigger<JoinResult, TimeWindow> trigger = (Trigger<JoinResult, TimeWindow>) (Trigger<?, ?>) EventTimeTrigger.create();
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
