package io.modelvitals.business;

import io.modelvitals.config.DiscrepancySpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.Keys;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.Proportions;
import java.time.Duration;
import java.util.ArrayList;
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
 * The model metric and the business metric telling opposite stories, per (model, version, segment):
 * in each window, the KPI is compared with its pooled value over the previous {@code windows}
 * non-overlapping windows, and so is the quality vital. When the KPI fell significantly (one-sided
 * two-proportion z-test at {@code alpha}) while the quality vital is shown non-inferior to its baseline
 * within {@code margin} (Newcombe's hybrid score lower bound at the one-sided level {@code alpha} above −margin),
 * the {@code discrepancy}
 * vital is 1 — the model is shown to be as good and the business gets worse — else 0. "Quality did not
 * fall significantly" is not evidence that it held: with 300 labels a real fall of 0.80 → 0.76 passed it
 * in half the windows. Both are on the prediction's timeline (the KPIs, and quality by prediction time), so a window
 * compares the same predictions' business outcome and labels; it is judged when the watermark passes its end − 1 plus
 * the later of the two stages' delays ({@link #delayMs}), when both final vitals are here.
 */
public class DiscrepancyFunction extends KeyedProcessFunction<String, VitalRecord, VitalRecord> {
    private final MonitorSpec spec;
    /** windowEnd|vital|class → the vital; the previous windows a discrepancy looks back on, and the current one. */
    private transient MapState<String, VitalRecord> windows;

    public DiscrepancyFunction(MonitorSpec spec) {
        this.spec = spec;
    }

    /** Whether any discrepancy of the vital's model watches it (filters the vitals before the shuffle). */
    public static boolean watches(MonitorSpec spec, VitalRecord v) {
        ModelSpec model = spec.model(v.model);
        if (model == null || v.reference != null) return false;
        for (DiscrepancySpec d : model.discrepancies) {
            if (v.vital.equals(Vitals.KPI) && d.kpi.equals(v.cls)) return true;
            if (v.vital.equals(d.quality)
                    && Objects.equals(v.cls, d.qualityClass)
                    && VitalRecord.PREDICTION_TIMELINE.equals(v.timeline)) return true;
        }
        return false;
    }

    /** How long after a window's end both its vitals are final: the KPIs' and the cohort quality's delay. */
    static long delayMs(ModelSpec model) {
        return Math.max(model.kpiDelayMs(), model.cohortQualityDelayMs());
    }

    public static String key(VitalRecord v) {
        return Keys.of(v.model, v.version, v.segment);
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, VitalRecord> descriptor =
                new MapStateDescriptor<>("discrepancy-windows", Types.STRING, TypeInformation.of(VitalRecord.class));
        // Pruned on every window; the TTL forgets versions that stopped serving.
        // At least the span the baseline looks back over (daily windows, K ≥ 7, would outlive a week).
        long lookBack = Duration.ofDays(7).toMillis();
        for (ModelSpec m : spec.models) {
            for (DiscrepancySpec d : m.discrepancies)
                lookBack = Math.max(lookBack, (d.windows + 2L) * m.windowSizeMs() + delayMs(m));
        }
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(lookBack))
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        windows = getRuntimeContext().getMapState(descriptor);
    }

    @Override
    public void processElement(VitalRecord v, Context ctx, Collector<VitalRecord> out) throws Exception {
        windows.put(slot(v.windowEnd, v.vital, v.cls), v);
        ctx.timerService().registerEventTimeTimer(v.windowEnd - 1 + delayMs(spec.modelOrDefaults(v.model)));
    }

    private static String slot(long windowEnd, String vital, String cls) {
        return windowEnd + "|" + vital + "|" + (cls == null ? "" : cls);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VitalRecord> out) throws Exception {
        String[] key = Keys.split(ctx.getCurrentKey());
        ModelSpec model = spec.modelOrDefaults(key[0]);
        long end = timestamp + 1 - delayMs(model);
        long size = model.windowSizeMs();
        int longest = 0;
        for (DiscrepancySpec d : model.discrepancies) {
            longest = Math.max(longest, d.windows);
            VitalRecord r = judge(d, end, size);
            if (r != null) out.collect(r);
        }
        // The next window ends a slide later and looks back `longest` sizes from there.
        long keepFrom = end + model.windowSlideMs() - (long) longest * size;
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, VitalRecord> e : windows.entries()) {
            if (e.getValue().windowEnd < keepFrom) stale.add(e.getKey());
        }
        for (String k : stale) windows.remove(k);
    }

    /** The discrepancy vital of the window ending at {@code end}, or null without the window or a full baseline. */
    private VitalRecord judge(DiscrepancySpec d, long end, long size) throws Exception {
        VitalRecord kpi = windows.get(slot(end, Vitals.KPI, d.kpi));
        VitalRecord quality = windows.get(slot(end, d.quality, d.qualityClass));
        if (kpi == null || quality == null || kpi.numerator == null) return null;
        long baseKx = 0, baseKn = 0, baseQx = 0, baseQn = 0;
        for (int i = 1; i <= d.windows; i++) {
            long previous = end - i * size;
            VitalRecord k = windows.get(slot(previous, Vitals.KPI, d.kpi));
            VitalRecord q = windows.get(slot(previous, d.quality, d.qualityClass));
            if (k == null || q == null || k.numerator == null) return null;
            baseKx += Math.round(k.numerator);
            baseKn += k.n;
            baseQx += Math.round(q.value * q.n);
            baseQn += q.n;
        }
        if (kpi.n == 0 || quality.n == 0 || baseKn == 0 || baseQn == 0) return null;
        // More events than the denominator (several plays per impression) is not a proportion to test.
        if (Math.round(kpi.numerator) > kpi.n || baseKx > baseKn) return null;
        double kpiFell = KpiVitals.lowerPValue(Math.round(kpi.numerator), kpi.n, baseKx, baseKn);
        boolean qualityHeld = Proportions.nonInferior(
                Math.round(quality.value * quality.n), quality.n, baseQx, baseQn, d.margin(), d.alpha);
        boolean disagree = kpiFell < d.alpha && qualityHeld;
        VitalRecord v = new VitalRecord(
                kpi.model,
                kpi.version,
                kpi.segment,
                Vitals.DISCREPANCY,
                d.kpi,
                disagree ? 1 : 0,
                kpi.n,
                kpi.windowStart,
                kpi.windowEnd);
        v.reference = d.reference();
        v.pValue = kpiFell;
        return v;
    }
}
