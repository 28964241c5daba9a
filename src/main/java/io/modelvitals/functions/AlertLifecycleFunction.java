package io.modelvitals.functions;

import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.RuleCheck;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The lifecycle of one alert (one rule on one model, version, segment and class): it fires once when
 * the rule has been breached in {@code for} consecutive evaluated windows, and resolves once when a
 * window with enough samples no longer breaches it. A window below the rule's minimum sample count
 * neither fires nor resolves. When no window arrives for the model's alert_stale_after, the key is
 * forgotten and a firing alert resolves, as Prometheus resolves an alert whose series disappeared.
 */
public class AlertLifecycleFunction extends KeyedProcessFunction<String, RuleCheck, AlertRecord> {

    /** Lifecycle state of one alert key. */
    public static class AlertState {
        public int consecutiveBreaches;
        public boolean firing;
        public long startsAt;
        public long lastWindowEnd = Long.MIN_VALUE;
        public long staleTimer;
        /** The last check, to describe the alert when it resolves for lack of data. */
        public RuleCheck last;

        public AlertState() {}
    }

    public static final ValueStateDescriptor<AlertState> STATE = new ValueStateDescriptor<>("alert-state", AlertState.class);

    private transient ValueState<AlertState> state;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(STATE);
    }

    @Override
    public void processElement(RuleCheck c, Context ctx, Collector<AlertRecord> out) throws Exception {
        AlertState st = state.value();
        if (st == null) st = new AlertState();
        // Windows of one key arrive in order; anything not newer is a replayed duplicate.
        if (c.windowEnd <= st.lastWindowEnd) return;
        st.lastWindowEnd = c.windowEnd;
        st.last = c;
        if (c.sufficient) {
            if (c.breached) {
                if (st.consecutiveBreaches == 0) st.startsAt = c.windowEnd;
                st.consecutiveBreaches++;
                if (!st.firing && st.consecutiveBreaches >= c.forWindows) {
                    st.firing = true;
                    out.collect(alert(AlertRecord.FIRING, c, st, null, null));
                }
            } else {
                st.consecutiveBreaches = 0;
                if (st.firing) {
                    st.firing = false;
                    out.collect(alert(AlertRecord.RESOLVED, c, st, c.windowEnd, null));
                }
            }
        }
        if (st.staleTimer != 0) ctx.timerService().deleteEventTimeTimer(st.staleTimer);
        st.staleTimer = c.windowEnd + c.staleAfterMs;
        ctx.timerService().registerEventTimeTimer(st.staleTimer);
        state.update(st);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertRecord> out) throws Exception {
        AlertState st = state.value();
        if (st != null && st.firing) {
            out.collect(alert(AlertRecord.RESOLVED, st.last, st, timestamp,
                    "no evaluated window since " + Instant.ofEpochMilli(st.lastWindowEnd) + "; resolved for lack of data"));
        }
        state.clear();
    }

    static AlertRecord alert(String status, RuleCheck c, AlertState st, Long endsAt, String note) {
        AlertRecord a = new AlertRecord();
        a.status = status;
        a.alertName = c.rule;
        a.model = c.model;
        a.version = c.version;
        a.segment = c.segment;
        a.vital = c.vital;
        a.cls = c.cls;
        a.reference = c.reference;
        a.severity = c.severity;
        a.value = c.value;
        a.threshold = c.threshold;
        a.startsAt = st.startsAt;
        a.endsAt = endsAt;
        a.windowStart = c.windowStart;
        a.windowEnd = c.windowEnd;
        String subject = c.vital + (c.cls == null ? "" : "[" + c.cls + "]")
                + (c.reference == null ? "" : " vs " + c.reference) + " of " + c.model + " " + c.version
                + (c.segment.equals(SegmentSlicer.ALL) ? "" : " (" + c.segment + ")");
        a.summary = String.format(Locale.ROOT, "%s is %.4g, %s %s %s", subject, c.value,
                status.equals(AlertRecord.FIRING) ? "breaching" : "back from", c.op, fmt(c.threshold));
        a.description = note != null ? note : String.format(Locale.ROOT,
                "Rule %s: %s %s %s for %d consecutive window(s). Window [%s, %s) has n=%d.",
                c.rule, c.vital, c.op, fmt(c.threshold), c.forWindows,
                Instant.ofEpochMilli(c.windowStart), Instant.ofEpochMilli(c.windowEnd), c.n);
        a.fingerprint = fingerprint(labels(a));
        return a;
    }

    /** The labels that identify an alert, as Alertmanager sees them. */
    public static Map<String, String> labels(AlertRecord a) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("alertname", a.alertName);
        labels.put("model", a.model);
        labels.put("version", a.version);
        labels.put("segment", a.segment);
        labels.put("vital", a.vital);
        labels.put("severity", a.severity);
        if (a.cls != null) labels.put("class", a.cls);
        if (a.reference != null) labels.put("reference", a.reference);
        return labels;
    }

    /**
     * FNV-1a 64 over the sorted label names and values with 0xff separators, the scheme Prometheus
     * uses for label-set fingerprints: the same alert always gets the same fingerprint, across replays.
     */
    public static String fingerprint(Map<String, String> sortedLabels) {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> e : sortedLabels.entrySet()) {
            hash = fnv(hash, e.getKey());
            hash = fnvByte(hash, (byte) 0xff);
            hash = fnv(hash, e.getValue());
            hash = fnvByte(hash, (byte) 0xff);
        }
        return String.format("%016x", hash);
    }

    private static long fnv(long hash, String s) {
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) hash = fnvByte(hash, b);
        return hash;
    }

    private static long fnvByte(long hash, byte b) {
        return (hash ^ (b & 0xff)) * 0x100000001b3L;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
