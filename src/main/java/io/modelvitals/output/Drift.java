package io.modelvitals.output;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.special.Gamma;
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
 *       smoothed as for PSI, so a class the reference never saw has the share ε). Asymptotic when every
 *       expected count is at least 5, else Monte Carlo ({@link #nullTest}).</li>
 *   <li>The null p-values of PSI and Jensen-Shannon ({@link #nullTest}): under "same distribution",
 *       PSI · N and 8 ln2 · N · JS² (N = nm / (n + m), or n against shares) are asymptotically χ² with
 *       B − 1 degrees of freedom (both are φ-divergences, φ''(1) = 2 and 1/4); Monte Carlo when an
 *       expected count is below 5 or a bin is empty (where ε enters PSI).</li>
 *   <li>Kolmogorov-Smirnov D = sup |F_p − F_q| over the union of both supports; p-value from the
 *       asymptotic distribution with the effective sample sizes ({@link Distribution#effectiveN}:
 *       the true n for exact CDFs, fewer for a sketch, bounded by its rank error).</li>
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

    /**
     * Test of homogeneity of two count vectors; NaN when fewer than two classes occur. Asymptotic χ² when
     * every expected count is at least 5, else Monte Carlo ({@link #nullTest(double[], double[])}).
     */
    public static double chiSquarePValue(long[] current, long[] reference) {
        return nullTest(toDouble(current), toDouble(reference)).chiSquare;
    }

    /**
     * Goodness of fit of counts to reference shares (a share below ε counts as ε); NaN with fewer than two
     * classes. Asymptotic χ² when every expected count is at least 5, else Monte Carlo.
     */
    public static double chiSquarePValue(long[] current, double[] referenceShares) {
        return nullTestAgainstShares(toDouble(current), referenceShares).chiSquare;
    }

    static double[] toDouble(long[] counts) {
        return Arrays.stream(counts).asDoubleStream().toArray();
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

    /**
     * {KS statistic, Wasserstein-1 distance}, from one evaluation of both CDFs on the grid. Against a binned baseline
     * the grid is its bin edges alone, where both CDFs are exact (the sketch's within its rank error): D is then the
     * binned D, never above the D of the underlying distributions, and W the trapezoid of the gaps at the edges.
     * Between edges the baseline's uniform-within-bin CDF is a model whose bias does not shrink with n (for Beta(0.5,
     * 5) scores against their own decile edges it made KS and W/σ ≥ 0.1 fire on every clean window of 5,000).
     */
    public static double[] ksAndWasserstein(Distribution p, Distribution q) {
        boolean binned = p.binned() || q.binned();
        double[] x = p.binned() ? p.support() : q.binned() ? q.support() : grid(p, q);
        double[] cp = p.cdf(x), cq = q.cdf(x);
        double d = 0, w = 0;
        for (int i = 0; i < x.length; i++) {
            double gap = Math.abs(cp[i] - cq[i]);
            d = Math.max(d, gap);
            if (i + 1 < x.length) {
                // Step CDFs are constant between grid points: the left gap is exact; at bin edges, the trapezoid.
                double right = binned ? Math.abs(cp[i + 1] - cq[i + 1]) : gap;
                w += (gap + right) / 2 * (x[i + 1] - x[i]);
            }
        }
        return new double[] {d, w};
    }

    /** Shared: constructing one seeds a random generator it only uses for Monte Carlo p-values, never here. */
    private static final KolmogorovSmirnovTest KS = new KolmogorovSmirnovTest();

    /** The asymptotic KS p-value of D with sample sizes n and m (Commons Math {@code approximateP}). */
    public static double ksPValue(double d, long n, long m) {
        return KS.approximateP(d, (int) Math.min(n, Integer.MAX_VALUE), (int) Math.min(m, Integer.MAX_VALUE));
    }

    /**
     * The KS p-value of D between two distributions. Two bucketed sketches share one bucket grid and are both exact
     * at its boundaries and constant in between, so their D is the D of the two samples coarsened to that grid, never
     * above the exact one: the true n and m are already conservative (the effective n would cost about 3× in the
     * smallest detectable D: 0.021 → 0.088 at α = 0.001, n = 18,000). An exact side against a bucketed one is compared
     * also between boundaries, where the bucketed rank lags by up to its rank error and D can exceed the exact D: there
     * (and for a sketch against a binned baseline, read at the edges) each side counts with its effective sample size.
     */
    public static double ksPValue(double d, Distribution p, Distribution q) {
        if (p.bucketed() && q.bucketed()) return ksPValue(d, p.n(), q.n());
        double n = p.effectiveN(), m = q.effectiveN();
        return ksPValue(d, Math.max(1, Math.round(n)), Math.max(1, Math.round(m)));
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

    /** Monte Carlo replicates of a null p-value: its smallest value is 1 / 5,000, below the default alpha 0.001. */
    public static final int REPLICATES = 4999;

    /** Below this expected count the chi-square p-value is Monte Carlo, not asymptotic (Cochran's rule). */
    public static final double MIN_EXPECTED = 5;

    /**
     * Below this expected count (or with an empty bin) PSI's and JS's p-values are Monte Carlo: simulated
     * at 10 expected per bin (n = 100 in deciles), PSI's χ² approximation fires 3.4 times as often as it
     * says at p &lt; 0.001 (JS 1.5 times); at 100, 1.2 and 1.05 times.
     */
    public static final double MIN_EXPECTED_DIVERGENCE = 100;

    /**
     * Monte Carlo stops once a statistic has this many replicates as extreme as observed (Besag and
     * Clifford 1991, sequential p-values: p = h / l after l replicates): a window far from the tail costs a few
     * dozen replicates, not 4,999.
     */
    static final int SEQUENTIAL_H = 50;

    /** p-values, under "both sides come from one distribution", of the chi-square, PSI and JS of two count vectors. */
    public static final class NullTest {
        public final double chiSquare;
        public final double psi;
        public final double js;
        /** Whether they are Monte Carlo (small expected counts or an empty bin) rather than asymptotic χ². */
        public final boolean monteCarlo;

        NullTest(double chiSquare, double psi, double js, boolean monteCarlo) {
            this.chiSquare = chiSquare;
            this.psi = psi;
            this.js = js;
            this.monteCarlo = monteCarlo;
        }

        static final NullTest NONE = new NullTest(Double.NaN, Double.NaN, Double.NaN, false);
    }

    /**
     * The null p-values for a current count vector against a reference sample's counts (counts may be
     * fractional: a sketch's shares times its effective n). Bins empty on both sides are dropped; with
     * fewer than two bins left there is no test (NaN). When every expected count n·π_i and m·π_i (π the
     * pooled shares) is at least 5, the asymptotic χ²(B − 1) law gives the chi-square's p-value; when it
     * is at least {@link #MIN_EXPECTED_DIVERGENCE} and no bin is empty on either side (where ε enters
     * PSI), the laws of PSI · N and 8 ln2 · N · JS² (N = nm / (n + m)) give theirs. Otherwise a parametric
     * bootstrap under the pooled shares does (up to {@link #REPLICATES} pairs of multinomial draws with
     * the same n and m, the same ε, stopped sequentially), seeded from the counts so that every run gives
     * the same p-values.
     */
    public static NullTest nullTest(double[] current, double[] reference) {
        int k = 0;
        for (int i = 0; i < current.length; i++) if (current[i] + reference[i] > 0) k++;
        if (k < 2) return NullTest.NONE;
        double[] a = new double[k], b = new double[k];
        for (int i = 0, j = 0; i < current.length; i++) {
            if (current[i] + reference[i] > 0) {
                a[j] = current[i];
                b[j++] = reference[i];
            }
        }
        double n = sum(a), m = sum(b);
        if (n <= 0 || m <= 0) return NullTest.NONE;
        double[] pooled = new double[k];
        double least = Double.POSITIVE_INFINITY;
        boolean empty = false;
        for (int i = 0; i < k; i++) {
            pooled[i] = (a[i] + b[i]) / (n + m);
            least = Math.min(least, Math.min(n, m) * pooled[i]);
            if (a[i] == 0 || b[i] == 0) empty = true;
        }
        double[] observed = statistics(a, b);
        NullTest asymptotic = asymptotic(observed, n * m / (n + m), k - 1);
        if (least >= MIN_EXPECTED_DIVERGENCE && !empty) return asymptotic;
        SplittableRandom random = new SplittableRandom(seed(a, b));
        long ni = Math.max(1, Math.round(n)), mi = Math.max(1, Math.round(m));
        double[] ra = new double[k], rb = new double[k];
        Sequential mc = new Sequential(observed, least < MIN_EXPECTED);
        while (mc.more()) {
            multinomial(random, ni, pooled, ra);
            multinomial(random, mi, pooled, rb);
            mc.add(statistics(ra, rb));
        }
        return mc.result(least >= MIN_EXPECTED ? asymptotic : null);
    }

    /**
     * The null p-values for current counts against declared reference shares (goodness of fit): as
     * {@link #nullTest(double[], double[])} with N = n and the reference's shares (smoothed: a class
     * the reference never saw has the share ε) as the null. One row of an unseen class is then as
     * surprising as seeing a class of share ε at all (about n·ε), not the χ² approximation's 1/ε.
     */
    public static NullTest nullTestAgainstShares(double[] current, double[] referenceShares) {
        int k = current.length;
        if (k < 2) return NullTest.NONE;
        double n = sum(current);
        if (n <= 0) return NullTest.NONE;
        double[] q = smoothed(referenceShares);
        double least = Double.POSITIVE_INFINITY;
        boolean empty = false;
        for (int i = 0; i < k; i++) {
            least = Math.min(least, n * q[i]);
            if (current[i] == 0) empty = true;
        }
        double[] observed = goodnessOfFit(current, referenceShares, q);
        NullTest asymptotic = asymptotic(observed, n, k - 1);
        if (least >= MIN_EXPECTED_DIVERGENCE && !empty) return asymptotic;
        SplittableRandom random = new SplittableRandom(seed(current, referenceShares));
        long ni = Math.max(1, Math.round(n));
        double[] ra = new double[k];
        Sequential mc = new Sequential(observed, least < MIN_EXPECTED);
        while (mc.more()) {
            multinomial(random, ni, q, ra);
            mc.add(goodnessOfFit(ra, referenceShares, q));
        }
        return mc.result(least >= MIN_EXPECTED ? asymptotic : null);
    }

    /** {chi-square of homogeneity, PSI, JS distance} of two count vectors (bins empty on both sides add nothing). */
    private static double[] statistics(double[] a, double[] b) {
        double n = sum(a), m = sum(b), chi = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] + b[i];
            if (t == 0) continue;
            double ea = n * t / (n + m), eb = m * t / (n + m);
            chi += (a[i] - ea) * (a[i] - ea) / ea + (b[i] - eb) * (b[i] - eb) / eb;
        }
        double[] p = scale(a, 1 / n), q = scale(b, 1 / m);
        return new double[] {chi, psi(p, q), jensenShannonDistance(p, q)};
    }

    private static double[] goodnessOfFit(double[] counts, double[] rawShares, double[] smoothed) {
        double n = sum(counts), chi = 0;
        for (int i = 0; i < counts.length; i++) {
            double e = n * smoothed[i];
            chi += (counts[i] - e) * (counts[i] - e) / e;
        }
        double[] p = scale(counts, 1 / n);
        return new double[] {chi, psi(p, rawShares), jensenShannonDistance(p, rawShares)};
    }

    private static NullTest asymptotic(double[] observed, double effective, int df) {
        return new NullTest(
                chiSquareSurvival(observed[0], df),
                chiSquareSurvival(observed[1] * effective, df),
                chiSquareSurvival(8 * Math.log(2) * effective * observed[2] * observed[2], df),
                false);
    }

    /**
     * P(χ²(df) ≥ x) = Q(df/2, x/2), the regularized upper incomplete gamma function: what ChiSquaredDistribution's
     * 1 − cdf gives, without its constructor, which seeds a Mersenne-Twister generator it never uses (1.5% of the drift's
     * time in a sliding run), and exact in the far tail where 1 − cdf rounds to 0.
     */
    static double chiSquareSurvival(double x, int df) {
        return x <= 0 ? 1 : Gamma.regularizedGammaQ(df / 2.0, x / 2.0);
    }

    /**
     * Sequential Monte Carlo p-values of the three statistics (Besag and Clifford 1991): a statistic whose
     * h-th replicate as extreme as observed came at replicate l gets p = h / l; one that never got h in
     * {@link #REPLICATES} gets (g + 1) / (R + 1). Both are valid p-values; the smallest is 1 / 5,000.
     */
    private static final class Sequential {
        final double[] observed;
        final int[] exceed = new int[3];
        final int[] stoppedAt = new int[3];
        int replicates;

        /** Whether the chi-square needs the simulation (else only PSI and JS decide when to stop). */
        final boolean chiSquare;

        Sequential(double[] observed, boolean chiSquare) {
            this.observed = observed;
            this.chiSquare = chiSquare;
        }

        boolean more() {
            if (replicates >= REPLICATES) return false;
            for (int s = chiSquare ? 0 : 1; s < 3; s++) if (stoppedAt[s] == 0) return true;
            return false;
        }

        void add(double[] replicate) {
            replicates++;
            for (int s = 0; s < 3; s++) {
                // A relative 1e-9 counts a replicate equal to the observed table (up to rounding) as extreme.
                if (stoppedAt[s] == 0 && replicate[s] >= observed[s] * (1 - 1e-9) && ++exceed[s] == SEQUENTIAL_H)
                    stoppedAt[s] = replicates;
            }
        }

        /** The p-values; the chi-square keeps its asymptotic one when {@code asymptotic} is given (expected counts ≥ 5). */
        NullTest result(NullTest asymptotic) {
            double[] p = new double[3];
            for (int s = 0; s < 3; s++)
                p[s] = stoppedAt[s] > 0 ? (double) SEQUENTIAL_H / stoppedAt[s] : (exceed[s] + 1.0) / (REPLICATES + 1);
            return new NullTest(asymptotic != null ? asymptotic.chiSquare : p[0], p[1], p[2], true);
        }
    }

    /** Shares with a share below ε raised to ε, renormalized: the null of a goodness of fit. */
    static double[] smoothed(double[] shares) {
        double[] q = new double[shares.length];
        double norm = 0;
        for (int i = 0; i < q.length; i++) norm += q[i] = Math.max(shares[i], EPSILON);
        for (int i = 0; i < q.length; i++) q[i] /= norm;
        return q;
    }

    /** A seed from the data itself, so that a replay and a live run draw the same replicates. */
    private static long seed(double[] a, double[] b) {
        long h = 0x9E3779B97F4A7C15L;
        for (double x : a) h = (h ^ Double.doubleToLongBits(x)) * 0xBF58476D1CE4E5B9L;
        for (double x : b) h = (h ^ Double.doubleToLongBits(x)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /** Up to this n a multinomial draw is one categorical draw per value (cheapest for a few dozen values). */
    static final int CATEGORICAL_MAX = 100;

    /** Up to this n every binomial of the chain is exact (inversion); above, large cells are normal approximations. */
    static final int EXACT_MAX = 1000;

    /**
     * A multinomial draw of n over the shares, into {@code out}: up to {@link #CATEGORICAL_MAX} values one
     * categorical draw each; above, a chain of conditional binomials, exact by inversion up to {@link #EXACT_MAX}
     * values. The chain used to start at 1,000: between 100 and 1,000 values the categorical draws cost 2–5 times as
     * much (one uniform and a bin search per value), and they were most of the drift's CPU with sliding windows
     * (docs/benchmarks.md). Both are exact, so the Monte Carlo p-values keep their law; the replicates drawn differ.
     */
    public static void multinomial(SplittableRandom random, long n, double[] shares, double[] out) {
        if (n <= CATEGORICAL_MAX) {
            Arrays.fill(out, 0);
            double[] cumulative = new double[shares.length];
            double c = 0;
            for (int i = 0; i < shares.length; i++) cumulative[i] = c += shares[i];
            for (long v = 0; v < n; v++) {
                double u = random.nextDouble() * c;
                int i = 0;
                while (i < cumulative.length - 1 && u >= cumulative[i]) i++;
                out[i]++;
            }
            return;
        }
        boolean exact = n <= EXACT_MAX;
        long left = n;
        double mass = 1;
        for (int i = 0; i < shares.length; i++) {
            if (i == shares.length - 1 || left == 0) {
                out[i] = left;
                left = 0;
                continue;
            }
            double p = Math.min(1, shares[i] / mass);
            long x = mass <= 0 ? 0 : binomial(random, left, p, exact);
            out[i] = x;
            left -= x;
            mass -= shares[i];
        }
    }

    /**
     * A binomial draw: exact (inversion along the probability function) while the smaller expected
     * count is below 50, where the small-count behaviour the test needs lives; above, the normal
     * approximation, rounded (those cells are already in their asymptotic regime).
     */
    static long binomial(SplittableRandom random, long n, double p) {
        return binomial(random, n, p, false);
    }

    /** @param exact exact by inversion at every mean (for n up to {@link #EXACT_MAX}: (1 − p)^n stays a normal double) */
    private static long binomial(SplittableRandom random, long n, double p, boolean exact) {
        if (n <= 0 || p <= 0) return 0;
        if (p >= 1) return n;
        if (p > 0.5) return n - binomial(random, n, 1 - p, exact);
        double mean = n * p;
        if (exact || mean < 50) return inversion(random, n, p);
        long k = Math.round(mean + Math.sqrt(mean * (1 - p)) * random.nextGaussian());
        return Math.max(0, Math.min(n, k));
    }

    /** From this mean up, an exact draw searches from the mode rather than from 0 (measured crossover, docs/drift.md). */
    static final double MODE_SEARCH_MEAN = 15;

    /**
     * An exact binomial draw, p ≤ 0.5, by inversion: from 0 (O(np) steps) while the mean is below {@link
     * #MODE_SEARCH_MEAN}, above it from the mode outwards (O(√(npq)) steps).
     */
    private static long inversion(SplittableRandom random, long n, double p) {
        if (n * p >= MODE_SEARCH_MEAN && n <= Integer.MAX_VALUE) return inversionFromMode(random, (int) n, p);
        double ratio = p / (1 - p), f = Math.exp(n * Math.log1p(-p)), u = random.nextDouble();
        long k = 0;
        while (u > f && k < n) {
            u -= f;
            f *= ratio * (n - k) / (k + 1);
            k++;
            if (f == 0) break;
        }
        return k;
    }

    /**
     * Inversion in the order mode, mode − 1, mode + 1, mode − 2, … (Kemp's chop-down search from the mode: C. D. Kemp,
     * "A modal method for generating binomial variables", Commun. Statist. Theory Meth. 15(3), 1986): any fixed order of
     * the outcomes gives an exact draw, and this one stops after about 1.6 √(npq) steps instead of np. The probability
     * at the mode comes from Commons Math (Loader's saddle-point expansion), the others by the ratio of neighbours. If
     * rounding leaves u above the whole support's mass (by ~1e-15), the draw is the mode.
     */
    static long inversionFromMode(SplittableRandom random, int n, double p) {
        int mode = (int) Math.min(n, Math.floor((n + 1) * p));
        double atMode = Math.exp(new BinomialDistribution(null, n, p).logProbability(mode));
        double ratio = p / (1 - p);
        double u = random.nextDouble() - atMode;
        if (u <= 0) return mode;
        int down = mode, up = mode;
        double fDown = atMode, fUp = atMode;
        while (down > 0 || up < n) {
            if (down > 0) {
                fDown *= down / (ratio * (n - down + 1)); // P(down − 1) = P(down) · down / ((n − down + 1) · p/q)
                down--;
                u -= fDown;
                if (u <= 0) return down;
            }
            if (up < n) {
                fUp *= ratio * (n - up) / (up + 1);
                up++;
                u -= fUp;
                if (u <= 0) return up;
            }
        }
        return mode;
    }

    private static double sum(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s;
    }

    private static double[] scale(double[] x, double f) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] * f;
        return out;
    }
}
