package io.modelvitals.vitals;

/**
 * Isotonic regression of outcomes on binned scores (pool-adjacent-violators over the bins, weighted by their counts;
 * Zadrozny &amp; Elkan 2002, Barlow et al. 1972): the calibrated probability of a hit per score bin, non-decreasing in
 * the score. Fitted on mergeable per-bin counts, so the data it learns from can live in state and merge across
 * subtasks. An empty bin takes its nearest non-empty neighbour's value (the lower one first).
 */
public final class IsotonicCalibration {
    /** Calibrated probability of a hit per bin. */
    public final double[] p;
    /** The labelled predictions behind each bin's value (its pooled block's). */
    public final double[] support;
    /**
     * The pooled block each bin's value comes from (an empty bin: the neighbour's block it takes its value from). Bins
     * of one block share one estimated rate, so they share its error: the interval adds it once per block.
     */
    public final int[] block;

    private IsotonicCalibration(double[] p, double[] support, int[] block) {
        this.p = p;
        this.support = support;
        this.block = block;
    }

    public static IsotonicCalibration fit(long[] counts, long[] hits) {
        int bins = counts.length;
        // Blocks of pooled bins: [from, to], weight, hits; merged while a block's rate is below its predecessor's.
        int[] from = new int[bins], to = new int[bins];
        double[] weight = new double[bins], sum = new double[bins];
        int blocks = 0;
        for (int b = 0; b < bins; b++) {
            if (counts[b] == 0) continue;
            from[blocks] = b;
            to[blocks] = b;
            weight[blocks] = counts[b];
            sum[blocks] = hits[b];
            blocks++;
            while (blocks > 1 && sum[blocks - 1] / weight[blocks - 1] < sum[blocks - 2] / weight[blocks - 2]) {
                to[blocks - 2] = to[blocks - 1];
                weight[blocks - 2] += weight[blocks - 1];
                sum[blocks - 2] += sum[blocks - 1];
                blocks--;
            }
        }
        double[] p = new double[bins], support = new double[bins];
        int[] block = new int[bins];
        if (blocks == 0) return new IsotonicCalibration(p, support, block);
        for (int k = 0; k < blocks; k++) {
            // Up to the next block's first bin: empty bins after a block take its value.
            int end = k + 1 < blocks ? from[k + 1] - 1 : bins - 1;
            int start = k == 0 ? 0 : from[k];
            for (int b = start; b <= end; b++) {
                p[b] = sum[k] / weight[k];
                support[b] = weight[k];
                block[b] = k;
            }
        }
        return new IsotonicCalibration(p, support, block);
    }

    /**
     * The variance of a bin's calibrated value as an estimate of the true rate, p(1 − p) / m with m its support; p is
     * taken with Laplace's rule ((hits + 1) / (m + 2)) so a block of all hits or all misses is not certain.
     */
    public double variance(int bin) {
        double m = support[bin];
        if (m <= 0) return 0.25;
        double laplace = (p[bin] * m + 1) / (m + 2);
        return laplace * (1 - laplace) / m;
    }
}
