package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/**
 * Mergeable summary of a window's outputs: class counts, and for numeric outputs the count, mean and
 * M2 (Welford, merged with Chan's formula, so the variance stays accurate where Σx² − (Σx)²/n would
 * cancel), min, max, a deterministic quantile sketch for quantiles and the distribution tests, and exact counts in
 * the fixed histogram bins.
 */
public class OutputAccumulator implements Mergeable<OutputAccumulator> {
    public Map<String, Long> classCounts = new HashMap<>();
    public long predictions;
    public long numericCount;
    public double mean;
    public double m2;
    public double min = Double.POSITIVE_INFINITY;
    public double max = Double.NEGATIVE_INFINITY;
    public QuantileSketch numeric = new QuantileSketch();
    /** Predictions the server failed (not in the counts above). */
    public long errors;

    public QuantileSketch latencyMs = new QuantileSketch();

    /**
     * Exact counts of numeric values per fixed histogram bin (the spec's histogram edges, else the deciles of [0, 1]);
     * null when unknown. They cover every value only while {@link #binned} equals {@link #numericCount}: a summary
     * restored from a version without them stays without them until its window ends.
     */
    public long[] histogram;
    /** Numeric values folded into {@link #histogram}, whether or not they fell inside its edges. */
    public long binned;

    public OutputAccumulator() {}

    @Override
    public OutputAccumulator merge(OutputAccumulator o) {
        o.classCounts.forEach((c, n) -> classCounts.merge(c, n, Long::sum));
        predictions += o.predictions;
        errors += o.errors;
        latencyMs.merge(o.latencyMs);
        if (o.numericCount > 0) {
            if (numericCount == 0) {
                histogram = o.histogram == null ? null : o.histogram.clone();
                binned = o.binned;
            } else if (histogram != null && o.histogram != null && histogram.length == o.histogram.length) {
                for (int i = 0; i < histogram.length; i++) histogram[i] += o.histogram[i];
                binned += o.binned;
            } else {
                histogram = null;
            }
            long n = numericCount + o.numericCount;
            double delta = o.mean - mean;
            m2 += o.m2 + delta * delta * numericCount * o.numericCount / n;
            mean += delta * o.numericCount / n;
            numericCount = n;
            min = Math.min(min, o.min);
            max = Math.max(max, o.max);
            numeric.merge(o.numeric);
        }
        return this;
    }

    /** Whether {@link #histogram} counts every numeric value, in {@code bins} bins. */
    public boolean histogramExact(int bins) {
        return histogram != null && histogram.length == bins && binned == numericCount;
    }

    /** Sample variance (n − 1 in the denominator); NaN below two values. */
    public double variance() {
        return numericCount < 2 ? Double.NaN : m2 / (numericCount - 1);
    }
}
