package io.modelvitals.functions;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Label;
import io.modelvitals.events.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins each prediction with what comes back about it — its label and its business events — by
 * prediction_id, whichever arrives first.
 *
 * <p><b>Labels</b>, within the model's label horizon. Emits each pair as soon as both sides are here, counted at the later of the two event
 * times, so quality windows stay live even when labels arrive days later (an interval join would hold
 * the watermark back by the whole horizon). When a prediction's horizon ends it emits an EXPIRED
 * result that says whether a label came in time, for label coverage; it then keeps a tombstone for the
 * late-label grace period, so labels that come too late are counted as late rather than orphaned.
 *
 * <p><b>Business events</b> (models with KPIs only), within the model's attribution window: each takes
 * the prediction's version and segment and goes out on {@link SideOutputs#ATTRIBUTED_EVENTS}, counted
 * at the later of the two times; each accepted prediction goes out there once too, as an event of type
 * {@code prediction}. An event that arrives before its prediction waits for it, up to the longest
 * attribution window after the event. Duplicates (by event_id), events past the window, events whose
 * prediction never comes and more than {@link #MAX_EVENTS_PER_KEY} events per prediction are
 * dead-lettered. An event that names its model and version instead is keyed by its own event_id
 * ({@link Feedback#key}), counted once, and remembered for one attribution window.
 *
 * <p>Labels and events share the prediction's state and timer, so a prediction costs one state entry,
 * one timer and one shuffle whatever comes back about it. State per key is one small value and one
 * event-time timer; every path clears both.
 */
public class PredictionJoinFunction extends KeyedCoProcessFunction<String, Prediction, Feedback, JoinResult> {
    /** More events than this for one prediction are refused: a flood on one id cannot grow state without bound. */
    public static final int MAX_EVENTS_PER_KEY = 1000;

    /** All the state of one prediction_id. */
    public static class JoinState {
        /** The prediction, trimmed to what the vitals need; null while a label waits for it. */
        public Prediction prediction;
        /** A label that arrived before its prediction. */
        public Label pendingLabel;
        /** Further copies of the pending label, counted as duplicates once the prediction arrives. */
        public int pendingDuplicates;
        public boolean labeled;
        /** A label past the horizon has been seen: further labels are duplicates, whatever the arrival order. */
        public boolean lateSeen;
        public boolean expired;
        public long timer;
        /** Fixed when the prediction arrives, so a changed spec on restore cannot change a running horizon. */
        public long horizonEnd;
        public long graceMs;
        /** Business events: the last event time that counts for the prediction (0: the model has no KPIs). */
        public long attributionEnd;
        /** Event ids seen (duplicates are refused), and events that came before their prediction. */
        public List<String> eventIds;
        public List<BusinessEvent> pendingEvents;
        /** The attribution window is over and the ids are gone: any further event is refused (it could be a duplicate). */
        public boolean eventsClosed;

        public JoinState() {}
    }

    private final MonitorSpec spec;
    private transient ValueState<JoinState> state;
    private transient Counter predictionErrors;
    private transient Counter attributed;
    private transient Counter withoutKpis;
    private transient long longestAttributionMs;
    private transient long maxOutOfOrdernessMs;

    public PredictionJoinFunction(MonitorSpec spec) {
        this.spec = spec;
    }

    public static ValueStateDescriptor<JoinState> stateDescriptor(MonitorSpec spec) {
        ValueStateDescriptor<JoinState> descriptor = new ValueStateDescriptor<>("join-state", JoinState.class);
        // Timers clear every entry; the TTL is a safety net for a watermark that never advances
        // (a partition that never goes idle), so a stalled stream cannot grow state without bound.
        long longest = Math.max(spec.maxLabelHorizonMs() + maxGraceMs(spec), maxAttributionMs(spec));
        // Generous (at least a week), so an outage or a backlog does not lose state its timers still need.
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(Math.max(4 * longest, Duration.ofDays(7).toMillis())))
                // No incremental cleanup: it walks state entries on every access (8% of the job's CPU in
                // the benchmark). Expired entries are never read and are dropped from full snapshots.
                .disableCleanupInBackground().cleanupFullSnapshot().build());
        return descriptor;
    }

    private static long maxGraceMs(MonitorSpec spec) {
        long max = spec.job.monitorUndeclaredModels || spec.models.isEmpty() ? spec.defaults.lateLabelGraceMs() : 0;
        for (ModelSpec m : spec.models) max = Math.max(max, m.lateLabelGraceMs());
        return max;
    }

    /** The longest attribution window of a model with KPIs: how long an event waits for an unknown prediction. */
    static long maxAttributionMs(MonitorSpec spec) {
        long max = 1;
        for (ModelSpec m : spec.monitored()) if (!m.kpis.isEmpty()) max = Math.max(max, m.attributionWindowMs());
        return max;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(stateDescriptor(spec));
        predictionErrors = getRuntimeContext().getMetricGroup().counter("predictionErrors");
        attributed = getRuntimeContext().getMetricGroup().counter("attributedBusinessEvents");
        withoutKpis = getRuntimeContext().getMetricGroup().counter("businessEventsWithoutKpis");
        longestAttributionMs = maxAttributionMs(spec);
        maxOutOfOrdernessMs = io.modelvitals.config.Durations.parse(spec.job.maxOutOfOrderness).toMillis();
    }

    @Override
    public void processElement1(Prediction p, Context ctx, Collector<JoinResult> out) throws Exception {
        if (p.error != null) {
            // A failed prediction has no output to judge: not joined, only counted by the operational vitals.
            predictionErrors.inc();
            if (spec.model(p.model) != null) ctx.output(SideOutputs.ACCEPTED_PREDICTIONS, p);
            return;
        }
        ModelSpec model = spec.model(p.model);
        if (model == null) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter(
                    "model '" + p.model + "' is not declared in the spec (job.monitor_undeclared_models is false)", p.origin, null, null));
            return;
        }
        long lastUse = Math.max(saturatedAdd(p.ts, model.labelHorizonMs()), model.kpis.isEmpty() ? 0 : saturatedAdd(p.ts, model.attributionWindowMs()));
        if (lastUse <= ctx.timerService().currentWatermark()) {
            // Far in the past: its whole label horizon is behind the watermark, so every window it could count in
            // has been computed. Reported once here rather than once per window it misses.
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("late prediction: its label horizon ended at "
                    + java.time.Instant.ofEpochMilli(p.ts + model.labelHorizonMs()) + ", before the watermark ("
                    + java.time.Instant.ofEpochMilli(ctx.timerService().currentWatermark()) + ")", p.origin, null, null));
            return;
        }
        JoinState st = state.value();
        if (st != null && st.prediction != null) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter(
                    "duplicate prediction_id '" + p.predictionId + "': the first prediction is kept", p.origin, null, null));
            return;
        }
        if (st == null) st = new JoinState();
        st.prediction = trimmed(p);
        st.horizonEnd = saturatedAdd(p.ts, model.labelHorizonMs());
        st.graceMs = model.lateLabelGraceMs();
        // Every accepted prediction, once: the output-distribution vitals count these, not raw duplicates.
        ctx.output(SideOutputs.ACCEPTED_PREDICTIONS, p);
        if (!model.kpis.isEmpty()) {
            st.attributionEnd = saturatedAdd(p.ts, model.attributionWindowMs());
            ctx.output(SideOutputs.ATTRIBUTED_EVENTS, attributedEvent(st.prediction, AttributedEvent.PREDICTION, null, p.predictionId, p.ts));
            if (st.pendingEvents != null) {
                for (BusinessEvent e : st.pendingEvents) attribute(st, e, ctx);
                st.pendingEvents = null;
            }
        } else if (st.pendingEvents != null) {
            for (BusinessEvent e : st.pendingEvents) unattributed(e, "its prediction is of a model without KPIs", ctx);
            st.pendingEvents = null;
        }
        if (st.pendingLabel != null) {
            Label label = st.pendingLabel;
            st.pendingLabel = null;
            long ts = Math.max(label.ts, p.ts);
            if (!compatible(st.prediction, label)) {
                ctx.output(SideOutputs.DEAD_LETTERS, mismatch(st.prediction, label));
            } else if (label.ts > st.horizonEnd) {
                st.lateSeen = true;
                out.collect(result(JoinResult.LATE_LABEL, st.prediction, label, ts));
            } else {
                st.labeled = true;
                out.collect(result(JoinResult.PAIR, st.prediction, label, ts));
            }
            for (int i = 0; i < st.pendingDuplicates; i++) {
                out.collect(result(JoinResult.DUPLICATE_LABEL, st.prediction, label, ts));
            }
            st.pendingDuplicates = 0;
        }
        // First the horizon's end (the expiry, for label coverage); then the state lives on for the late-label
        // grace or the attribution window, whichever ends later.
        schedule(st, st.horizonEnd, ctx);
        state.update(st);
    }

    @Override
    public void processElement2(Feedback feedback, Context ctx, Collector<JoinResult> out) throws Exception {
        if (feedback.label != null) label(feedback.label, ctx, out);
        else if (feedback.event.predictionId == null) direct(feedback.event, ctx);
        else event(feedback.event, ctx);
    }

    private void label(Label label, Context ctx, Collector<JoinResult> out) throws Exception {
        JoinState st = state.value();
        if (st == null || (st.prediction == null && st.pendingLabel == null)) {
            if (st == null) st = new JoinState();
            st.pendingLabel = label;
            schedule(st, Math.max(st.timer, saturatedAdd(label.ts, spec.maxLabelHorizonMs())), ctx);
        } else if (st.prediction == null) {
            st.pendingDuplicates++;
        } else if (st.labeled || st.lateSeen) {
            out.collect(result(JoinResult.DUPLICATE_LABEL, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        } else if (!compatible(st.prediction, label)) {
            ctx.output(SideOutputs.DEAD_LETTERS, mismatch(st.prediction, label));
        } else if (st.expired || label.ts > st.horizonEnd) {
            st.lateSeen = true;
            out.collect(result(JoinResult.LATE_LABEL, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        } else {
            st.labeled = true;
            out.collect(result(JoinResult.PAIR, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        }
        state.update(st);
    }

    private void event(BusinessEvent e, Context ctx) throws Exception {
        JoinState st = state.value();
        if (st == null) st = new JoinState();
        if (st.eventsClosed) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("business event after the attribution window of prediction '"
                    + e.predictionId + "' had closed (it ended at " + java.time.Instant.ofEpochMilli(st.attributionEnd) + ")", e.origin, null, null));
            return;
        }
        if (st.eventIds == null) st.eventIds = new ArrayList<>(2);
        if (st.eventIds.contains(e.eventId)) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("duplicate business event_id '" + e.eventId + "': counted once", e.origin, null, null));
            return;
        }
        if (st.eventIds.size() >= MAX_EVENTS_PER_KEY) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("more than " + MAX_EVENTS_PER_KEY
                    + " business events for prediction_id '" + e.predictionId + "': not counted", e.origin, null, null));
            return;
        }
        st.eventIds.add(e.eventId);
        if (st.prediction != null) {
            if (st.attributionEnd == 0) unattributed(e, "its prediction is of a model without KPIs", ctx);
            else attribute(st, e, ctx);
        } else {
            // Its prediction may still come: wait up to the longest attribution window after the event.
            if (st.pendingEvents == null) st.pendingEvents = new ArrayList<>(1);
            st.pendingEvents.add(e);
            schedule(st, Math.max(st.timer, saturatedAdd(e.ts, longestAttributionMs)), ctx);
        }
        state.update(st);
    }

    /** An event that names its model and version: counted once per event_id, in the whole population only. */
    private void direct(BusinessEvent e, Context ctx) throws Exception {
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
        JoinState st = new JoinState();
        schedule(st, saturatedAdd(e.ts, model.attributionWindowMs()), ctx);
        state.update(st);
        Prediction version = new Prediction();
        version.model = e.model;
        version.version = e.version;
        attributed.inc();
        ctx.output(SideOutputs.ATTRIBUTED_EVENTS, attributedEvent(version, e.type, e.value, e.eventId, e.ts));
    }

    private void attribute(JoinState st, BusinessEvent e, Context ctx) {
        if (e.ts < st.prediction.ts - maxOutOfOrdernessMs) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("business event at " + java.time.Instant.ofEpochMilli(e.ts)
                    + " is before its prediction '" + e.predictionId + "' (" + java.time.Instant.ofEpochMilli(st.prediction.ts)
                    + ") by more than job.max_out_of_orderness", e.origin, null, null));
            return;
        }
        if (e.ts > st.attributionEnd) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("business event at " + java.time.Instant.ofEpochMilli(e.ts)
                    + " is past the attribution window of prediction '" + e.predictionId + "' (it ended at "
                    + java.time.Instant.ofEpochMilli(st.attributionEnd) + ")", e.origin, null, null));
            return;
        }
        attributed.inc();
        // Counted at the later of the two times, like a label: an event a little ahead of its prediction's clock still counts.
        ctx.output(SideOutputs.ATTRIBUTED_EVENTS, attributedEvent(st.prediction, e.type, e.value, e.eventId, Math.max(e.ts, st.prediction.ts)));
    }

    private static void unattributed(BusinessEvent e, String why, Context ctx) {
        ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter("unattributed business event: " + why, e.origin, null, null));
    }

    private void schedule(JoinState st, long timer, Context ctx) {
        if (st.timer == timer) return;
        if (st.timer != 0) ctx.timerService().deleteEventTimeTimer(st.timer);
        st.timer = timer;
        ctx.timerService().registerEventTimeTimer(timer);
    }

    private static AttributedEvent attributedEvent(Prediction p, String type, Double value, String eventId, long ts) {
        AttributedEvent a = new AttributedEvent();
        a.model = p.model;
        a.version = p.version;
        a.segment = p.segment;
        a.ts = ts;
        a.type = type;
        a.value = value;
        a.eventId = eventId;
        return a;
    }

    /** A class is judged against a class, a value against a value. */
    private static boolean compatible(Prediction p, Label label) {
        return (p.label != null) == (label.label != null);
    }

    private static DeadLetter mismatch(Prediction p, Label label) {
        return new DeadLetter("label does not match its prediction: the prediction has a "
                + (p.label != null ? "class ('label')" : "value ('value')") + ", the label a "
                + (label.label != null ? "class" : "value"), label.origin, null, null);
    }

    private static long saturatedAdd(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JoinResult> out) throws Exception {
        JoinState st = state.value();
        if (st == null || timestamp != st.timer) return;
        if (st.prediction == null) {
            // Nothing came for this key: what waited for a prediction is reported, a direct event's memory ends.
            if (st.pendingLabel != null) {
                ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter(
                        "orphan label: no prediction with prediction_id '" + ctx.getCurrentKey() + "' arrived within the longest label horizon",
                        st.pendingLabel.origin, null, null));
            }
            if (st.pendingEvents != null) {
                for (BusinessEvent e : st.pendingEvents) {
                    unattributed(e, "no prediction '" + e.predictionId + "' of a model with KPIs arrived within the attribution window", ctx);
                }
            }
            state.clear();
        } else if (!st.expired) {
            JoinResult expiredResult = result(JoinResult.EXPIRED, st.prediction, null, timestamp);
            expiredResult.labeled = st.labeled;
            out.collect(expiredResult);
            st.expired = true;
            // Past the attribution window, events no longer count: their ids need not be kept.
            if (st.attributionEnd != 0 && timestamp >= st.attributionEnd) {
                st.eventIds = null;
                st.eventsClosed = true;
            }
            st.timer = Math.max(saturatedAdd(timestamp, st.graceMs), st.attributionEnd);
            ctx.timerService().registerEventTimeTimer(st.timer);
            state.update(st);
        } else {
            state.clear();
        }
    }

    /** What the join keeps of a prediction: what the quality vitals need, not its origin, latency or error. */
    private static Prediction trimmed(Prediction p) {
        Prediction t = new Prediction();
        t.predictionId = p.predictionId;
        t.model = p.model;
        t.version = p.version;
        t.ts = p.ts;
        t.label = p.label;
        t.value = p.value;
        t.score = p.score;
        t.scores = p.scores;
        t.segment = p.segment;
        return t;
    }

    private static JoinResult result(String kind, Prediction p, Label label, long ts) {
        JoinResult r = new JoinResult();
        r.kind = kind;
        r.ts = ts;
        r.predictionId = p.predictionId;
        r.model = p.model;
        r.version = p.version;
        r.segment = p.segment;
        r.predictedLabel = p.label;
        r.predictedValue = p.value;
        r.predictedScore = p.score;
        r.predictedScores = p.scores;
        r.predictionTs = p.ts;
        if (label != null) {
            r.actualLabel = label.label;
            r.actualValue = label.value;
            r.labelTs = label.ts;
        }
        return r;
    }
}
