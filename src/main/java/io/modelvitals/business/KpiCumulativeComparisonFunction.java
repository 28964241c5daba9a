package io.modelvitals.business;

import io.modelvitals.config.DriftSpec;
import io.modelvitals.config.ExperimentSpec;
import io.modelvitals.config.KpiSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.pane.SegmentSlicer;
import io.modelvitals.vitals.Champion;
import io.modelvitals.vitals.CumulativeComparison;
import io.modelvitals.vitals.ExperimentSums;
import io.modelvitals.vitals.ExperimentTraffic;
import io.modelvitals.vitals.KpiAccumulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Champion against challengers as experimentation platforms compare them, keyed by (model, slice): every window is a
 * look at the sums since the experiment began (since each challenger started serving, or since the model's
 * {@code experiment.start}). Per challenger and KPI it emits {@code kpi_cumulative_difference}: the cumulative
 * difference, its always-valid p-value (mSPRT, running minimum) and confidence sequence, with the delta-method variance
 * over predictions (CumulativeComparison). An alert on it may fire at any window without inflating the false-positive
 * rate, which a per-window test repeated every window does. It also emits {@code sample_ratio_cumulative_p_value}, the
 * chi-square of the versions' prediction counts since the start against {@code traffic_split}. Only merged per-window
 * summaries arrive, a handful per window, as in KpiComparisonFunction.
 */
public class KpiCumulativeComparisonFunction extends KeyedProcessFunction<String, KpiSummary, VitalRecord> {
    private final MonitorSpec spec;
    private transient MapState<String, KpiSummary> pending;
    /** Challenger version → its experiment. */
    private transient MapState<String, ExperimentSums> experiments;
    /** The versions' prediction counts since the start, for the cumulative sample-ratio check. */
    private transient ValueState<ExperimentTraffic> traffic;

    public KpiCumulativeComparisonFunction(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext openContext) {
        long longestWindow = 0;
        for (ModelSpec m : spec.models) longestWindow = Math.max(longestWindow, m.windowSizeMs());
        // Written at every window a version serves: an experiment is forgotten a week (or 3 windows) after its
        // challenger last served; the pending windows are removed by their timer, the TTL is for a watermark that
        // never came.
        StateTtlConfig ttl = StateTtlConfig.newBuilder(
                        Duration.ofMillis(Math.max(Duration.ofDays(7).toMillis(), 3 * longestWindow)))
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
        MapStateDescriptor<String, KpiSummary> p =
                new MapStateDescriptor<>("kpi-cumulative-pending", Types.STRING, TypeInformation.of(KpiSummary.class));
        p.enableTimeToLive(ttl);
        pending = getRuntimeContext().getMapState(p);
        MapStateDescriptor<String, ExperimentSums> e =
                new MapStateDescriptor<>("kpi-cumulative-sums", Types.STRING, TypeInformation.of(ExperimentSums.class));
        e.enableTimeToLive(ttl);
        experiments = getRuntimeContext().getMapState(e);
        ValueStateDescriptor<ExperimentTraffic> t =
                new ValueStateDescriptor<>("kpi-cumulative-traffic", TypeInformation.of(ExperimentTraffic.class));
        t.enableTimeToLive(ttl);
        traffic = getRuntimeContext().getState(t);
    }

