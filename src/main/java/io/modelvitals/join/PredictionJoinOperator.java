package io.modelvitals.join;

import static io.modelvitals.join.DeadlineBuckets.saturatedAdd;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Ledger;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.SideOutputs;
import io.modelvitals.functions.PredictionJoinOperator.JoinState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Joins each prediction with what comes back about it — its label and its business events — by prediction_id,
 * whichever arrives first.
 *
 * <p>This class is the Flink operator: it owns the state, the timers and the order in which things happen, and leaves
 * what happens to {@link LabelMatching} (labels, within the model's label horizon), {@link EventAttribution} (business
 * events, within the model's attribution window, for models with KPIs) and {@link DeadlineBuckets} (the deadlines,
 * one event-time timer per bucket and key group rather than one per prediction).
 *
 * <p>Each key has one deadline at a time ({@link JoinState#timer}): for a prediction, first the end of its label
 * horizon, when it expires, then the end of its late-label grace or attribution window, whichever is later. A deadline
 * the watermark has passed takes effect before the key's next record ({@link #current}), as a timer of its own would,
 * even if its bucket has not fired yet.
 *
 * <p>State per prediction is one small value and one bucket entry; every path clears the value, and each bucket's
 * list is cleared when its timer fires.
 */
public class PredictionJoinOperator extends AbstractStreamOperator<JoinResult>
        implements TwoInputStreamOperator<Prediction, Feedback, JoinResult>, Triggerable<String, Long> {
    /** More events than this for one prediction are refused: a flood on one id cannot grow state without bound. */
    public static final int MAX_EVENTS_PER_KEY = 1000;

    private final MonitorSpec spec;
    private transient ValueState<JoinState> state;
    private transient InternalTimerService<Long> bucketTimers;
    private transient DeadlineBuckets buckets;
    private transient LabelMatching labels;
    private transient EventAttribution events;
    private transient Counter predictionErrors;
    /** Where valid records end: counted, or counted as duplicates (dead letters are counted at their sink). */
    private transient Ledger ledger;

    private transient Interner<String> strings;
    private transient Interner<Map<String, String>> segments;
    /** The time of the element or deadline being handled: the time of what it emits. */
    private transient long outputTs;

    public PredictionJoinOperator(MonitorSpec spec) {
        this.spec = spec;
    }

    /** {@link DeadlineBuckets#bucketMs}, here too for the join's tests. */
    static long bucketMs(MonitorSpec spec) {
        return DeadlineBuckets.bucketMs(spec);
    }

    /** {@link DeadlineBuckets#bucketKeys}, here too for the join's tests. */
    static String[] bucketKeys(KeyGroupRange range, int maxParallelism) {
        return DeadlineBuckets.bucketKeys(range, maxParallelism);
    }

    public static ValueStateDescriptor<JoinState> stateDescriptor(MonitorSpec spec) {
        // The POJO's bytes, written by hand: on RocksDB every record reads and writes this value (JoinStateSerializer).
        ValueStateDescriptor<JoinState> descriptor =
                new ValueStateDescriptor<>("join-state", JoinStateSerializer.INSTANCE);
        // Deadlines clear every entry; the TTL is a safety net for a watermark that never advances
        // (a partition that never goes idle), so a stalled stream cannot grow state without bound.
        long longest = Math.max(spec.maxLabelHorizonMs() + maxGraceMs(spec), EventAttribution.maxAttributionMs(spec));
        // Generous (at least a week), so an outage or a backlog does not lose state its deadlines still need.
        Duration ttl =
                Duration.ofMillis(Math.max(4 * longest, Duration.ofDays(7).toMillis()));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                // No incremental cleanup: it walks state entries on every access (8% of the job's CPU in
                // the benchmark). Expired entries are never read and are dropped from full snapshots.
                .disableCleanupInBackground()
                .cleanupFullSnapshot()
                .build());
        return descriptor;
    }

    private static long maxGraceMs(MonitorSpec spec) {
        long max = spec.job.monitorUndeclaredModels || spec.models.isEmpty() ? spec.defaults.lateLabelGraceMs() : 0;
        for (ModelSpec m : spec.models) max = Math.max(max, m.lateLabelGraceMs());
        return max;
    }

    @Override
    public void open() throws Exception {
        super.open();
        state = getPartitionedState(stateDescriptor(spec));
        // No TTL: a bucket's list is cleared when its timer fires, so it lives exactly as long as a timer would.
        ListStateDescriptor<String> bucketLists = new ListStateDescriptor<>("join-deadlines", Types.STRING);
        bucketTimers = getInternalTimerService("join-deadlines", LongSerializer.INSTANCE, this);
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        KeyGroupRange keyGroups = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                maxParallelism,
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(),
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        buckets = new DeadlineBuckets(spec, this, bucketLists, bucketTimers, keyGroups, maxParallelism);
        strings = new Interner<>(10_000);
        segments = new Interner<>(10_000, m -> Collections.unmodifiableMap(new HashMap<>(m)));
        predictionErrors = getMetricGroup().counter("predictionErrors");
        ledger = new Ledger(getRuntimeContext());
        labels = new LabelMatching(this, buckets, spec);
        events = new EventAttribution(this, buckets, spec, getMetricGroup());
    }

    @Override
    public void processElement1(StreamRecord<Prediction> record) throws Exception {
        Prediction p = record.getValue();
        outputTs = record.getTimestamp();
        ModelSpec model = spec.model(p.model);
        if (p.error != null && model != null) {
            // A failed prediction has no output to judge: not joined, only counted by the operational vitals.
            predictionErrors.inc();
            counted(p.origin);
            emit(SideOutputs.ACCEPTED_PREDICTIONS, p);
            failed(p, model);
            return;
        }
        if (model == null) {
            emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "model '" + p.model
                                    + "' is not declared in the spec (job.monitor_undeclared_models is false)",
                            p.origin,
                            null,
                            null));
            return;
        }
        long lastUse = Math.max(
                saturatedAdd(p.ts, model.labelHorizonMs()),
                model.kpis.isEmpty() ? 0 : saturatedAdd(p.ts, model.attributionWindowMs()));
        if (lastUse <= bucketTimers.currentWatermark()) {
            // Far in the past: its whole label horizon is behind the watermark, so every window it could count in
            // has been computed. Reported once here rather than once per window it misses.
            emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "late prediction: its label horizon ended at "
                                    + Instant.ofEpochMilli(p.ts + model.labelHorizonMs()) + ", before the watermark ("
                                    + Instant.ofEpochMilli(bucketTimers.currentWatermark()) + ")",
                            p.origin,
                            null,
                            null));
            return;
        }
        JoinState st = current();
        if (st != null && st.prediction != null) {
            emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "duplicate prediction_id '" + p.predictionId + "': the first prediction is kept",
                            p.origin,
                            null,
                            null));
            return;
        }
        if (st == null) st = new JoinState();
        st.failed = false; // a retry that succeeded: what comes back is about this one
        st.prediction = trimmed(p);
        st.horizonEnd = saturatedAdd(p.ts, model.labelHorizonMs());
        st.graceMs = model.lateLabelGraceMs();
        // Every accepted prediction, once: the output-distribution vitals count these, not raw duplicates.
        counted(p.origin);
        emit(SideOutputs.ACCEPTED_PREDICTIONS, p);
        events.predictionArrived(st, model);
        labels.predictionArrived(st);
        // First the horizon's end (the expiry, for label coverage); then the state lives on for the late-label
        // grace or the attribution window, whichever ends later.
        buckets.schedule(st, st.horizonEnd);
        state.update(st);
    }

    /**
     * Remembers a failed prediction until nothing can come back about it any more, so that its labels and events are
     * dead-lettered as what they are rather than as orphans. An id already taken keeps what it has.
     */
    private void failed(Prediction p, ModelSpec model) throws Exception {
        long lastUse = Math.max(
                saturatedAdd(saturatedAdd(p.ts, model.labelHorizonMs()), model.lateLabelGraceMs()),
                model.kpis.isEmpty() ? 0 : saturatedAdd(p.ts, model.attributionWindowMs()));
        if (lastUse <= bucketTimers.currentWatermark()) return;
        JoinState st = current();
        if (st != null && (st.prediction != null || st.failed)) return;
        if (st == null) st = new JoinState();
        st.failed = true;
        labels.predictionFailed(st, p.predictionId);
        events.predictionFailed(st, p.predictionId);
        buckets.schedule(st, Math.max(st.timer, lastUse));
        state.update(st);
    }

    /** A valid record ends here, counted (the input ledger). */
    void counted(Origin origin) {
        ledger.add(Ledger.COUNTED, origin);
    }

    /** A valid record ends here, counted as a duplicate (the input ledger). */
    void duplicate(Origin origin) {
        ledger.add(Ledger.DUPLICATES, origin);
    }

    @Override
    public void processElement2(StreamRecord<Feedback> record) throws Exception {
        Feedback feedback = record.getValue();
        outputTs = record.getTimestamp();
        if (feedback.label != null) {
            JoinState st = currentOrNew();
            labels.label(st, feedback.label);
            state.update(st);
        } else if (feedback.event.predictionId == null) {
            direct(feedback.event);
        } else {
            JoinState st = currentOrNew();
            // A refused event (window closed, duplicate, flood) changes nothing: no state write.
            if (events.event(st, feedback.event)) state.update(st);
        }
    }

    /**
     * An event that names its model and version: keyed by its own event_id, so its state only says that it was seen
     * (a duplicate within the attribution window is refused).
     */
    private void direct(BusinessEvent e) throws Exception {
        ModelSpec model = events.directModel(e);
        if (model == null) return; // not counted: nothing to remember
        if (current() != null) {
            events.duplicate(e);
            return;
        }
        JoinState st = new JoinState();
        buckets.schedule(st, saturatedAdd(e.ts, model.attributionWindowMs()));
        state.update(st);
        events.direct(e);
    }

    /**
     * The key's state, after any deadline the watermark has already passed: a deadline is handled when the watermark
     * passes it, as a timer of its own would be, even if its bucket has not fired yet (it fires at the bucket's end).
     * At most twice: an expiry's next deadline is later, and the one after that clears the state.
     */
    private JoinState current() throws Exception {
        JoinState st = state.value();
        long elementTs = outputTs;
        while (st != null && st.timer != 0 && st.timer <= bucketTimers.currentWatermark()) {
            expire(st, (String) getCurrentKey());
            st = state.value();
        }
        outputTs = elementTs;
        return st;
    }

    private JoinState currentOrNew() throws Exception {
        JoinState st = current();
        return st != null ? st : new JoinState();
    }

    @Override
    public void onEventTime(InternalTimer<String, Long> timer) throws Exception {
        long end = timer.getNamespace();
        String bucketKey = timer.getKey();
        Iterable<String> ids = buckets.drain(end);
        if (ids == null) return;
        for (String id : ids) {
            setCurrentKey(id);
            JoinState st = state.value();
            if (st == null || st.filedAt != end) continue; // stale: the key was filed elsewhere since, or is gone
            st.filedAt = 0; // this entry is used up
            if (st.timer <= timer.getTimestamp()) {
                expire(st, id);
            } else {
                // Filed in a bucket that ends before its deadline (a smaller bucket since a restore): file it again.
                buckets.schedule(st, st.timer);
                state.update(st);
            }
        }
        setCurrentKey(bucketKey);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, Long> timer) {
        // No processing-time timers.
    }

    /** The key's deadline has passed. */
    private void expire(JoinState st, String key) throws Exception {
        long deadline = st.timer;
        outputTs = deadline;
        if (st.prediction == null) {
            // Nothing came for this key: what waited for a prediction is reported, a direct event's memory ends.
            labels.orphaned(st, key);
            events.orphaned(st);
            state.clear();
        } else if (!st.expired) {
            labels.horizonEnded(st, deadline);
            events.horizonEnded(st, deadline);
            // A tombstone until the grace (late labels) or the attribution window (events) ends, whichever is later.
            buckets.schedule(st, Math.max(saturatedAdd(deadline, st.graceMs), st.attributionEnd));
            state.update(st);
        } else {
            state.clear();
        }
    }

    /** Emits a join result at the time of what is being handled. */
    void emit(JoinResult result) {
        output.collect(new StreamRecord<>(result, outputTs));
    }

    /** Emits to a side output at the time of what is being handled. */
    <T> void emit(OutputTag<T> tag, T value) {
        output.collect(tag, new StreamRecord<>(value, outputTs));
    }

    /** What the join keeps of a prediction: what the quality vitals need and its origin, not its latency or error. */
    private Prediction trimmed(Prediction p) {
        Prediction t = new Prediction();
        t.predictionId = p.predictionId;
        // The values pending predictions repeat are shared rather than kept once per prediction (see Interner).
        t.model = strings.intern(p.model);
        t.version = strings.intern(p.version);
        t.ts = p.ts;
        t.label = strings.intern(p.label);
        t.value = p.value;
        t.score = p.score;
        t.scores = p.scores;
        t.segment = segments.intern(p.segment);
        // Its expiry's late dead letter, if any, must say where it came from.
        if (p.origin != null)
            t.origin = new Origin(strings.intern(p.origin.topic), p.origin.partition, p.origin.offset);
        return t;
    }
}
