package io.modelvitals.functions;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.OutputSample;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.PartialVitals;
import org.apache.flink.util.function.SerializableFunction;
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
 * Event-time windows whose size and slide come from each element's model in the spec (tumbling when
 * they are equal), by a time the element carries rather than its stream timestamp.
 */
public class ModelWindowAssigner<T> extends WindowAssigner<T, TimeWindow> {
    private final MonitorSpec spec;
    private final SerializableFunction<T, String> modelOf;
    private final SerializableFunction<T, Long> timeOf;

    private ModelWindowAssigner(MonitorSpec spec, SerializableFunction<T, String> modelOf, SerializableFunction<T, Long> timeOf) {
        this.spec = spec;
        this.modelOf = modelOf;
        this.timeOf = timeOf;
    }

    /** Join results, by the time they count at: a pair when its label became known, an expiry at its horizon's end. */
    public static ModelWindowAssigner<JoinResult> forJoinResults(MonitorSpec spec) {
        return new ModelWindowAssigner<>(spec, r -> r.model, r -> r.ts);
    }

    /** Output samples, by their prediction's time. */
    public static ModelWindowAssigner<OutputSample> forOutputs(MonitorSpec spec) {
        return new ModelWindowAssigner<>(spec, s -> s.model, s -> s.ts);
    }

    /** First-phase quality partials: every window that contains the pane (one slide) they cover. */
    public static ModelWindowAssigner<PartialVitals> forVitalPanes(MonitorSpec spec) {
        return new ModelWindowAssigner<>(spec, p -> p.model, p -> p.windowStart);
    }

    /** First-phase output partials, likewise. */
    public static ModelWindowAssigner<OutputSummary> forOutputPanes(MonitorSpec spec) {
        return new ModelWindowAssigner<>(spec, s -> s.model, s -> s.windowStart);
    }

    /** First-phase KPI partials, likewise. */
    public static ModelWindowAssigner<KpiSummary> forKpiPanes(MonitorSpec spec) {
        return new ModelWindowAssigner<>(spec, s -> s.model, s -> s.windowStart);
    }

    @Override
    public Collection<TimeWindow> assignWindows(T element, long timestamp, WindowAssignerContext context) {
        ModelSpec model = spec.modelOrDefaults(modelOf.apply(element));
        long ts = timeOf.apply(element);
        long size = model.windowSizeMs();
        long slide = model.windowSlideMs();
        long lastStart = TimeWindow.getWindowStartWithOffset(ts, 0, slide);
        List<TimeWindow> windows = new ArrayList<>((int) (size / slide));
        for (long start = lastStart; start > ts - size; start -= slide) {
            windows.add(new TimeWindow(start, start + size));
        }
        return windows;
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
