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

    /**
     * Newcombe's hybrid score interval for the difference p1 − p2 of two independent proportions
     * (Newcombe 1998, Statistics in Medicine 17:873, method 10): from each proportion's Wilson interval
     * (l_i, u_i), lower = d − √((p1 − l1)² + (u2 − p2)²) and upper = d + √((u1 − p1)² + (p2 − l2)²).
     * Unlike the Wald interval it does not collapse when a proportion is 0 or 1.
     */
    public static double[] newcombe(long x1, long n1, long x2, long n2, double z) {
        double p1 = (double) x1 / n1, p2 = (double) x2 / n2;
        double[] w1 = wilson(x1, n1, z), w2 = wilson(x2, n2, z);
        double d = p1 - p2;
        return new double[] {
            d - Math.sqrt((p1 - w1[0]) * (p1 - w1[0]) + (w2[1] - p2) * (w2[1] - p2)),
            d + Math.sqrt((w1[1] - p1) * (w1[1] - p1) + (p2 - w2[0]) * (p2 - w2[0]))
        };
    }

    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    /**
     * One-sided p-value that p1 is non-inferior to p2 within {@code margin}: H0 p1 − p2 ≤ −margin against
     * H1 p1 − p2 &gt; −margin, the Wald z-test with unpooled variance, z = (p̂1 − p̂2 + margin)/√(p̂1q̂1/n1 + p̂2q̂2/n2)
     * (the lower of Schuirmann's 1987 two one-sided tests; Walker and Nowacki 2011, J Gen Intern Med 26:192). Small
     * when p1 is shown not to be more than {@code margin} below p2. With no variance (all 0 or all 1) the sign decides.
     */
    public static double nonInferiorityPValue(long x1, long n1, long x2, long n2, double margin) {
        double p1 = (double) x1 / n1, p2 = (double) x2 / n2;
        double se = Math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2);
        double shifted = p1 - p2 + margin;
        if (se == 0) return shifted > 0 ? 0.0 : 1.0;
        return 1 - NORMAL.cumulativeProbability(shifted / se);
    }

    /**
     * Schuirmann's (1987) two one-sided tests of equivalence: p1 − p2 within (−margin, margin), p = the larger of the
     * two one-sided p-values (non-inferiority of p1 to p2, and of p2 to p1).
     */
    public static double equivalencePValue(long x1, long n1, long x2, long n2, double margin) {
        return Math.max(nonInferiorityPValue(x1, n1, x2, n2, margin), nonInferiorityPValue(x2, n2, x1, n1, margin));
    }
}
