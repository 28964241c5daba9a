package io.modelvitals.vitals;

import org.apache.commons.math3.distribution.NormalDistribution;

/** Confidence intervals for proportions. */
public final class Proportions {
    /** Two-sided 95%: the 0.975 quantile of the standard normal. */
    public static final double Z95 = new NormalDistribution().inverseCumulativeProbability(0.975);

    private Proportions() {}

    /**
     * Wilson score interval for x successes in n trials. Unlike the normal approximation it stays in
     * [0, 1] and behaves at p near 0 or 1 and small n, which is where alerting thresholds sit.
     */
    public static double[] wilson(long x, long n, double z) {
        if (n <= 0) return new double[] {0.0, 1.0};
        double p = (double) x / n;
        double z2 = z * z;
        double denominator = 1 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denominator;
        double half = z / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[] {Math.max(0.0, center - half), Math.min(1.0, center + half)};
    }
}
