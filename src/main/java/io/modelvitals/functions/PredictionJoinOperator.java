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
import org.apache.flink.api.common.state.ListState;
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
 * Joins each prediction with what comes back about it — its label and its business events — by
 * prediction_id, whichever arrives first.
 *
 * <p><b>Labels</b>, within the model's label horizon. Emits each pair as soon as both sides are here, counted at the
 * later of the two event times, so quality windows stay live even when labels arrive days later (an interval join
 * would hold the watermark back by the whole horizon). When a prediction's horizon ends it emits an EXPIRED result
 * that says whether a label came in time, for label coverage; it then keeps a tombstone for the late-label grace
 * period, so labels that come too late are counted as late rather than orphaned.
 *
 * <p><b>Business events</b> (models with KPIs only), within the model's attribution window: each takes the
 * prediction's version and segment and goes out on {@link SideOutputs#ATTRIBUTED_EVENTS}, counted at the later of
 * the two times; each accepted prediction goes out there once too, as an event of type {@code prediction}. An event
 * that arrives before its prediction waits for it, up to the longest attribution window after the event. Duplicates
 * (by event_id), events past the window, events whose prediction never comes and more than
 * {@link #MAX_EVENTS_PER_KEY} events per prediction are dead-lettered. An event that names its model and version
 * instead is keyed by its own event_id ({@link Feedback#key}), counted once, and remembered for one attribution
 * window.
 *
 * <p><b>Expiry timers, coalesced.</b> Each prediction has one deadline at a time ({@link JoinState#timer}), but it
 * does not get an event-time timer of its own: a timer per pending prediction made the timer queue (poll, sift,
 * register) the largest cost of this operator (docs/benchmarks.md). Deadlines are grouped into {@link #bucketMs}
 * buckets per key group instead: the prediction_id goes on the bucket's list (keyed list state under a key of that
 * key group, namespaced by the bucket's end), and one timer per bucket and key group fires at the bucket's end and
 * expires the ids whose live entry is that list ({@link JoinState#filedAt}). The results are the same as with a timer
 * per prediction (each carries its own deadline as its time): a deadline the watermark has passed also takes effect
 * before the key's next record ({@link #current}), and an expiry released at its bucket's end still reaches its pane
 * before the watermark closes it, since the bucket divides every model's window slide. Keeping the buckets per key
 * group keeps them in step with the predictions' state when the job is rescaled.
 *
 * <p>State per prediction is one small value and one bucket entry; every path clears the value, and each bucket's
 * list is cleared when its timer fires.
 */
public class PredictionJoinOperator extends AbstractStreamOperator<JoinResult>
        implements TwoInputStreamOperator<Prediction, Feedback, JoinResult>, Triggerable<String, Long> {
    /** More events than this for one prediction are refused: a flood on one id cannot grow state without bound. */
    public static final int MAX_EVENTS_PER_KEY = 1000;
    /** The coarsest bucket of deadlines; a finer one is used when a window slide needs it. */
    static final long MAX_BUCKET_MS = 60_000;

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
        /** The current deadline: the horizon's end, then the end of the grace or attribution window. */
        public long timer;
        /** The end of the bucket whose list holds this key's live entry (0: none); entries elsewhere are stale. */
        public long filedAt;
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
    private final long bucketMs;
    private transient ValueState<JoinState> state;
    private transient ListStateDescriptor<String> bucketDescriptor;
    private transient InternalTimerService<Long> bucketTimers;
    /** For each key group of this subtask, the key its buckets are kept under. */
    private transient String[] bucketKeys;
    private transient KeyGroupRange keyGroups;
    /** Per key group of this subtask, the bucket whose timer was registered last. */
    private transient long[] lastBucket;
    private transient int maxParallelism;
    private transient Counter predictionErrors;
    private transient Counter attributed;
    private transient Counter withoutKpis;
    private transient long longestAttributionMs;
    private transient long maxOutOfOrdernessMs;
    private transient Interner<String> strings;
    private transient Interner<java.util.Map<String, String>> segments;
    /** The time of the element or deadline being handled: the time of what it emits. */
    private transient long outputTs;

    public PredictionJoinOperator(MonitorSpec spec) {
        this.spec = spec;
        this.bucketMs = bucketMs(spec);
    }

    /** The largest bucket that divides every monitored model's window slide, at most {@link #MAX_BUCKET_MS}. */
    static long bucketMs(MonitorSpec spec) {
        long bucket = MAX_BUCKET_MS;
        for (ModelSpec m : spec.monitored()) bucket = gcd(bucket, m.windowSlideMs());
        return bucket;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    public static ValueStateDescriptor<JoinState> stateDescriptor(MonitorSpec spec) {
        ValueStateDescriptor<JoinState> descriptor = new ValueStateDescriptor<>("join-state", JoinState.class);
        // Deadlines clear every entry; the TTL is a safety net for a watermark that never advances
        // (a partition that never goes idle), so a stalled stream cannot grow state without bound.
        long longest = Math.max(spec.maxLabelHorizonMs() + maxGraceMs(spec), maxAttributionMs(spec));
        // Generous (at least a week), so an outage or a backlog does not lose state its deadlines still need.
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
    public void open() throws Exception {
        super.open();
        state = getPartitionedState(stateDescriptor(spec));
        // No TTL: a bucket's list is cleared when its timer fires, so it lives exactly as long as a timer would.
        bucketDescriptor = new ListStateDescriptor<>("join-deadlines", Types.STRING);
        bucketTimers = getInternalTimerService("join-deadlines", LongSerializer.INSTANCE, this);
        maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        keyGroups = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxParallelism,
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        bucketKeys = bucketKeys(keyGroups, maxParallelism);
        lastBucket = new long[bucketKeys.length];
        java.util.Arrays.fill(lastBucket, Long.MIN_VALUE);
        strings = new Interner<>(10_000);
        segments = new Interner<>(10_000, m -> java.util.Collections.unmodifiableMap(new java.util.HashMap<>(m)));
        predictionErrors = getMetricGroup().counter("predictionErrors");
        attributed = getMetricGroup().counter("attributedBusinessEvents");
        withoutKpis = getMetricGroup().counter("businessEventsWithoutKpis");
        longestAttributionMs = maxAttributionMs(spec);
        maxOutOfOrdernessMs = io.modelvitals.config.Durations.parse(spec.job.maxOutOfOrderness).toMillis();
    }

    /**
     * For each key group, the first of "\0deadlines:0", "\0deadlines:1", … that falls into it: the same on every
     * subtask and after any rescale. A prediction_id equal to one of them would do no harm: the buckets are
     * separate state and timers.
     */
    static String[] bucketKeys(KeyGroupRange range, int maxParallelism) {
        String[] keys = new String[range.getNumberOfKeyGroups()];
        int missing = keys.length;
        for (long i = 0; missing > 0; i++) {
            String key = "\0deadlines:" + i;
            int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
            if (range.contains(group) && keys[group - range.getStartKeyGroup()] == null) {
                keys[group - range.getStartKeyGroup()] = key;
                missing--;
            }
        }
        return keys;
    }

    @Override
    public void processElement1(StreamRecord<Prediction> record) throws Exception {
        Prediction p = record.getValue();
        outputTs = record.getTimestamp();
        if (p.error != null) {
            // A failed prediction has no output to judge: not joined, only counted by the operational vitals.
            predictionErrors.inc();
            if (spec.model(p.model) != null) emit(SideOutputs.ACCEPTED_PREDICTIONS, p);
            return;
        }
        ModelSpec model = spec.model(p.model);
        if (model == null) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter(
                    "model '" + p.model + "' is not declared in the spec (job.monitor_undeclared_models is false)", p.origin, null, null));
            return;
        }
        long lastUse = Math.max(saturatedAdd(p.ts, model.labelHorizonMs()), model.kpis.isEmpty() ? 0 : saturatedAdd(p.ts, model.attributionWindowMs()));
        if (lastUse <= bucketTimers.currentWatermark()) {
            // Far in the past: its whole label horizon is behind the watermark, so every window it could count in
            // has been computed. Reported once here rather than once per window it misses.
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter("late prediction: its label horizon ended at "
                    + java.time.Instant.ofEpochMilli(p.ts + model.labelHorizonMs()) + ", before the watermark ("
                    + java.time.Instant.ofEpochMilli(bucketTimers.currentWatermark()) + ")", p.origin, null, null));
            return;
        }
        JoinState st = current();
        if (st != null && st.prediction != null) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter(
                    "duplicate prediction_id '" + p.predictionId + "': the first prediction is kept", p.origin, null, null));
            return;
        }
        if (st == null) st = new JoinState();
        st.prediction = trimmed(p);
        st.horizonEnd = saturatedAdd(p.ts, model.labelHorizonMs());
        st.graceMs = model.lateLabelGraceMs();
        // Every accepted prediction, once: the output-distribution vitals count these, not raw duplicates.
        emit(SideOutputs.ACCEPTED_PREDICTIONS, p);
        if (!model.kpis.isEmpty()) {
            st.attributionEnd = saturatedAdd(p.ts, model.attributionWindowMs());
            emit(SideOutputs.ATTRIBUTED_EVENTS, attributedEvent(st.prediction, AttributedEvent.PREDICTION, null, p.predictionId, p.ts));
            if (st.pendingEvents != null) {
                for (BusinessEvent e : st.pendingEvents) attribute(st, e);
                st.pendingEvents = null;
            }
        } else if (st.pendingEvents != null) {
            for (BusinessEvent e : st.pendingEvents) unattributed(e, "its prediction is of a model without KPIs");
            st.pendingEvents = null;
        }
        if (st.pendingLabel != null) {
            Label label = st.pendingLabel;
            st.pendingLabel = null;
            long ts = Math.max(label.ts, p.ts);
            if (!compatible(st.prediction, label)) {
                emit(SideOutputs.DEAD_LETTERS, mismatch(st.prediction, label));
            } else if (label.ts > st.horizonEnd) {
                st.lateSeen = true;
                emit(result(JoinResult.LATE_LABEL, st.prediction, label, ts));
            } else {
                st.labeled = true;
                emit(result(JoinResult.PAIR, st.prediction, label, ts));
            }
            for (int i = 0; i < st.pendingDuplicates; i++) {
                emit(result(JoinResult.DUPLICATE_LABEL, st.prediction, label, ts));
            }
            st.pendingDuplicates = 0;
        }
        // First the horizon's end (the expiry, for label coverage); then the state lives on for the late-label
        // grace or the attribution window, whichever ends later.
        schedule(st, st.horizonEnd);
        state.update(st);
    }

    @Override
    public void processElement2(StreamRecord<Feedback> record) throws Exception {
        Feedback feedback = record.getValue();
        outputTs = record.getTimestamp();
        if (feedback.label != null) label(feedback.label);
        else if (feedback.event.predictionId == null) direct(feedback.event);
        else event(feedback.event);
    }

    private void label(Label label) throws Exception {
        JoinState st = current();
        if (st == null || (st.prediction == null && st.pendingLabel == null)) {
            if (st == null) st = new JoinState();
            st.pendingLabel = label;
            schedule(st, Math.max(st.timer, saturatedAdd(label.ts, spec.maxLabelHorizonMs())));
        } else if (st.prediction == null) {
            st.pendingDuplicates++;
        } else if (st.labeled || st.lateSeen) {
            emit(result(JoinResult.DUPLICATE_LABEL, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        } else if (!compatible(st.prediction, label)) {
            emit(SideOutputs.DEAD_LETTERS, mismatch(st.prediction, label));
        } else if (st.expired || label.ts > st.horizonEnd) {
            st.lateSeen = true;
            emit(result(JoinResult.LATE_LABEL, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        } else {
            st.labeled = true;
            emit(result(JoinResult.PAIR, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        }
        state.update(st);
    }

    private void event(BusinessEvent e) throws Exception {
        JoinState st = current();
        if (st == null) st = new JoinState();
        if (st.eventsClosed) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter("business event after the attribution window of prediction '"
                    + e.predictionId + "' had closed (it ended at " + java.time.Instant.ofEpochMilli(st.attributionEnd) + ")", e.origin, null, null));
            return;
        }
        if (st.eventIds == null) st.eventIds = new ArrayList<>(2);
        if (st.eventIds.contains(e.eventId)) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter("duplicate business event_id '" + e.eventId + "': counted once", e.origin, null, null));
            return;
        }
        if (st.eventIds.size() >= MAX_EVENTS_PER_KEY) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter("more than " + MAX_EVENTS_PER_KEY
                    + " business events for prediction_id '" + e.predictionId + "': not counted", e.origin, null, null));
            return;
        }
        st.eventIds.add(e.eventId);
        if (st.prediction != null) {
            if (st.attributionEnd == 0) unattributed(e, "its prediction is of a model without KPIs");
            else attribute(st, e);
        } else {
            // Its prediction may still come: wait up to the longest attribution window after the event.
            if (st.pendingEvents == null) st.pendingEvents = new ArrayList<>(1);
            st.pendingEvents.add(e);
            schedule(st, Math.max(st.timer, saturatedAdd(e.ts, longestAttributionMs)));
        }
        state.update(st);
    }

    /** An event that names its model and version: counted once per event_id, in the whole population only. */
    private void direct(BusinessEvent e) throws Exception {
        ModelSpec model = spec.model(e.model);
        if (model == null) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter(
                    "model '" + e.model + "' is not declared in the spec (job.monitor_undeclared_models is false)", e.origin, null, null));
            return;
        }
        if (model.kpis.isEmpty()) {
            withoutKpis.inc();
            return;
        }
        if (current() != null) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter("duplicate business event_id '" + e.eventId + "': counted once", e.origin, null, null));
            return;
        }
        JoinState st = new JoinState();
        schedule(st, saturatedAdd(e.ts, model.attributionWindowMs()));
        state.update(st);
        Prediction version = new Prediction();
        version.model = e.model;
        version.version = e.version;
        attributed.inc();
        emit(SideOutputs.ATTRIBUTED_EVENTS, attributedEvent(version, e.type, e.value, e.eventId, e.ts));
    }

    private void attribute(JoinState st, BusinessEvent e) {
        if (e.ts < st.prediction.ts - maxOutOfOrdernessMs) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter("business event at " + java.time.Instant.ofEpochMilli(e.ts)
                    + " is before its prediction '" + e.predictionId + "' (" + java.time.Instant.ofEpochMilli(st.prediction.ts)
                    + ") by more than job.max_out_of_orderness", e.origin, null, null));
            return;
        }
        if (e.ts > st.attributionEnd) {
            emit(SideOutputs.DEAD_LETTERS, new DeadLetter("business event at " + java.time.Instant.ofEpochMilli(e.ts)
                    + " is past the attribution window of prediction '" + e.predictionId + "' (it ended at "
                    + java.time.Instant.ofEpochMilli(st.attributionEnd) + ")", e.origin, null, null));
            return;
        }
        attributed.inc();
        // Counted at the later of the two times, like a label: an event a little ahead of its prediction's clock still counts.
        emit(SideOutputs.ATTRIBUTED_EVENTS, attributedEvent(st.prediction, e.type, e.value, e.eventId, Math.max(e.ts, st.prediction.ts)));
    }

    private void unattributed(BusinessEvent e, String why) {
        emit(SideOutputs.DEAD_LETTERS, new DeadLetter("unattributed business event: " + why, e.origin, null, null));
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

    /**
     * Sets the key's deadline and files the key in the deadline's bucket, unless it is filed there already. A key filed
     * elsewhere before leaves a stale entry there, skipped when that bucket fires (cheaper than removing it). The bucket
     * lists are namespaced by the bucket's end, which is also their timer's time: buckets of another size (a spec
     * changed on restore) never lose an entry.
     */
    private void schedule(JoinState st, long deadline) throws Exception {
        st.timer = deadline;
        long end = bucketEnd(deadline);
        if (st.filedAt == end) return;
        st.filedAt = end;
        String key = (String) getCurrentKey();
        int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism) - keyGroups.getStartKeyGroup();
        setCurrentKey(bucketKeys[group]);
        getPartitionedState(end, LongSerializer.INSTANCE, bucketDescriptor).add(key);
        // The timer is registered once per bucket and key group (a bucket still ahead of the watermark has not fired).
        if (lastBucket[group] != end || end <= bucketTimers.currentWatermark()) {
            bucketTimers.registerEventTimeTimer(end, end);
            lastBucket[group] = end;
        }
        setCurrentKey(key);
    }

    /** The last millisecond of the deadline's bucket: once the watermark is there, every deadline in it has passed. */
    private long bucketEnd(long deadline) {
        return saturatedAdd(deadline - Math.floorMod(deadline, bucketMs), bucketMs - 1);
    }

    @Override
    public void onEventTime(InternalTimer<String, Long> timer) throws Exception {
        long end = timer.getNamespace();
        String bucketKey = timer.getKey();
        ListState<String> entries = getPartitionedState(end, LongSerializer.INSTANCE, bucketDescriptor);
        Iterable<String> ids = entries.get();
        // Cleared first: a key filed into this same bucket while it fires starts a new list and timer.
        entries.clear();
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
                schedule(st, st.timer);
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
            if (st.pendingLabel != null) {
                emit(SideOutputs.DEAD_LETTERS, new DeadLetter(
                        "orphan label: no prediction with prediction_id '" + key + "' arrived within the longest label horizon",
                        st.pendingLabel.origin, null, null));
            }
            if (st.pendingEvents != null) {
                for (BusinessEvent e : st.pendingEvents) {
                    unattributed(e, "no prediction '" + e.predictionId + "' of a model with KPIs arrived within the attribution window");
                }
            }
            state.clear();
        } else if (!st.expired) {
            JoinResult expiredResult = result(JoinResult.EXPIRED, st.prediction, null, deadline);
            expiredResult.labeled = st.labeled;
            emit(expiredResult);
            st.expired = true;
            // Past the attribution window, events no longer count: their ids need not be kept.
            if (st.attributionEnd != 0 && deadline >= st.attributionEnd) {
                st.eventIds = null;
                st.eventsClosed = true;
            }
            schedule(st, Math.max(saturatedAdd(deadline, st.graceMs), st.attributionEnd));
            state.update(st);
        } else {
            state.clear();
        }
    }

    private void emit(JoinResult result) {
        output.collect(new StreamRecord<>(result, outputTs));
    }

    private <T> void emit(OutputTag<T> tag, T value) {
        output.collect(tag, new StreamRecord<>(value, outputTs));
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

    /** What the join keeps of a prediction: what the quality vitals need, not its origin, latency or error. */
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
