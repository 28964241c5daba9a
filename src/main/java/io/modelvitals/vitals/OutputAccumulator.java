package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/**
 * Mergeable summary of a window's outputs: class counts, and for numeric outputs the count, mean and
 * M2 (Welford, merged with Chan's formula, so the variance stays accurate where Σx² − (Σx)²/n would
 * cancel), min, max and a KLL sketch for quantiles, histograms and the distribution tests.
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

    public OutputAccumulator() {}

    @Override
    public OutputAccumulator merge(OutputAccumulator o) {
        o.classCounts.forEach((c, n) -> classCounts.merge(c, n, Long::sum));
        predictions += o.predictions;
        errors += o.errors;
        latencyMs.merge(o.latencyMs);
        if (o.numericCount > 0) {
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

    /** Sample variance (n − 1 in the denominator); NaN below two values. */
    public double variance() {
        return numericCount < 2 ? Double.NaN : m2 / (numericCount - 1);
    }
}
