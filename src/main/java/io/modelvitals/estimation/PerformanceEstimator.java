package io.modelvitals.estimation;

import io.modelvitals.config.EstimationSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.EstimationSummary;
import io.modelvitals.events.Keys;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.pane.SegmentSlicer;
import io.modelvitals.vitals.CalibrationState;
import io.modelvitals.vitals.IsotonicCalibration;
import io.modelvitals.vitals.MulticlassEstimation;
import io.modelvitals.vitals.PerformanceEstimation;
import io.modelvitals.vitals.Proportions;
import io.modelvitals.vitals.ScoreBins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Confidence-based performance estimation per (model, version), all slices in one key so they share the version's
 * calibration (docs/estimation.md). When a window of predictions closes, it is estimated from the calibrated scores
 * (estimated_*, with intervals), before any of its labels; when its labels are final (the label horizon after its end,
 * plus one window for the outcomes to be summed), the same metrics of its labelled predictions come out beside the
 * estimates (realized_*), with the estimation error (estimation_error_* = estimate − realized).
 *
 * <p>Calibration, {@code fixed}: the outcomes of the version's first {@code windows} windows (by prediction time, the
 * whole population) are gathered until their labels are final, then fitted (isotonic over the score bins) and kept;
 * with fewer than {@code min_labels} the period grows by as many windows again. {@code baseline}: from the spec's file.
 * Windows that end before the calibration is ready are not estimated; one that ends later but closes first (the
 * watermark jumping past both) waits for it. estimation_error_* compares the realized value with the estimate of the
 * same labelled predictions.
 *
 * <p>{@code score: scores}: the same states hold each prediction's vector of per-class score bins as well ({@link
 * ScoreBins#vectors}); the calibration is one isotonic fit per class, one-vs-rest, and the metrics those of
 * {@link MulticlassEstimation}.
 *
 * <p>Outcomes arrive in windows of arrival time, by the pane of their prediction. With sliding windows a pane is in
 * several windows, so only the windows that tile time (start a multiple of the size) are read for outcomes: each
 * outcome counts once.
 */
public class PerformanceEstimator extends KeyedProcessFunction<String, EstimationSummary, VitalRecord> {
    private final MonitorSpec spec;
    private transient ValueState<CalibrationState> calibration;
    /** slice, window start → the window's predictions (an estimated window waiting for its labels). */
    private transient MapState<String, ScoreBins> windows;
    /** slice, prediction pane start → the outcomes of its predictions so far. */
    private transient MapState<String, ScoreBins> outcomes;
    /**
     * slice, window start → the predictions of a window that closed while the calibration was being learned. A window
     * ending after the calibration is ready can still close first when the watermark jumps past both in one step
     * (the window's result precedes the watermark that fires the calibration's timer): it waits here for that timer.
     */
    private transient MapState<String, ScoreBins> pending;

    private transient Map<String, Fitted> baselines;

    /**
     * A calibration in force: one isotonic fit over the score bins ({@code positive_probability}, {@code confidence}),
     * or one per class, one-vs-rest ({@code scores}).
     */
    private static final class Fitted {
        final IsotonicCalibration single;
        final IsotonicCalibration[] perClass;

        Fitted(IsotonicCalibration single, IsotonicCalibration[] perClass) {
            this.single = single;
            this.perClass = perClass;
        }
    }

