package io.modelvitals.alerting;

import io.modelvitals.config.RuleSpec;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.functions.AlertLifecycleFunction.AlertState;
import io.modelvitals.pane.SegmentSlicer;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The lifecycle of one alert (one rule on one model, version, segment and class), with Prometheus'
 * semantics in event time: pending while the rule has been breached in fewer than {@code for}
 * consecutive evaluated windows; firing once it has (written once, then again every repeat_interval
 * if set); resolved once when a window with enough samples no longer breaches it and the last breach
 * is at least keep_firing_for old. A window below the rule's minimum sample count neither fires nor
 * resolves. When no window arrives for the model's alert_stale_after, the key is forgotten and a
 * firing alert resolves, as Prometheus resolves an alert whose series disappeared.
 */
public class AlertLifecycleFunction extends KeyedProcessFunction<String, RuleCheck, AlertRecord> {

    public static final ValueStateDescriptor<AlertState> STATE =
            new ValueStateDescriptor<>("alert-state", AlertState.class);

    private transient ValueState<AlertState> state;

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(STATE);
    }

    @Override
    public void processElement(RuleCheck c, Context ctx, Collector<AlertRecord> out) throws Exception {
        AlertState st = state.value();
        if (st == null) st = new AlertState();
        if (!advance(c, st, out::collect)) return;
        if (st.staleTimer != 0) ctx.timerService().deleteEventTimeTimer(st.staleTimer);
        st.staleTimer = RuleEvaluator.plus(c.windowEnd, c.staleAfterMs);
        ctx.timerService().registerEventTimeTimer(st.staleTimer);
        state.update(st);
    }

    /**
     * One window's check through the lifecycle, on the alert's state, without Flink: the operator's logic, also run by
     * the detection benchmark (tools.bench.DetectionBenchmark). False for a replayed window (not newer than the last).
     */
    public static boolean advance(RuleCheck c, AlertState st, java.util.function.Consumer<AlertRecord> out) {
        // Windows of one key arrive in order; anything not newer is a replayed duplicate.
        if (c.windowEnd <= st.lastWindowEnd) return false;
        st.lastWindowEnd = c.windowEnd;
        RuleCheck previous = st.last;
        st.last = c;
        // The spec's routing labels changed while the alert fires: it has a new identity (the fingerprint covers the
        // labels). Resolve the old one, or Alertmanager and the alerts topic (compacted by fingerprint) would keep
        // it firing for ever; the new one is announced below, with the same startsAt.
        boolean relabelled = st.firing && previous != null && !Objects.equals(previous.labels, c.labels);
        if (relabelled) {
            out.accept(alert(AlertRecord.RESOLVED, previous, st, c.windowEnd, "its routing labels changed"));
        }
        if (c.sufficient) {
            boolean breached = breached(c, st);
            remember(c, st);
            RuleSpec rule = c.spec;
            long keepFiringFor = rule == null ? 0 : rule.keepFiringForMs();
            long repeat = rule == null ? 0 : rule.repeatIntervalMs();
            if (breached) {
                if (st.consecutiveBreaches == 0 && !st.firing) st.startsAt = c.windowEnd;
                st.consecutiveBreaches++;
                st.lastBreachEnd = c.windowEnd;
                if (!st.firing && st.consecutiveBreaches >= c.forWindows) {
                    st.firing = true;
                    st.lastAnnounced = c.windowEnd;
                    out.accept(alert(AlertRecord.FIRING, c, st, null, null));
                } else if (st.firing && repeat > 0 && c.windowEnd - st.lastAnnounced >= repeat) {
                    st.lastAnnounced = c.windowEnd;
                    out.accept(alert(AlertRecord.FIRING, c, st, null, null));
                }
            } else {
                st.consecutiveBreaches = 0;
                if (st.firing && c.windowEnd - st.lastBreachEnd >= keepFiringFor) {
                    st.firing = false;
                    out.accept(alert(AlertRecord.RESOLVED, c, st, c.windowEnd, null));
                } else if (st.firing && repeat > 0 && c.windowEnd - st.lastAnnounced >= repeat) {
                    // Kept firing (keep_firing_for): still re-announced.
                    st.lastAnnounced = c.windowEnd;
                    out.accept(alert(AlertRecord.FIRING, c, st, null, null));
                }
            }
        } else if (st.firing
                && c.spec != null
                && c.spec.repeatIntervalMs() > 0
                && c.windowEnd - st.lastAnnounced >= c.spec.repeatIntervalMs()) {
            // Too few samples to decide: the alert stays firing, and Alertmanager must keep hearing so.
            st.lastAnnounced = c.windowEnd;
            out.accept(alert(AlertRecord.FIRING, c, st, null, null));
        }
        if (relabelled && st.firing && st.lastAnnounced != c.windowEnd) {
            st.lastAnnounced = c.windowEnd;
            out.accept(alert(AlertRecord.FIRING, c, st, null, null));
        }
        return true;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertRecord> out) throws Exception {
        AlertState st = state.value();
        if (st != null && st.firing) {
            out.collect(alert(
                    AlertRecord.RESOLVED,
                    st.last,
                    st,
                    timestamp,
                    "no evaluated window since " + Instant.ofEpochMilli(st.lastWindowEnd)
                            + "; resolved for lack of data"));
        }
        state.clear();
    }

    /** Whether this window breaches the rule: its threshold, a change against a reference, or a detector alarm. */
    static boolean breached(RuleCheck c, AlertState st) {
        RuleSpec rule = c.spec;
        if (rule == null) return c.breached;
        if (rule.detector != null) return ChangeDetectors.alarm(rule.detector, st, c.value, c.n);
        String compare = rule.compare == null ? "value" : rule.compare;
        if (compare.equals("value")) return c.breached;
        Double reference = rule.referenceValue;
        if (reference == null) {
            if (st.recent.size() < rule.referenceWindows) return false; // not enough history yet
            reference = st.recent.stream()
                    .mapToDouble(Double::doubleValue)
                    .average()
                    .orElse(Double.NaN);
        }
        double x =
                compare.equals("relative_change") ? (c.value - reference) / Math.abs(reference) : c.value - reference;
        return Double.isFinite(x) && rule.breached(x);
    }

    /** Keeps the last reference_windows values (after evaluating the current one against the previous ones). */
    private static void remember(RuleCheck c, AlertState st) {
        RuleSpec rule = c.spec;
        if (rule == null || rule.referenceWindows == null) return;
        st.recent.add(c.value);
        while (st.recent.size() > rule.referenceWindows) st.recent.remove(0);
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
        a.extraLabels = c.labels;
        a.annotations = c.spec == null ? null : c.spec.annotations;
        a.generatorUrl = c.generatorUrl;
        String subject = c.vital + (c.cls == null ? "" : "[" + c.cls + "]")
                + (c.reference == null ? "" : " vs " + c.reference) + " of " + c.model + " " + c.version
                + (c.segment.equals(SegmentSlicer.ALL) ? "" : " (" + c.segment + ")");
        a.summary = String.format(
                Locale.ROOT,
                "%s is %.4g, %s %s %s",
                subject,
                c.value,
                status.equals(AlertRecord.FIRING) ? "breaching" : "back from",
                c.op,
                fmt(c.threshold));
        a.description = note != null
                ? note
                : String.format(
                        Locale.ROOT,
                        "Rule %s: %s %s %s for %d consecutive window(s). Window [%s, %s) has n=%d.",
                        c.rule,
                        c.vital,
                        c.op,
                        fmt(c.threshold),
                        c.forWindows,
                        Instant.ofEpochMilli(c.windowStart),
                        Instant.ofEpochMilli(c.windowEnd),
                        c.n);
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
        // Validation keeps these from overriding the job's own labels; they take part in the fingerprint,
        // as in Alertmanager, where an alert is its label set.
        if (a.extraLabels != null) a.extraLabels.forEach(labels::putIfAbsent);
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
