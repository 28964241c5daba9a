package io.modelvitals.output;

import io.modelvitals.config.DriftSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.pane.SegmentSlicer;
import io.modelvitals.vitals.OutputAccumulator;
import io.modelvitals.vitals.Proportions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The output distribution of a window as vitals, and its drift against references. Quantiles come from the
 * deterministic {@link io.modelvitals.vitals.QuantileSketch}: exact up to 200 values, else within a relative 0.5%.
 * Histogram counts in fixed bins (the spec's edges, or deciles of [0, 1] for scores) are exact counts kept beside the
 * sketch; only bins cut over the window's own range come from the sketch's ranks at the edges (n × rank differences,
 * each rank within {@code rankErrorBound()}). Either way the same records give the same vitals in any run.
 */
public final class OutputVitals {
    private static final double[] QUANTILES = {0.05, 0.25, 0.5, 0.75, 0.95};
    private static final String[] QUANTILE_VITALS = {
        Vitals.VALUE_P5, Vitals.VALUE_P25, Vitals.VALUE_P50, Vitals.VALUE_P75, Vitals.VALUE_P95
    };

    private OutputVitals() {}

    public static List<VitalRecord> distribution(OutputSummary s, DriftSpec drift) {
        List<VitalRecord> out = new ArrayList<>();
        OutputAccumulator acc = s.accumulator;
        out.add(record(s, Vitals.PREDICTION_COUNT, null, acc.predictions, acc.predictions));
        operational(s, out);
        if (s.slice.endsWith("=" + SegmentSlicer.OTHER)) {
            // A key past its cap: say so on the whole population, where rules look by default.
            long folded = acc.predictions + acc.errors;
            VitalRecord overflow =
                    record(s, Vitals.SEGMENT_OVERFLOW, s.slice.substring(0, s.slice.indexOf('=')), folded, folded);
            overflow.segment = SegmentSlicer.ALL;
            out.add(overflow);
        }
        long classified =
                acc.classCounts.values().stream().mapToLong(Long::longValue).sum();
        for (Map.Entry<String, Long> e : new TreeMap<>(acc.classCounts).entrySet()) {
            out.add(record(s, Vitals.CLASS_COUNT, e.getKey(), e.getValue(), classified));
            VitalRecord share =
                    record(s, Vitals.CLASS_SHARE, e.getKey(), (double) e.getValue() / classified, classified);
            double[] ci = Proportions.wilson(e.getValue(), classified, Proportions.Z95);
            share.ciLower = ci[0];
            share.ciUpper = ci[1];
            out.add(share);
        }
        long n = acc.numericCount;
        if (n > 0) {
            out.add(record(s, Vitals.VALUE_MEAN, null, acc.mean, n));
            if (n > 1) out.add(record(s, Vitals.VALUE_VARIANCE, null, acc.variance(), n));
            for (int i = 0; i < QUANTILES.length; i++) {
                out.add(record(s, QUANTILE_VITALS[i], null, acc.numeric.quantile(QUANTILES[i]), n));
            }
            double[] edges = histogramEdges(acc, drift);
            double previous = 0;
            if (edges == null) return out; // a range too wide for doubles: no histogram
            boolean exact = (drift != null && drift.histogramEdges != null || (acc.min >= 0 && acc.max <= 1))
                    && acc.histogramExact(edges.length - 1);
            for (int i = 0; i + 1 < edges.length; i++) {
                if (exact) {
                    out.add(record(
                            s,
                            Vitals.VALUE_HISTOGRAM,
                            bin(edges[i], edges[i + 1], i + 2 == edges.length),
                            acc.histogram[i],
                            n));
                    continue;
                }
                // Bins are [lo, hi), the last one [lo, hi]; values outside the edges are not binned.
                double upper = i + 2 == edges.length ? acc.numeric.rank(edges[i + 1]) : rankBelow(acc, edges[i + 1]);
                double lower = i == 0 ? rankBelow(acc, edges[0]) : previous;
                out.add(record(
                        s,
                        Vitals.VALUE_HISTOGRAM,
                        bin(edges[i], edges[i + 1], i + 2 == edges.length),
                        Math.round(Math.max(0, upper - lower) * n),
                        n));
                previous = upper;
            }
        }
        return out;
    }

    /** Throughput, error rate and latency quantiles: what the serving side looks like in the window. */
    static void operational(OutputSummary s, List<VitalRecord> out) {
        OutputAccumulator acc = s.accumulator;
        long served = acc.predictions + acc.errors;
        double seconds = (s.windowEnd - s.windowStart) / 1000.0;
        out.add(record(s, Vitals.PREDICTIONS_PER_SECOND, null, served / seconds, served));
        if (served > 0) {
            VitalRecord rate = record(s, Vitals.ERROR_RATE, null, (double) acc.errors / served, served);
            double[] ci = Proportions.wilson(acc.errors, served, Proportions.Z95);
            rate.ciLower = ci[0];
            rate.ciUpper = ci[1];
            out.add(rate);
        }
        long latencies = acc.latencyMs.count();
        if (latencies > 0) {
            out.add(record(s, Vitals.LATENCY_P50_MS, null, acc.latencyMs.quantile(0.5), latencies));
            out.add(record(s, Vitals.LATENCY_P95_MS, null, acc.latencyMs.quantile(0.95), latencies));
            out.add(record(s, Vitals.LATENCY_P99_MS, null, acc.latencyMs.quantile(0.99), latencies));
        }
    }

    /** The share of values strictly below x. */
    private static double rankBelow(OutputAccumulator acc, double x) {
        return acc.numeric.rank(Math.nextDown(x));
    }

    static double[] histogramEdges(OutputAccumulator acc, DriftSpec drift) {
        if (drift != null && drift.histogramEdges != null)
            return drift.histogramEdges.stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
        double lo = acc.min, hi = acc.max;
        if (lo >= 0 && hi <= 1) {
            lo = 0;
            hi = 1;
        } else if (hi == lo) {
            hi = lo + 1;
        }
        if (!Double.isFinite(hi - lo)) return null;
        return tenBins(lo, hi);
    }

    /** Edges of ten equal bins over [lo, hi]; the first phase counts scores in {@code tenBins(0, 1)} exactly. */
    static double[] tenBins(double lo, double hi) {
        double[] edges = new double[11];
        for (int i = 0; i <= 10; i++) edges[i] = lo + (hi - lo) * i / 10;
        return edges;
    }

    private static String bin(double lo, double hi, boolean last) {
        return String.format(Locale.ROOT, "[%s, %s%s", fmt(lo), fmt(hi), last ? "]" : ")");
    }

    /** Six significant digits, without the zeros %g pads a fraction with: 0.25, 100000, 1.5e-07. */
    static String fmt(double d) {
        String s = String.format(Locale.ROOT, "%.6g", d);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e), exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            int end = mantissa.length();
            while (mantissa.charAt(end - 1) == '0') end--;
            if (mantissa.charAt(end - 1) == '.') end--;
            mantissa = mantissa.substring(0, end);
        }
        return mantissa + exponent;
    }

    /** {@link #drift(OutputSummary, String, DriftReference, DriftSpec)} with the default drift tests. */
    public static List<VitalRecord> drift(
            OutputSummary current, String referenceName, DriftReference reference, long minSamples) {
        DriftSpec spec = new DriftSpec();
        spec.minSamples = minSamples;
        return drift(current, referenceName, reference, spec);
    }

    /**
     * The drift vitals of {@code current} against {@code reference}. A statistic is skipped when either
     * side has fewer than {@code min_samples} values of its kind (classes or numeric). PSI and JS carry
     * their null p-value (the record's {@code pValue}); class_drift and value_drift are the default
     * decisions (1 drifted, 0 not): a test up to {@code test_max_samples} on the smaller side, above it
     * a distance past its threshold that is also beyond noise, both at {@code alpha}.
     */
    public static List<VitalRecord> drift(
            OutputSummary current, String referenceName, DriftReference reference, DriftSpec spec) {
        long minSamples = spec.minSamples != null ? spec.minSamples : 100;
        List<VitalRecord> out = new ArrayList<>();
        OutputAccumulator acc = current.accumulator;
        long classified =
                acc.classCounts.values().stream().mapToLong(Long::longValue).sum();
        if (classified >= minSamples
                && reference.classN >= minSamples
                && (reference.counts != null || reference.shares != null)) {
            Map<String, Long> referenceCounts = reference.counts != null ? reference.counts : Map.of();
            java.util.TreeSet<String> classes = new java.util.TreeSet<>(acc.classCounts.keySet());
            classes.addAll(referenceCounts.keySet());
            if (reference.shares != null) classes.addAll(reference.shares.keySet());
            double[] cur = new double[classes.size()];
            double[] ref = new double[classes.size()];
            double[] q = new double[classes.size()];
            int i = 0;
            for (String c : classes) {
                cur[i] = acc.classCounts.getOrDefault(c, 0L);
                ref[i] = referenceCounts.getOrDefault(c, 0L);
                q[i] = reference.shares != null ? reference.shares.getOrDefault(c, 0.0) : 0;
                i++;
            }
            double[] p = shares(cur);
            if (reference.shares == null) q = shares(ref);
            Drift.NullTest noise =
                    reference.shares == null ? Drift.nullTest(cur, ref) : Drift.nullTestAgainstShares(cur, q);
            double js = Drift.jensenShannonDistance(p, q);
            out.add(driftRecord(current, Vitals.CLASS_PSI, referenceName, Drift.psi(p, q), classified, noise.psi));
            out.add(driftRecord(current, Vitals.CLASS_JS_DISTANCE, referenceName, js, classified, noise.js));
            if (!Double.isNaN(noise.chiSquare)) {
                out.add(driftRecord(current, Vitals.CLASS_CHI2_P_VALUE, referenceName, noise.chiSquare, classified));
                boolean test = Math.min(classified, reference.classN) <= spec.testMaxSamples();
                double pValue = test ? noise.chiSquare : noise.js;
                boolean drifted = pValue < spec.alpha() && (test || js >= spec.jsThreshold());
                out.add(driftRecord(current, Vitals.CLASS_DRIFT, referenceName, drifted ? 1 : 0, classified, pValue));
            }
        }
        Distribution numeric = reference.numeric;
        if (acc.numericCount >= minSamples && numeric != null && numeric.n() >= minSamples) {
            Distribution cur = Distribution.of(acc.numeric);
            double[] edges = reference.binEdges != null ? innerEdges(reference.binEdges) : Drift.decileEdges(numeric);
            double[][] shares = Drift.binShares(cur, numeric, edges);
            // The null levels count each side's bins as its effective sample: a sketch's shares are only
            // as good as its rank error.
            Drift.NullTest noise =
                    Drift.nullTest(scale(shares[0], cur.effectiveN()), scale(shares[1], numeric.effectiveN()));
            long n = acc.numericCount;
            out.add(driftRecord(
                    current, Vitals.VALUE_PSI, referenceName, Drift.psi(shares[0], shares[1]), n, noise.psi));
            out.add(driftRecord(
                    current,
                    Vitals.VALUE_JS_DISTANCE,
                    referenceName,
                    Drift.jensenShannonDistance(shares[0], shares[1]),
                    n,
                    noise.js));
            double[] ksAndW1 = Drift.ksAndWasserstein(cur, numeric);
            double d = ksAndW1[0];
            double ksP = Drift.ksPValue(d, cur, numeric);
            out.add(driftRecord(current, Vitals.VALUE_KS_STATISTIC, referenceName, d, n));
            out.add(driftRecord(current, Vitals.VALUE_KS_P_VALUE, referenceName, ksP, n));
            out.add(driftRecord(current, Vitals.VALUE_WASSERSTEIN, referenceName, ksAndW1[1], n));
            boolean test = Math.min(n, numeric.n()) <= spec.testMaxSamples();
            // Above test_max_samples: normalized Wasserstein past its threshold, and beyond noise by KS. A
            // reference without spread (or an unknown one) leaves the KS test alone.
            double normed = reference.numericStd > 0 ? ksAndW1[1] / reference.numericStd : Double.NaN;
            boolean far = test || Double.isNaN(normed) || normed >= spec.wassersteinThreshold();
            out.add(driftRecord(current, Vitals.VALUE_DRIFT, referenceName, ksP < spec.alpha() && far ? 1 : 0, n, ksP));
        }
        return out;
    }

    private static double[] shares(double[] counts) {
        double total = 0;
        for (double c : counts) total += c;
        return scale(counts, 1 / total);
    }

    private static double[] scale(double[] x, double f) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * f;
        return out;
    }

    /** A binned baseline's edges without the outermost two: the outer bins extend to ±∞. */
    private static double[] innerEdges(double[] edges) {
        return java.util.Arrays.copyOfRange(edges, 1, edges.length - 1);
    }

    private static VitalRecord record(OutputSummary s, String vital, String cls, double value, long n) {
        return new VitalRecord(s.model, s.version, s.slice, vital, cls, value, n, s.windowStart, s.windowEnd);
    }

    private static VitalRecord driftRecord(OutputSummary s, String vital, String reference, double value, long n) {
        VitalRecord v = record(s, vital, null, value, n);
        v.reference = reference;
        return v;
    }

    /** A drift record with the p-value of its statistic under "no drift" (NaN: none, left null). */
    private static VitalRecord driftRecord(
            OutputSummary s, String vital, String reference, double value, long n, double pValue) {
        VitalRecord v = driftRecord(s, vital, reference, value, n);
        if (!Double.isNaN(pValue)) v.pValue = pValue;
        return v;
    }
}
