package io.modelvitals.functions;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Attributes business events to the model version and segment of their prediction, keyed by
 * prediction_id (which spreads by itself). An event counts if its time is within the model's
 * attribution window after the prediction; an event that arrives before its prediction waits for it,
 * up to one attribution window after the event. Each accepted prediction is passed on once too, as an
 * event of type {@code prediction}, for KPIs per prediction and for the traffic split.
 *
 * <p>An event that names its model and version instead of a prediction is keyed by its event_id, so
 * duplicates meet there. Every event that cannot count goes to the dead-letter topic with its reason:
 * a duplicate event_id, no prediction within the window, or a time past the prediction's window.
 *
 * <p>State per key: the prediction's version and segment, the event ids seen and the events waiting,
 * each bounded by {@link #MAX_EVENTS_PER_KEY}; one event-time timer clears it when the window ends.
 */
public class BusinessEventAttributionFunction extends KeyedCoProcessFunction<String, Prediction, BusinessEvent, AttributedEvent> {
    /** More events than this for one prediction are refused: a flood on one id cannot grow state without bound. */
    public static final int MAX_EVENTS_PER_KEY = 1000;
    private static final String DIRECT = "\u0000event:";

    /** All the state of one prediction_id (or of one directly attributed event_id). */
    public static class AttributionState {
        public boolean predicted;
        public String model;
        public String version;
        public Map<String, String> segment;
        public long predictionTs;
        /** The last event time that still counts for the prediction. */
        public long windowEnd;
        /** Events that came before their prediction. */
        public List<BusinessEvent> pending = new ArrayList<>();
        public List<String> seen = new ArrayList<>();
        public long timer = Long.MIN_VALUE;

        public AttributionState() {}
    }

    private final MonitorSpec spec;
    private transient ValueState<AttributionState> state;
    private transient Counter attributed;
    private transient Counter withoutKpis;
    private transient long longestWindowMs;

    public BusinessEventAttributionFunction(MonitorSpec spec) {
        this.spec = spec;
    }

    /** The key of a business event: its prediction_id, or its own event_id when it names its model directly. */
    public static String key(BusinessEvent e) {
        return e.predictionId != null ? e.predictionId : DIRECT + e.eventId;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<AttributionState> descriptor = new ValueStateDescriptor<>("attribution", AttributionState.class);
        // Timers clear every entry; the TTL is a safety net for a watermark that never advances.
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(4 * maxWindowMs(spec)))
                .disableCleanupInBackground().cleanupFullSnapshot().build());
        state = getRuntimeContext().getState(descriptor);
        longestWindowMs = maxWindowMs(spec);
        attributed = getRuntimeContext().getMetricGroup().counter("attributedBusinessEvents");
        withoutKpis = getRuntimeContext().getMetricGroup().counter("businessEventsWithoutKpis");
    }

    /** The longest attribution window of a model with KPIs: how long an event waits for an unknown prediction. */
    static long maxWindowMs(MonitorSpec spec) {
        long max = spec.job.monitorUndeclaredModels && !spec.defaults.kpis.isEmpty() ? spec.defaults.attributionWindowMs() : 1;
        for (ModelSpec m : spec.models) if (!m.kpis.isEmpty()) max = Math.max(max, m.attributionWindowMs());
        return max;
    }

    @Override
    public void processElement1(Prediction p, Context ctx, Collector<AttributedEvent> out) throws Exception {
        ModelSpec model = spec.model(p.model);
        if (model == null || model.kpis.isEmpty() || p.error != null) return; // no KPI needs it: keep no state for it
        AttributionState st = state.value();
        if (st == null) st = new AttributionState();
        if (st.predicted) return; // the join passes each prediction_id once
        st.predicted = true;
        st.model = p.model;
        st.version = p.version;
        st.segment = p.segment;
        st.predictionTs = p.ts;
        st.windowEnd = saturatedAdd(p.ts, model.attributionWindowMs());
        out.collect(attributedEvent(st, AttributedEvent.PREDICTION, null, p.predictionId, p.ts));
        for (BusinessEvent e : st.pending) attribute(st, e, ctx, out);
        st.pending.clear();
        schedule(st, st.windowEnd, ctx);
        state.update(st);
    }

    @Override
    public void processElement2(BusinessEvent e, Context ctx, Collector<AttributedEvent> out) throws Exception {
        if (e.predictionId == null) {
            direct(e, ctx, out);
            return;
        }
        AttributionState st = state.value();
        if (st == null) st = new AttributionState();
        if (st.seen.contains(e.eventId)) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("duplicate business event_id '" + e.eventId + "': counted once", e.origin, null, null));
            return;
        }
        if (st.seen.size() >= MAX_EVENTS_PER_KEY) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("more than " + MAX_EVENTS_PER_KEY
                    + " business events for prediction_id '" + e.predictionId + "': not counted", e.origin, null, null));
            return;
        }
        st.seen.add(e.eventId);
        if (st.predicted) {
            attribute(st, e, ctx, out);
        } else {
            // Its prediction may still come: wait up to the longest attribution window after the event.
            st.pending.add(e);
            schedule(st, Math.max(st.timer, saturatedAdd(e.ts, longestWindowMs)), ctx);
        }
        state.update(st);
    }

    /** An event that names its model and version: counted once per event_id, in the whole population only. */
    private void direct(BusinessEvent e, Context ctx, Collector<AttributedEvent> out) throws Exception {
        ModelSpec model = spec.model(e.model);
        if (model == null) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter(
                    "model '" + e.model + "' is not declared in the spec (job.monitor_undeclared_models is false)", e.origin, null, null));
            return;
        }
        if (model.kpis.isEmpty()) {
            withoutKpis.inc();
            return;
        }
        if (state.value() != null) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("duplicate business event_id '" + e.eventId + "': counted once", e.origin, null, null));
            return;
        }
        AttributionState st = new AttributionState();
        st.seen.add(e.eventId);
        schedule(st, saturatedAdd(e.ts, model.attributionWindowMs()), ctx);
        state.update(st);
        AttributionState version = new AttributionState();
        version.model = e.model;
        version.version = e.version;
        attributed.inc();
        out.collect(attributedEvent(version, e.type, e.value, e.eventId, e.ts));
    }

    private void attribute(AttributionState st, BusinessEvent e, Context ctx, Collector<AttributedEvent> out) {
        if (e.ts > st.windowEnd) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("business event at " + Instant.ofEpochMilli(e.ts)
                    + " is past the attribution window of prediction '" + e.predictionId + "' (it ended at "
                    + Instant.ofEpochMilli(st.windowEnd) + ")", e.origin, null, null));
            return;
        }
        attributed.inc();
        // Counted at the later of the two times, like a label: an event a little ahead of its prediction's clock still counts.
        out.collect(attributedEvent(st, e.type, e.value, e.eventId, Math.max(e.ts, st.predictionTs)));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AttributedEvent> out) throws Exception {
        AttributionState st = state.value();
        if (st == null) return;
        if (!st.predicted) {
            for (BusinessEvent e : st.pending) {
                ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("unattributed business event: no prediction '" + e.predictionId
                        + "' of a model with KPIs arrived within the attribution window", e.origin, null, null));
            }
        }
        state.clear();
    }

    private void schedule(AttributionState st, long timer, Context ctx) {
        if (st.timer == timer) return;
        if (st.timer != Long.MIN_VALUE) ctx.timerService().deleteEventTimeTimer(st.timer);
        st.timer = timer;
        ctx.timerService().registerEventTimeTimer(timer);
    }

    private static AttributedEvent attributedEvent(AttributionState st, String type, Double value, String eventId, long ts) {
        AttributedEvent a = new AttributedEvent();
        a.model = st.model;
        a.version = st.version;
        a.segment = st.segment;
        a.ts = ts;
        a.type = type;
        a.value = value;
        a.eventId = eventId;
        return a;
    }

    private static long saturatedAdd(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }
}
