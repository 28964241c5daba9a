package io.modelvitals.alerting;

import io.modelvitals.config.GoalSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.Keys;
import io.modelvitals.events.VitalRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Acceptability goals, per (model, version, segment) and window: collects the window's vitals that
 * the goals watch until the watermark passes the window's end, then reports each goal as the
 * {@code goal} vital — its value (for "each of the top k classes", the worst of them), its n (the
 * smallest), and whether it is met. The goal's own rule alerts when it is not. The model's
 * optimization metric is reported alongside as {@code optimization_metric}.
 */
public class GoalEvaluator extends KeyedProcessFunction<String, VitalRecord, VitalRecord> {
    private final MonitorSpec spec;
    /** windowEnd|vital|class → the vital, until the window is complete. */
    private transient MapState<String, VitalRecord> window;

    public GoalEvaluator(MonitorSpec spec) {
        this.spec = spec;
    }

    /** Whether a goal (or the optimization metric) of the vital's model watches it: filters before the shuffle. */
    public static boolean watches(MonitorSpec spec, VitalRecord v) {
        ModelSpec m = spec.model(v.model);
        if (m == null || v.reference != null || !m.watchesTimeline(v.timeline)) return false;
        if (v.vital.equals(m.optimizationMetric) && v.cls == null) return true;
        for (GoalSpec g : m.goals) {
            if (g.vital.equals(v.vital) && (g.topClasses != null || Objects.equals(g.cls, v.cls))) return true;
        }
        return false;
    }

    public static String key(VitalRecord v) {
        return Keys.of(v.model, v.version, v.segment);
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, VitalRecord> descriptor =
                new MapStateDescriptor<>("goal-window", Types.STRING, TypeInformation.of(VitalRecord.class));
        // The timer empties each window; the TTL only forgets what a watermark that never came left behind.
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(7))
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        window = getRuntimeContext().getMapState(descriptor);
    }

    @Override
    public void processElement(VitalRecord v, Context ctx, Collector<VitalRecord> out) throws Exception {
        window.put(v.windowEnd + "|" + v.vital + "|" + (v.cls == null ? "" : v.cls), v);
        ctx.timerService().registerEventTimeTimer(v.windowEnd - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VitalRecord> out) throws Exception {
        String prefix = (timestamp + 1) + "|";
        List<VitalRecord> vitals = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, VitalRecord> e : window.entries()) {
            if (e.getKey().startsWith(prefix)) {
                vitals.add(e.getValue());
                done.add(e.getKey());
            }
        }
        for (String k : done) window.remove(k);
        if (vitals.isEmpty()) return;
        ModelSpec model = spec.modelOrDefaults(vitals.get(0).model);
        for (VitalRecord v : vitals) {
            if (v.vital.equals(model.optimizationMetric) && v.cls == null) {
                VitalRecord o = copy(v, Vitals.OPTIMIZATION_METRIC, model.optimizationMetric, v.value, v.n);
                o.ciLower = v.ciLower;
                o.ciUpper = v.ciUpper;
                out.collect(o);
            }
        }
        for (GoalSpec g : model.goals) {
            VitalRecord r = evaluate(g, vitals);
            if (r != null) out.collect(r);
        }
    }

    /** The goal's record for one window's vitals, or null when the window has none of the vitals it watches. */
    static VitalRecord evaluate(GoalSpec g, List<VitalRecord> vitals) {
        List<VitalRecord> watched = new ArrayList<>();
        for (VitalRecord v : vitals) {
            if (!v.vital.equals(g.vital)) continue;
            if (g.topClasses != null ? v.cls != null : Objects.equals(g.cls, v.cls)) watched.add(v);
        }
        if (watched.isEmpty()) return null;
        if (g.topClasses != null) {
            // The most frequent classes: most samples first, then by name, so the choice is stable.
            watched.sort(Comparator.comparingLong((VitalRecord v) -> -v.n).thenComparing(v -> v.cls));
            watched = watched.subList(0, Math.min(g.topClasses, watched.size()));
        }
        // The worst of them: the one furthest on the failing side.
        boolean higherIsBetter = g.op.startsWith(">");
        VitalRecord worst = watched.get(0);
        long n = worst.n;
        boolean met = true;
        for (VitalRecord v : watched) {
            met &= g.met(v.value);
            n = Math.min(n, v.n);
            if (higherIsBetter ? v.value < worst.value : v.value > worst.value) worst = v;
        }
        VitalRecord r = copy(worst, Vitals.GOAL, g.name, worst.value, n);
        r.reference = g.topClasses != null
                ? g.vital + ":top" + g.topClasses
                : g.cls != null ? g.vital + ":" + g.cls : g.vital;
        r.met = met;
        return r;
    }

    private static VitalRecord copy(VitalRecord v, String vital, String cls, double value, long n) {
        return new VitalRecord(v.model, v.version, v.segment, vital, cls, value, n, v.windowStart, v.windowEnd);
    }
}