    @Override
    public void processElement(KpiSummary s, Context ctx, Collector<VitalRecord> out) throws Exception {
        WindowVersions.add(spec, pending, s, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VitalRecord> out) throws Exception {
        Map<String, KpiSummary> window = WindowVersions.take(spec, pending, timestamp, ctx.getCurrentKey());
        if (window.isEmpty()) return;
        ModelSpec model = spec.modelOrDefaults(window.values().iterator().next().model);
        // Only the challengers of this window are read and written, so one that stopped serving ages out by its TTL.
        Map<String, ExperimentSums> sums = new HashMap<>();
        for (String version : window.keySet()) {
            ExperimentSums e = experiments.get(version);
            if (e != null) sums.put(version, e);
        }
        ExperimentTraffic counts = traffic.value();
        if (counts == null) counts = new ExperimentTraffic();
        for (VitalRecord v : look(window, model, sums, counts)) out.collect(v);
        for (Map.Entry<String, ExperimentSums> e : sums.entrySet()) experiments.put(e.getKey(), e.getValue());
        traffic.update(counts);
    }

    /**
     * One look: the window's summaries by version are added to each challenger's experiment (created, or reset on a new
     * champion or start, in {@code sums}) and to the traffic counts, then the cumulative vitals are computed. Flink-free,
     * so the simulation of docs/business-kpis.md runs exactly this.
     */
    public static List<VitalRecord> look(
            Map<String, KpiSummary> window,
            ModelSpec model,
            Map<String, ExperimentSums> sums,
            ExperimentTraffic counts) {
        List<VitalRecord> out = new ArrayList<>();
        ExperimentSpec experiment = model.experiment();
        long since = experiment.startMs();
        KpiSummary any = window.values().iterator().next();
        if (any.windowStart < since) return out; // before the experiment
        Map<String, Long> traffic = new TreeMap<>();
        window.forEach((version, s) -> traffic.put(version, s.accumulator.predictions));
        String champion = Champion.of(model.champion, traffic);
        // A named champion that did not serve in this window: no look rather than a comparison with a stand-in.
        boolean comparable = model.champion == null || model.champion.equals(champion);
        KpiSummary reference = window.get(champion);
        for (KpiSummary s : window.values()) {
            if (!comparable || s.version.equals(champion)) continue;
            ExperimentSums e = sums.get(s.version);
            if (e == null || !champion.equals(e.champion) || e.since != since) {
                e = new ExperimentSums(champion, since);
                sums.put(s.version, e);
            }
            if (s.windowStart < e.lastWindowEnd) {
                // A sliding window overlapping one already added adds nothing, but the last look is repeated so that
                // rules see a value at every window (alert_stale_after would clear an alert between looks).
                out.addAll(repeat(e, s, model));
                continue;
            }
            if (partialMoments(e, reference.accumulator, s.accumulator, model)) {
                e = new ExperimentSums(champion, since);
                sums.put(s.version, e);
            }
            countMomentUnits(e.championMomentUnits, reference.accumulator, model);
            countMomentUnits(e.challengerMomentUnits, s.accumulator, model);
            e.championSums.merge(copy(reference));
            e.challengerSums.merge(copy(s));
            e.lastWindowEnd = s.windowEnd;
            e.looks++;
            out.addAll(compare(e, s, model));
        }
        if (model.trafficSplit != null) {
            VitalRecord srm = sampleRatio(counts, window, model, since, reference);
            if (srm != null) out.add(srm);
        }
        return out;
    }

    /** Whether a version's window has the KPI's moments, or no event of it (its units then have x = y = 0). */
    private static boolean hasMoments(KpiAccumulator a, String kpi) {
        return a.denominatorSquares.containsKey(kpi) || !a.denominators.containsKey(kpi);
    }

    private static void countMomentUnits(Map<String, Long> units, KpiAccumulator window, ModelSpec model) {
        for (KpiSpec k : model.kpis) {
            if (hasMoments(window, k.name)) units.merge(k.name, window.predictions, Long::sum);
        }
    }

    /**
     * Whether adding the window would leave a KPI with moments over part of the units only (sums restored from a build
     * without moments, then windows with them): its variance would be too small, so the experiment restarts.
     */
    private static boolean partialMoments(
            ExperimentSums e, KpiAccumulator champion, KpiAccumulator challenger, ModelSpec model) {
        for (KpiSpec k : model.kpis) {
            if (partial(e.championMomentUnits, e.championSums, champion, k.name)
                    || partial(e.challengerMomentUnits, e.challengerSums, challenger, k.name)) return true;
        }
        return false;
    }

    private static boolean partial(Map<String, Long> units, KpiAccumulator sums, KpiAccumulator window, String kpi) {
        long with = units.getOrDefault(kpi, 0L) + (hasMoments(window, kpi) ? window.predictions : 0);
        long all = sums.predictions + window.predictions;
        return with > 0 && with < all;
    }

    /**
     * Each KPI of the challenger's experiment: the difference with its confidence sequence and always-valid p. The p of
     * a look counts towards the running minimum of its direction only (worse: difference below 0, better: above), and
     * the p reported is the one of the current estimate's direction, so an early "better" cannot make a later "worse"
     * significant. Under H0 each is still always valid: {some look below 0 with 1/Λ ≤ α} ⊂ {some look with 1/Λ ≤ α}.
     */
    private static List<VitalRecord> compare(ExperimentSums e, KpiSummary challenger, ModelSpec model) {
        List<VitalRecord> out = new ArrayList<>();
        ExperimentSpec experiment = model.experiment();
        for (KpiSpec k : model.kpis) {
            CumulativeComparison c = CumulativeComparison.of(
                    e.challengerSums,
                    e.championSums,
                    k.name,
                    k.proportion(),
                    experiment.effect(),
                    experiment.alpha(),
                    experiment.minSamples(),
                    e.tau2.get(k.name));
            if (c == null) continue;
            e.tau2.putIfAbsent(k.name, c.tau2);
            if (c.difference < 0) e.minPWorse.merge(k.name, c.pValue, Math::min);
            if (c.difference > 0) e.minPBetter.merge(k.name, c.pValue, Math::min);
            e.minPValues.merge(k.name, c.pValue, Math::min);
            e.lastDifference.put(k.name, c.difference);
            e.lastCiLower.put(k.name, c.ciLower);
            e.lastCiUpper.put(k.name, c.ciUpper);
            e.lastUnits.put(k.name, c.n);
        }
        return repeat(e, challenger, model);
    }

    /** The last look's statistics of each KPI, stamped with this window. */
    private static List<VitalRecord> repeat(ExperimentSums e, KpiSummary challenger, ModelSpec model) {
        List<VitalRecord> out = new ArrayList<>();
        for (KpiSpec k : model.kpis) {
            Double d = e.lastDifference.get(k.name);
            if (d == null) continue;
            VitalRecord v = new VitalRecord(
                    challenger.model,
                    challenger.version,
                    challenger.slice,
                    Vitals.KPI_CUMULATIVE_DIFFERENCE,
                    k.name,
                    d,
                    e.lastUnits.get(k.name),
                    challenger.windowStart,
                    challenger.windowEnd);
            v.reference = DriftSpec.CHAMPION;
            v.pValue = d < 0
                    ? e.minPWorse.getOrDefault(k.name, 1.0)
                    : d > 0 ? e.minPBetter.getOrDefault(k.name, 1.0) : 1.0;
            v.ciLower = e.lastCiLower.get(k.name);
            v.ciUpper = e.lastCiUpper.get(k.name);
            out.add(v);
        }
        return out;
    }

    /**
     * The split's versions' predictions since the start against traffic_split: since experiment.start, else since every
     * version of the split served in one window; a new start or a new split resets the counts.
     */
    private static VitalRecord sampleRatio(
            ExperimentTraffic counts,
            Map<String, KpiSummary> window,
            ModelSpec model,
            long since,
            KpiSummary reference) {
        if (counts.since != since || !model.trafficSplit.equals(counts.split)) {
            counts.since = since;
            counts.split = new TreeMap<>(model.trafficSplit);
            counts.started = since != Long.MIN_VALUE;
            counts.lastWindowEnd = Long.MIN_VALUE;
            counts.predictions = new HashMap<>();
        }
        if (reference.windowStart < counts.lastWindowEnd) return null;
        // Without a configured start, counting begins at the first window in which every version of the split served:
        // a champion serving alone before its challenger was deployed is no sample-ratio mismatch.
        if (!counts.started) {
            for (String version : model.trafficSplit.keySet()) {
                KpiSummary s = window.get(version);
                if (s == null || s.accumulator.predictions == 0) return null;
            }
            counts.started = true;
        }
        counts.lastWindowEnd = reference.windowEnd;
        for (String version : model.trafficSplit.keySet()) {
            KpiSummary s = window.get(version);
            if (s != null) counts.predictions.merge(version, s.accumulator.predictions, Long::sum);
        }
        Map<String, Long> observed = new TreeMap<>(counts.predictions);
        long total = 0;
        for (long c : observed.values()) total += c;
        Double p = KpiVitals.sampleRatioPValue(observed, model.trafficSplit);
        if (p == null) return null;
        return new VitalRecord(
                reference.model,
                SegmentSlicer.ALL,
                reference.slice,
                Vitals.SAMPLE_RATIO_CUMULATIVE_P_VALUE,
                null,
                p,
                total,
                reference.windowStart,
                reference.windowEnd);
    }

    private static KpiAccumulator copy(KpiSummary s) {
        return new KpiAccumulator().merge(s.accumulator);
    }
}
