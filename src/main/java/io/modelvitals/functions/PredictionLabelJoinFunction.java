package io.modelvitals.functions;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Label;
import io.modelvitals.events.Prediction;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins predictions and labels by prediction_id, whichever arrives first, within the model's label
 * horizon. Emits each pair as soon as both sides are here, counted at the later of the two event
 * times, so quality windows stay live even when labels arrive days later (an interval join would hold
 * the watermark back by the whole horizon). When a prediction's horizon ends it emits an EXPIRED
 * result that says whether a label came in time, for label coverage; it then keeps a tombstone for the
 * late-label grace period, so labels that come too late are counted as late rather than orphaned.
 *
 * <p>State per prediction_id is one small value and one event-time timer; every path clears both.
 */
public class PredictionLabelJoinFunction extends KeyedCoProcessFunction<String, Prediction, Label, JoinResult> {

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

        public JoinState() {}
    }

    private final MonitorSpec spec;
    private transient ValueState<JoinState> state;
    private transient Counter predictionErrors;

    public PredictionLabelJoinFunction(MonitorSpec spec) {
        this.spec = spec;
    }

    public static ValueStateDescriptor<JoinState> stateDescriptor(MonitorSpec spec) {
        ValueStateDescriptor<JoinState> descriptor = new ValueStateDescriptor<>("join-state", JoinState.class);
        // Timers clear every entry; the TTL is a safety net for a watermark that never advances
        // (a partition that never goes idle), so a stalled stream cannot grow state without bound.
        long longest = spec.maxLabelHorizonMs() + maxGraceMs(spec);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(2 * longest))
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

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(stateDescriptor(spec));
        predictionErrors = getRuntimeContext().getMetricGroup().counter("predictionErrors");
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
        if (saturatedAdd(p.ts, model.labelHorizonMs()) <= ctx.timerService().currentWatermark()) {
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
        if (st.pendingLabel != null) {
            ctx.timerService().deleteEventTimeTimer(st.timer);
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
        st.timer = st.horizonEnd;
        ctx.timerService().registerEventTimeTimer(st.timer);
        state.update(st);
    }

    @Override
    public void processElement2(Label label, Context ctx, Collector<JoinResult> out) throws Exception {
        JoinState st = state.value();
        if (st == null) {
            st = new JoinState();
            st.pendingLabel = label;
            st.timer = saturatedAdd(label.ts, spec.maxLabelHorizonMs());
            ctx.timerService().registerEventTimeTimer(st.timer);
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
        if (st == null) return;
        if (st.prediction == null) {
            ctx.output(SideOutputs.DEAD_LETTERS, new DeadLetter(
                    "orphan label: no prediction with prediction_id '" + ctx.getCurrentKey() + "' arrived within the longest label horizon",
                    st.pendingLabel.origin, null, null));
            state.clear();
        } else if (!st.expired) {
            JoinResult expiredResult = result(JoinResult.EXPIRED, st.prediction, null, timestamp);
            expiredResult.labeled = st.labeled;
            out.collect(expiredResult);
            st.expired = true;
            st.timer = saturatedAdd(timestamp, st.graceMs);
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
