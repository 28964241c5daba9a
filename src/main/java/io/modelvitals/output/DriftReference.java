package io.modelvitals.output;

import io.modelvitals.config.DriftSpec;
import io.modelvitals.vitals.OutputAccumulator;
import java.util.HashMap;
import java.util.Map;

/** What a window is compared with: another window's outputs, or a training baseline from the spec. */
public final class DriftReference {
    /** Class counts of a reference sample; null for a baseline given as shares. */
    final Map<String, Long> counts;
    /** Class shares of a baseline; null for a reference sample. */
    final Map<String, Double> shares;

    final long classN;
    /** The numeric output's distribution; null when the reference has none. */
    final Distribution numeric;
    /** Bin edges of a binned baseline, where value PSI cuts its bins; null: the reference's deciles. */
    final double[] binEdges;
    /** The standard deviation of the numeric output, which normalizes the Wasserstein distance; NaN when unknown. */
    final double numericStd;

    private DriftReference(
            Map<String, Long> counts,
            Map<String, Double> shares,
            long classN,
            Distribution numeric,
            double[] binEdges,
            double numericStd) {
        this.counts = counts;
        this.shares = shares;
        this.classN = classN;
        this.numeric = numeric;
        this.binEdges = binEdges;
        this.numericStd = numericStd;
    }

    public static DriftReference of(OutputAccumulator acc) {
        long classTotal =
                acc.classCounts.values().stream().mapToLong(Long::longValue).sum();
        return new DriftReference(
                acc.classCounts,
                null,
                classTotal,
                acc.numericCount > 0 ? Distribution.of(acc.numeric) : null,
                null,
                Math.sqrt(acc.variance()));
    }

    /** A declared baseline: its shares count as enough samples; a binned or sampled baseline has its own n. */
    public static DriftReference of(DriftSpec.Baseline b) {
        Map<String, Double> shares = null;
        if (b.classShares != null) {
            double total = b.classShares.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
            shares = new HashMap<>();
            for (Map.Entry<String, Double> e : b.classShares.entrySet()) shares.put(e.getKey(), e.getValue() / total);
        }
        Distribution numeric = null;
        double[] edges = null;
        double std = Double.NaN;
        if (b.binEdges != null) {
            edges = b.binEdges.stream().mapToDouble(Double::doubleValue).toArray();
            long[] counts = b.binCounts.stream().mapToLong(Long::longValue).toArray();
            numeric = Distribution.ofBins(edges, counts);
            std = binnedStd(edges, counts);
        } else if (b.sample != null) {
            double[] sample = b.sample.stream().mapToDouble(Double::doubleValue).toArray();
            numeric = Distribution.ofSample(sample);
            std = Math.sqrt(new org.apache.commons.math3.stat.descriptive.moment.Variance().evaluate(sample));
        }
        return new DriftReference(null, shares, Long.MAX_VALUE, numeric, edges, std);
    }

    /** The standard deviation of counts spread uniformly within their bins (the binned baseline's own model). */
    static double binnedStd(double[] edges, long[] counts) {
        double n = 0, mean = 0, second = 0;
        for (int i = 0; i < counts.length; i++) {
            double lo = edges[i], hi = edges[i + 1];
            n += counts[i];
            mean += counts[i] * (lo + hi) / 2;
            second += counts[i] * (lo * lo + lo * hi + hi * hi) / 3;
        }
        mean /= n;
        return Math.sqrt(Math.max(0, second / n - mean * mean));
    }
}
