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

    private DriftReference(
            Map<String, Long> counts,
            Map<String, Double> shares,
            long classN,
            Distribution numeric,
            double[] binEdges) {
        this.counts = counts;
        this.shares = shares;
        this.classN = classN;
        this.numeric = numeric;
        this.binEdges = binEdges;
    }

    public static DriftReference of(OutputAccumulator acc) {
        long classTotal =
                acc.classCounts.values().stream().mapToLong(Long::longValue).sum();
        return new DriftReference(
                acc.classCounts, null, classTotal, acc.numericCount > 0 ? Distribution.of(acc.numeric) : null, null);
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
        if (b.binEdges != null) {
            edges = b.binEdges.stream().mapToDouble(Double::doubleValue).toArray();
            numeric = Distribution.ofBins(
                    edges, b.binCounts.stream().mapToLong(Long::longValue).toArray());
        } else if (b.sample != null) {
            numeric = Distribution.ofSample(
                    b.sample.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return new DriftReference(null, shares, Long.MAX_VALUE, numeric, edges);
    }
}
