package io.modelvitals.output;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * The statistics of distribution shift, current (p) against reference (q). Definitions:
 * <ul>
 *   <li>PSI = Σ (p_i − q_i) · ln(p_i / q_i), with a share of 0 replaced by {@link #EPSILON} on either
 *       side (an empty bin would otherwise make PSI infinite). Bands: &lt; 0.1 stable, 0.1–0.25
 *       moderate, &gt; 0.25 significant.</li>
 *   <li>Jensen-Shannon distance = √JSD with base-2 logarithms, so it lies in [0, 1]; needs no smoothing.</li>
 *   <li>Chi-square p-value (classes): against a reference sample, the test of homogeneity of the two
 *       count vectors; against reference shares, goodness of fit with expected counts n·q_i (shares
 *       smoothed as for PSI, so a class the reference never saw does not divide by zero).</li>
 *   <li>Kolmogorov-Smirnov D = sup |F_p − F_q| over the union of both supports; p-value from the
 *       asymptotic distribution with the real sample sizes (Commons Math {@code approximateP}).</li>
 *   <li>Wasserstein-1 = ∫ |F_p − F_q| dx, exact for two step CDFs (samples, sketches).</li>
 * </ul>
 */
public final class Drift {
    /** The share given to an empty bin in PSI and in goodness-of-fit expectations. */
    public static final double EPSILON = 1e-4;

    private Drift() {}

    /** Class counts aligned on the union of classes, in a stable (sorted) order. */
    public static Map<String, long[]> align(Map<String, Long> current, Map<String, Long> reference) {
        TreeSet<String> classes = new TreeSet<>(current.keySet());
        classes.addAll(reference.keySet());
        Map<String, long[]> aligned = new LinkedHashMap<>();
        for (String c : classes)
            aligned.put(c, new long[] {current.getOrDefault(c, 0L), reference.getOrDefault(c, 0L)});
        return aligned;
    }

    public static double[] shares(long[] counts) {
        double total = Arrays.stream(counts).sum();
        return Arrays.stream(counts).mapToDouble(c -> c / total).toArray();
    }

    public static double psi(double[] p, double[] q) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double a = Math.max(p[i], EPSILON), b = Math.max(q[i], EPSILON);
            sum += (a - b) * Math.log(a / b);
        }
        return sum;
    }

    public static double jensenShannonDistance(double[] p, double[] q) {
        double divergence = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            if (p[i] > 0) divergence += 0.5 * p[i] * log2(p[i] / m);
            if (q[i] > 0) divergence += 0.5 * q[i] * log2(q[i] / m);
        }
        return Math.sqrt(Math.max(0, divergence));
    }

    /** Test of homogeneity of two count vectors; NaN when fewer than two classes occur. */
    public static double chiSquarePValue(long[] current, long[] reference) {
        int k = 0;
        for (int i = 0; i < current.length; i++) if (current[i] + reference[i] > 0) k++;
        if (k < 2) return Double.NaN;
        long[] a = new long[k], b = new long[k];
        for (int i = 0, j = 0; i < current.length; i++) {
            if (current[i] + reference[i] > 0) {
                a[j] = current[i];
                b[j++] = reference[i];
            }
        }
        return new ChiSquareTest().chiSquareTestDataSetsComparison(a, b);
    }

    /** Goodness of fit of counts to reference shares (smoothed); NaN with fewer than two classes. */
    public static double chiSquarePValue(long[] current, double[] referenceShares) {
        if (current.length < 2) return Double.NaN;
        double[] expected = new double[current.length];
        double total = Arrays.stream(current).sum();
        double norm = 0;
        for (double q : referenceShares) norm += Math.max(q, EPSILON);
        for (int i = 0; i < current.length; i++) expected[i] = total * Math.max(referenceShares[i], EPSILON) / norm;
        return new ChiSquareTest().chiSquareTest(expected, current);
    }

    /** The sorted union of both supports (each sorted): a merge, then the duplicates out, no boxing. */
    static double[] grid(Distribution p, Distribution q) {
        double[] a = p.support(), b = q.support();
        double[] merged = new double[a.length + b.length];
        for (int i = 0, j = 0, n = 0; n < merged.length; n++) {
            merged[n] = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
        }
        return Distribution.distinct(merged);
    }

    public static double ksStatistic(Distribution p, Distribution q) {
        return ksAndWasserstein(p, q)[0];
    }

    /** {KS statistic, Wasserstein-1 distance}, from one evaluation of both CDFs on the grid. */
    public static double[] ksAndWasserstein(Distribution p, Distribution q) {
        double[] x = grid(p, q);
        double[] cp = p.cdf(x), cq = q.cdf(x);
        double d = 0, w = 0;
        for (int i = 0; i < x.length; i++) {
            double gap = Math.abs(cp[i] - cq[i]);
            d = Math.max(d, gap);
            if (i + 1 < x.length) w += gap * (x[i + 1] - x[i]);
        }
        return new double[] {d, w};
    }

    /** Shared: constructing one seeds a random generator it only uses for Monte Carlo p-values, never here. */
    private static final KolmogorovSmirnovTest KS = new KolmogorovSmirnovTest();

    public static double ksPValue(double d, long n, long m) {
        return KS.approximateP(d, (int) Math.min(n, Integer.MAX_VALUE), (int) Math.min(m, Integer.MAX_VALUE));
    }

    public static double wasserstein1(Distribution p, Distribution q) {
        return ksAndWasserstein(p, q)[1];
    }

    /**
     * Shares of p and q in the bins cut at {@code edges} (bins (−∞, e1], (e1, e2], …, (e_last, ∞)), for
     * PSI and Jensen-Shannon on numeric outputs.
     */
    public static double[][] binShares(Distribution p, Distribution q, double[] edges) {
        double[][] shares = new double[2][edges.length + 1];
        Distribution[] d = {p, q};
        for (int s = 0; s < 2; s++) {
            double previous = 0;
            for (int i = 0; i < edges.length; i++) {
                double c = d[s].cdf(edges[i]);
                shares[s][i] = Math.max(0, c - previous);
                previous = c;
            }
            shares[s][edges.length] = Math.max(0, 1 - previous);
        }
        return shares;
    }

    /** Decile edges of the reference, deduplicated: where numeric PSI cuts its bins by default. */
    public static double[] decileEdges(Distribution reference) {
        return Arrays.stream(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9})
                .map(reference::quantile)
                .distinct()
                .toArray();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