    public PerformanceEstimator(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext openContext) {
        // Timers drop windows and panes once their labels are final; the TTL (processing time) is the safety net for a
        // watermark that stops, and forgets the calibration of versions that stopped serving.
        long longest = Duration.ofDays(14).toMillis();
        for (ModelSpec m : spec.monitored())
            if (m.estimation != null) longest = Math.max(longest, 3 * (m.labelHorizonMs() + 2 * m.windowSizeMs()));
        StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofMillis(longest))
                .updateTtlOnReadAndWrite()
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
        ValueStateDescriptor<CalibrationState> calibrationDescriptor =
                new ValueStateDescriptor<>("estimation-calibration", TypeInformation.of(CalibrationState.class));
        MapStateDescriptor<String, ScoreBins> windowsDescriptor =
                new MapStateDescriptor<>("estimation-windows", Types.STRING, TypeInformation.of(ScoreBins.class));
        MapStateDescriptor<String, ScoreBins> outcomesDescriptor =
                new MapStateDescriptor<>("estimation-outcomes", Types.STRING, TypeInformation.of(ScoreBins.class));
        MapStateDescriptor<String, ScoreBins> pendingDescriptor =
                new MapStateDescriptor<>("estimation-pending", Types.STRING, TypeInformation.of(ScoreBins.class));
        calibrationDescriptor.enableTimeToLive(ttl);
        windowsDescriptor.enableTimeToLive(ttl);
        outcomesDescriptor.enableTimeToLive(ttl);
        pendingDescriptor.enableTimeToLive(ttl);
        calibration = getRuntimeContext().getState(calibrationDescriptor);
        windows = getRuntimeContext().getMapState(windowsDescriptor);
        outcomes = getRuntimeContext().getMapState(outcomesDescriptor);
        pending = getRuntimeContext().getMapState(pendingDescriptor);
        baselines = new HashMap<>();
    }

    private static boolean fixed(EstimationSpec e) {
        return EstimationSpec.FIXED.equals(e.calibration.source);
    }

    /** When a period's (or window's) outcomes are all in: its labels final, and one tiling window to sum them. */
    private static long finalAt(ModelSpec m, long end) {
        return end + m.labelHorizonMs() + m.windowSizeMs() - 1;
    }

    @Override
    public void processElement(EstimationSummary s, Context ctx, Collector<VitalRecord> out) throws Exception {
        ModelSpec m = spec.modelOrDefaults(s.model);
        EstimationSpec e = m.estimation;
        if (e == null) return;
        long size = m.windowSizeMs(), slide = m.windowSlideMs();
        CalibrationState cal = calibration.value();
        if (fixed(e) && cal == null) {
            cal = new CalibrationState();
            cal.referenceStart = s.windowStart;
            cal.referenceEnd = s.windowStart + e.calibration.windows * size;
            ctx.timerService().registerEventTimeTimer(finalAt(m, cal.referenceEnd));
        }
        boolean calibrationChanged = false;
        if (Math.floorMod(s.windowStart, size) == 0) {
            for (Map.Entry<Long, ScoreBins> o : s.accumulator.outcomes.entrySet()) {
                long pane = o.getKey();
                if (cal != null
                        && !cal.ready
                        && SegmentSlicer.ALL.equals(s.slice)
                        && pane >= cal.referenceStart
                        && pane < cal.referenceEnd) {
                    cal.outcomes.merge(o.getValue());
                    calibrationChanged = true;
                }
                String key = Keys.of(s.slice, Long.toString(pane));
                ScoreBins known = outcomes.get(key);
                outcomes.put(key, known == null ? copy(o.getValue()) : known.merge(o.getValue()));
                ctx.timerService().registerEventTimeTimer(finalAt(m, pane + size));
            }
        }
        if (fixed(e) && (calibrationChanged || calibration.value() == null)) calibration.update(cal);

        ScoreBins predictions = s.accumulator.predictions;
        if (predictions.total() < e.minSamples) return;
        Fitted fitted = ready(m, cal);
        if (fitted == null) {
            // Not ready yet: it may be by the time this window ends (its timer decides, in onTimer).
            pending.put(Keys.of(s.slice, Long.toString(s.windowStart)), predictions);
            ctx.timerService().registerEventTimeTimer(s.windowEnd - 1);
            return;
        }
        estimateWindow(m, s.model, s.version, s.slice, s.windowStart, predictions, fitted, ctx, out);
    }

    /** Emits a window's estimates and keeps its predictions until its labels are final. */
    private void estimateWindow(
            ModelSpec m,
            String model,
            String version,
            String slice,
            long start,
            ScoreBins predictions,
            Fitted fitted,
            Context ctx,
            Collector<VitalRecord> out)
            throws Exception {
        long end = start + m.windowSizeMs();
        for (PerformanceEstimation.Value v : estimate(m, predictions, fitted)) {
            out.collect(record(model, version, slice, start, end, "estimated_", v, v.value, v.lower, v.upper));
        }
        windows.put(Keys.of(slice, Long.toString(start)), predictions);
        ctx.timerService().registerEventTimeTimer(finalAt(m, end));
    }

    /** The estimates of some predictions (a window's, or its labelled ones') with their intervals. */
    private static List<PerformanceEstimation.Value> estimate(ModelSpec m, ScoreBins predictions, Fitted fitted) {
        EstimationSpec e = m.estimation;
        if (ScoredPredictions.vector(m))
            return MulticlassEstimation.estimate(
                    e.classes, predictions.groups(e.classes), fitted.perClass, Proportions.Z95);
        return PerformanceEstimation.estimate(
                ScoredPredictions.binary(m),
                m.positiveClass,
                e.negativeClass,
                predictions,
                fitted.single,
                Proportions.Z95);
    }

    /** The same metrics of labelled predictions' outcomes. */
    private static List<PerformanceEstimation.Value> realized(ModelSpec m, ScoreBins labelled) {
        EstimationSpec e = m.estimation;
        if (ScoredPredictions.vector(m)) return MulticlassEstimation.realized(e.classes, labelled.confusion(e.classes));
        return PerformanceEstimation.realized(
                ScoredPredictions.binary(m), m.positiveClass, e.negativeClass, labelled, e.bins);
    }

    /** The calibration in force, or null while it is being learned. */
    private Fitted ready(ModelSpec m, CalibrationState cal) {
        EstimationSpec e = m.estimation;
        if (!fixed(e)) {
            return baselines.computeIfAbsent(m.name, k -> {
                long[] counts = e.calibration.baselineCounts.stream()
                        .mapToLong(Long::longValue)
                        .toArray();
                long[] hits = e.calibration.baselineHits.stream()
                        .mapToLong(Long::longValue)
                        .toArray();
                if (!ScoredPredictions.vector(m)) return new Fitted(IsotonicCalibration.fit(counts, hits), null);
                // One block of bins per class, in the classes' order (EstimationSpec.readScoresBaseline).
                IsotonicCalibration[] perClass = new IsotonicCalibration[e.classes.size()];
                for (int j = 0; j < perClass.length; j++)
                    perClass[j] = IsotonicCalibration.fit(
                            Arrays.copyOfRange(counts, j * e.bins, (j + 1) * e.bins),
                            Arrays.copyOfRange(hits, j * e.bins, (j + 1) * e.bins));
                return new Fitted(null, perClass);
            });
        }
        if (cal == null || !cal.ready) return null;
        if (ScoredPredictions.vector(m)) {
            long[][][] data = cal.outcomes.oneVsRest(e.classes, e.bins);
            IsotonicCalibration[] perClass = new IsotonicCalibration[data.length];
            for (int j = 0; j < data.length; j++) perClass[j] = IsotonicCalibration.fit(data[j][0], data[j][1]);
            return new Fitted(null, perClass);
        }
        long[][] bins = cal.outcomes.byBin(e.bins);
        return new Fitted(IsotonicCalibration.fit(bins[0], bins[1]), null);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VitalRecord> out) throws Exception {
        String[] key = Keys.split(ctx.getCurrentKey());
        ModelSpec m = spec.modelOrDefaults(key[0]);
        EstimationSpec e = m.estimation;
        if (e == null) return;
        long size = m.windowSizeMs(), slide = m.windowSlideMs();
        CalibrationState cal = calibration.value();
        if (fixed(e) && cal != null && !cal.ready && finalAt(m, cal.referenceEnd) <= timestamp) {
            if (cal.outcomes.total() >= e.calibration.minLabels) {
                cal.ready = true;
            } else {
                // Too few labels to trust: learn from the next windows too.
                cal.referenceEnd += e.calibration.windows * size;
                ctx.timerService().registerEventTimeTimer(finalAt(m, cal.referenceEnd));
            }
            calibration.update(cal);
        }
        Fitted fitted = ready(m, cal);
        // Windows that closed before the calibration was ready: estimated if they end after the moment it became
        // ready (this timer's, when it is the one that made it ready), dropped once they end before any readiness.
        List<String> resolved = new ArrayList<>();
        for (Map.Entry<String, ScoreBins> w : pending.entries()) {
            String[] sliceStart = Keys.split(w.getKey());
            long start = Long.parseLong(sliceStart[1]);
            if (fitted != null && start + size - 1 > timestamp) {
                estimateWindow(m, key[0], key[1], sliceStart[0], start, w.getValue(), fitted, ctx, out);
                resolved.add(w.getKey());
            } else if (start + size - 1 <= timestamp) {
                resolved.add(w.getKey());
            }
        }
        for (String k : resolved) pending.remove(k);
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, ScoreBins> w : windows.entries()) {
            String[] sliceStart = Keys.split(w.getKey());
            long start = Long.parseLong(sliceStart[1]), end = start + size;
            if (finalAt(m, end) > timestamp) continue;
            done.add(w.getKey());
            if (fitted == null) continue;
            ScoreBins labelled = new ScoreBins();
            for (long pane = start; pane < end; pane += slide) {
                ScoreBins o = outcomes.get(Keys.of(sliceStart[0], Long.toString(pane)));
                if (o != null) labelled.merge(o);
            }
            if (labelled.total() < e.minSamples) continue;
            // The estimate to compare is that of the labelled predictions themselves (their score bins are counted
            // with the outcomes): with labels for only some predictions, an estimate over all n would have too narrow
            // an interval for the realized value of fewer, and labels selected by score would bias the comparison.
            Map<String, PerformanceEstimation.Value> estimates = new HashMap<>();
            for (PerformanceEstimation.Value v : estimate(m, labelled, fitted)) estimates.put(v.key(), v);
            for (PerformanceEstimation.Value r : realized(m, labelled)) {
                if (PerformanceEstimation.CONFUSION.equals(r.metric)) continue;
                out.collect(record(
                        key[0], key[1], sliceStart[0], start, end, Vitals.REALIZED_PREFIX, r, r.value, null, null));
                PerformanceEstimation.Value est = estimates.get(r.key());
                if (est == null) continue;
                out.collect(record(
                        key[0],
                        key[1],
                        sliceStart[0],
                        start,
                        end,
                        Vitals.ESTIMATION_ERROR_PREFIX,
                        r,
                        est.value - r.value,
                        est.lower - r.value,
                        est.upper - r.value));
            }
        }
        for (String k : done) windows.remove(k);
        List<String> stale = new ArrayList<>();
        for (String k : outcomes.keys()) {
            if (finalAt(m, Long.parseLong(Keys.split(k)[1]) + size) <= timestamp) stale.add(k);
        }
        for (String k : stale) outcomes.remove(k);
    }

    private static ScoreBins copy(ScoreBins b) {
        return new ScoreBins().merge(b);
    }

    private static VitalRecord record(
            String model,
            String version,
            String slice,
            long start,
            long end,
            String prefix,
            PerformanceEstimation.Value v,
            double value,
            Double lower,
            Double upper) {
        VitalRecord r = new VitalRecord(model, version, slice, prefix + v.metric, v.cls, value, v.n, start, end);
        r.predictedCls = v.predictedCls;
        r.ciLower = lower;
        r.ciUpper = upper;
        return r;
    }
}
