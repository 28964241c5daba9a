package io.modelvitals.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.vitals.QuantileSketch;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

/** Drift statistics against hand-computed values and against Commons Math run directly on the samples. */
class DriftTest {

    @Test
    void psiByHand() {
        // (0.2−0.4)·ln(0.2/0.4) + 0 + 0 + (0.3−0.1)·ln(0.3/0.1) = 0.2·ln 2 + 0.2·ln 3
        assertEquals(
                0.2 * Math.log(2) + 0.2 * Math.log(3),
                Drift.psi(new double[] {0.2, 0.3, 0.2, 0.3}, new double[] {0.4, 0.3, 0.2, 0.1}),
                1e-12);
        assertEquals(0.0, Drift.psi(new double[] {0.5, 0.5}, new double[] {0.5, 0.5}), 1e-15);
    }

    @Test
    void psiSmoothsAnEmptyBinWithEpsilon() {
        // The third class is empty on the current side: its share becomes 1e-4.
        double expected = (0.5 - 0.25) * Math.log(0.5 / 0.25) + (1e-4 - 0.25) * Math.log(1e-4 / 0.25);
        assertEquals(expected, Drift.psi(new double[] {0.5, 0.5, 0.0}, new double[] {0.5, 0.25, 0.25}), 1e-12);
    }

    @Test
    void jensenShannonDistanceByHand() {
        assertEquals(1.0, Drift.jensenShannonDistance(new double[] {1, 0}, new double[] {0, 1}), 1e-12);
        assertEquals(0.0, Drift.jensenShannonDistance(new double[] {0.3, 0.7}, new double[] {0.3, 0.7}), 1e-12);
        // m = (0.75, 0.25); KL(p‖m) = 0.5·log2(2/3) + 0.5·log2(2); KL(q‖m) = log2(4/3).
        double kl1 = 0.5 * Math.log(0.5 / 0.75) / Math.log(2) + 0.5 * 1.0;
        double kl2 = Math.log(1 / 0.75) / Math.log(2);
        assertEquals(
                Math.sqrt(0.5 * kl1 + 0.5 * kl2),
                Drift.jensenShannonDistance(new double[] {0.5, 0.5}, new double[] {1, 0}),
                1e-12);
        assertEquals(0.5579, Drift.jensenShannonDistance(new double[] {0.5, 0.5}, new double[] {1, 0}), 1e-4);
    }

    @Test
    void chiSquareGoodnessOfFitByHand() {
        // Observed 30/70 against 50/50: χ² = 2 · 20²/50 = 16 with 1 degree of freedom.
        double p = Drift.chiSquarePValue(new long[] {30, 70}, new double[] {0.5, 0.5});
        assertEquals(1 - new ChiSquaredDistribution(1).cumulativeProbability(16), p, 1e-9);
    }

    @Test
    void chiSquareWithAClassTheReferenceNeverSaw() {
        // Against shares, the unseen class has the share ε (1e-4, renormalized) and an expected count far
        // below 5, so the p-value is Monte Carlo. 20 rows of it in 100: no replicate of 4,999 comes close,
        // so p is its floor 1/5,000.
        assertEquals(
                1.0 / (Drift.REPLICATES + 1),
                Drift.chiSquarePValue(new long[] {40, 40, 20}, new double[] {0.5, 0.5, 0.0}),
                1e-15);
        // One row of it in 100: the exact multinomial p-value (enumerated below) is about 0.01, the chance of
        // seeing a class of share ε at all in 100 draws, not the χ² approximation's 1e-6 region.
        long[] oneRow = {50, 49, 1};
        double[] shares = {0.5, 0.5, 0.0};
        double exact = exactGoodnessOfFitPValue(oneRow, shares);
        assertEquals(1 - Math.pow(1 - 1e-4 / 1.0001, 100), exact, 2e-4, "dominated by P(unseen class ≥ 1)");
        assertEquals(exact, Drift.chiSquarePValue(oneRow, shares), monteCarloTolerance(exact));
        assertTrue(new ChiSquareTest().chiSquareTest(new double[] {0.49995, 0.49995, 0.0001}, oneRow) < 1e-6);
    }

    @Test
    void smallExpectedCountsAgainstASampleGetTheExactBootstrapPValue() {
        // Homogeneity of {10, 10, 5} and {20, 20, 0}: the third class expects 25·5/65 < 5 in the current
        // window, so the p-value is Monte Carlo under the pooled shares. Enumerating every pair of
        // multinomial outcomes under those shares gives the exact value it estimates.
        long[] current = {10, 10, 5};
        long[] reference = {20, 20, 0};
        double exact = exactHomogeneityPValue(current, reference);
        assertEquals(exact, Drift.chiSquarePValue(current, reference), monteCarloTolerance(exact));
        // A class absent from both sides is dropped, not an error, and gives the same p-value.
        assertEquals(
                Drift.chiSquarePValue(current, reference),
                Drift.chiSquarePValue(new long[] {10, 0, 10, 5}, new long[] {20, 0, 20, 0}),
                1e-15);
        assertTrue(Double.isNaN(Drift.chiSquarePValue(new long[] {5, 0}, new long[] {7, 0})), "one class: no test");
        // Large expected counts: the asymptotic test, as Commons Math computes it.
        long[] big = {60, 70, 70}, bigReference = {150, 120, 130};
        assertEquals(
                new ChiSquareTest().chiSquareTestDataSetsComparison(big, bigReference),
                Drift.chiSquarePValue(big, bigReference),
                1e-12);
    }

    @Test
    void monteCarloPValuesAreTheSameOnEveryRun() {
        long[] current = {10, 10, 5};
        long[] reference = {20, 20, 0};
        Drift.NullTest first = Drift.nullTest(Drift.toDouble(current), Drift.toDouble(reference));
        Drift.NullTest second = Drift.nullTest(Drift.toDouble(current), Drift.toDouble(reference));
        assertTrue(first.monteCarlo);
        assertEquals(first.chiSquare, second.chiSquare, 0.0);
        assertEquals(first.psi, second.psi, 0.0);
        assertEquals(first.js, second.js, 0.0);
    }

    /**
     * Under "no drift" the null p-values of PSI and JS are (about) uniform: in 2,000 seeded pairs of windows
     * of 3,000 values in 10 equal bins (every expected count 300: the asymptotic χ²(9) law), the share
     * below 0.05 is 0.05 within 3.5 standard errors (±0.017). At 100 values per window (decile bins, 10
     * expected per bin: the case, where PSI averages about 9 · 2/100 = 0.18 on identical
     * distributions) the p-values are Monte Carlo and hold too; PSI's χ² approximation would give about
     * 0.072 there (simulated with NumPy/SciPy, 200,000 pairs), outside the tolerance.
     */
    @Test
    void psiAndJsNullPValuesHoldTheirLevel() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        double[] equal = new double[10];
        Arrays.fill(equal, 0.1);
        for (int n : new int[] {3000, 100}) {
            int windows = 2000, psiBelow = 0, jsBelow = 0;
            double psiSum = 0;
            double[] a = new double[10], b = new double[10];
            for (int w = 0; w < windows; w++) {
                Drift.multinomial(random, n, equal, a);
                Drift.multinomial(random, n, equal, b);
                Drift.NullTest t = Drift.nullTest(a, b);
                psiSum += Drift.psi(Drift.shares(toLong(a)), Drift.shares(toLong(b)));
                if (t.psi < 0.05) psiBelow++;
                if (t.js < 0.05) jsBelow++;
            }
            double sd = Math.sqrt(0.05 * 0.95 / windows);
            assertEquals(0.05, (double) psiBelow / windows, 3.5 * sd, "PSI at n = " + n);
            assertEquals(0.05, (double) jsBelow / windows, 3.5 * sd, "JS at n = " + n);
            // E[PSI] ≈ (B − 1)(1/n + 1/m): 0.006 at 3,000, 0.18 at 100.
            assertEquals(9 * 2.0 / n, psiSum / windows, 0.25 * 9 * 2.0 / n);
        }
    }

    /**
     * Between the categorical and the approximate ranges the multinomial is a chain of exact binomial inversions: each
     * bin's count follows Binomial(n, share) (a chi-square goodness of fit against Commons Math's probabilities, cells
     * merged to expected counts of at least 5, below the 0.999 quantile) and two bins covary as −n·p·q.
     */
    @Test
    void theExactChainDrawsMultinomialCounts() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(29);
        int n = 200, draws = 40_000;
        double[] shares = {0.5, 0.3, 0.15, 0.05};
        long[][] histogram = new long[shares.length][n + 1];
        double sum0 = 0, sum1 = 0, product = 0;
        double[] out = new double[shares.length];
        for (int d = 0; d < draws; d++) {
            Drift.multinomial(random, n, shares, out);
            assertEquals(n, Arrays.stream(out).sum(), 0.0);
            for (int i = 0; i < shares.length; i++) histogram[i][(int) out[i]]++;
            sum0 += out[0];
            sum1 += out[1];
            product += out[0] * out[1];
        }
        for (int i = 0; i < shares.length; i++) assertBinomial(histogram[i], draws, n, shares[i], "bin " + i);
        double covariance = product / draws - (sum0 / draws) * (sum1 / draws);
        assertEquals(-n * shares[0] * shares[1], covariance, 0.1 * n * shares[0] * shares[1]);
    }

    /**
     * Chi-square goodness of fit of a histogram of draws against Commons Math's Binomial(n, p), cells merged until each
     * expects 5, at the 0.999 quantile: a sampler off by a few per cent in any region of the support fails.
     */
    private static void assertBinomial(long[] histogram, int draws, int n, double p, String what) {
        org.apache.commons.math3.distribution.BinomialDistribution law =
                new org.apache.commons.math3.distribution.BinomialDistribution(n, p);
        java.util.List<double[]> cells = new java.util.ArrayList<>();
        double expected = 0, observed = 0;
        for (int x = 0; x <= n; x++) {
            expected += draws * law.probability(x);
            observed += histogram[x];
            if (expected >= 5) {
                cells.add(new double[] {expected, observed});
                expected = 0;
                observed = 0;
            }
        }
        double[] lastCell = cells.get(cells.size() - 1); // the tail left over joins the last full cell
        lastCell[0] += expected;
        lastCell[1] += observed;
        double statistic = 0;
        for (double[] c : cells) statistic += (c[1] - c[0]) * (c[1] - c[0]) / c[0];
        double critical = new org.apache.commons.math3.distribution.ChiSquaredDistribution(cells.size() - 1)
                .inverseCumulativeProbability(0.999);
        assertTrue(statistic < critical, what + ": chi-square " + statistic + " on " + cells.size() + " cells");
    }

    @Test
    void theSearchFromTheModeDrawsBinomialCounts() {
        // Means from just above the switch (15) to the largest cell a chain of 1,000 values has (500).
        java.util.SplittableRandom random = new java.util.SplittableRandom(31);
        int draws = 40_000;
        for (double[] c : new double[][] {{1000, 0.5}, {1000, 0.03}, {300, 0.1}, {40, 0.4}, {7, 0.5}}) {
            int n = (int) c[0];
            double p = c[1];
            long[] histogram = new long[n + 1];
            for (int d = 0; d < draws; d++) histogram[(int) Drift.inversionFromMode(random, n, p)]++;
            assertBinomial(histogram, draws, n, p, "n = " + n + ", p = " + p);
        }
    }

    @Test
    void theChiSquareSurvivalIsOneMinusItsDistributionFunction() {
        // Against Commons Math's ChiSquaredDistribution where 1 - cdf is exact enough, and a published value:
        // P(chi2(1) >= 3.841459) = 0.05.
        for (int df : new int[] {1, 2, 5, 30}) {
            org.apache.commons.math3.distribution.ChiSquaredDistribution chi =
                    new org.apache.commons.math3.distribution.ChiSquaredDistribution(df);
            for (double x : new double[] {0.1, 1, df, 3 * df + 5}) {
                assertEquals(1 - chi.cumulativeProbability(x), Drift.chiSquareSurvival(x, df), 1e-12);
            }
        }
        assertEquals(0.05, Drift.chiSquareSurvival(3.841459, 1), 1e-7);
        assertEquals(1.0, Drift.chiSquareSurvival(0, 3), 0.0);
        assertTrue(Drift.chiSquareSurvival(400, 1) > 0, "the far tail does not round to 0");
    }

    @Test
    void multinomialDrawsHaveTheirMeanAndVariance() {
        // Binomial(n, p) moments, for the exact branch (mean < 50) and the normal branch.
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (double[] c : new double[][] {{60, 0.05}, {100_000, 0.3}}) {
            long n = (long) c[0];
            double p = c[1], sum = 0, squares = 0;
            int draws = 20_000;
            for (int i = 0; i < draws; i++) {
                long x = Drift.binomial(random, n, p);
                sum += x;
                squares += (double) x * x;
            }
            double mean = sum / draws, variance = squares / draws - mean * mean;
            double sdOfMean = Math.sqrt(n * p * (1 - p) / draws);
            assertEquals(n * p, mean, 4 * sdOfMean);
            assertEquals(n * p * (1 - p), variance, 0.05 * n * p * (1 - p));
        }
    }

    @Test
    void ksPValueOfLargeSketchesHoldsItsLevel() {
        // Two sketched windows of 20,000 values of one distribution, 100 times. With the KLL sketch of earlier
        // versions and the true n the p-value was below 0.05 in about 31% of such windows (issue 17). The bucketed
        // sketches share one grid, where D is never above the exact D, so the true n is valid again: a valid p-value
        // is below 0.05 in at most 5% (here: at most 10 of 100).
        Random r = new Random(23);
        int below = 0;
        for (int w = 0; w < 100; w++) {
            QuantileSketch sx = sketch(normal(r, 20_000, 0.0));
            Distribution x = Distribution.of(sx);
            Distribution y = Distribution.of(sketch(normal(r, 20_000, 0.0)));
            // Past its exact range the sketch's CDF is off by up to its rank error bound between bucket boundaries.
            double eps = sx.rankErrorBound();
            assertTrue(eps > 0, "20,000 values are past the exact range");
            assertEquals(1 / (1 / 20_000.0 + 4 * eps * eps), x.effectiveN(), 1e-6);
            if (Drift.ksPValue(Drift.ksStatistic(x, y), x, y) < 0.05) below++;
        }
        assertTrue(below <= 10, below + " of 100 below 0.05");
    }

    /**
     * Four standard errors of a Monte Carlo p-value: sequential (h / l, relative error about 1/√h) above
     * h / R, else binomial over R replicates.
     */
    private static double monteCarloTolerance(double p) {
        double sequential = p / Math.sqrt(Drift.SEQUENTIAL_H), fixed = Math.sqrt(p * (1 - p) / Drift.REPLICATES);
        return 4 * (p > (double) Drift.SEQUENTIAL_H / Drift.REPLICATES ? sequential : fixed);
    }

    /** The exact p-value of the goodness-of-fit χ² (shares smoothed with ε), by enumerating every outcome of 3 classes. */
    private static double exactGoodnessOfFitPValue(long[] observed, double[] rawShares) {
        double[] q = Drift.smoothed(rawShares);
        int n = (int) Arrays.stream(observed).sum();
        double obs = goodnessChi(observed[0], observed[1], observed[2], n, q), p = 0;
        for (int x = 0; x <= n; x++) {
            for (int y = 0; x + y <= n; y++) {
                int z = n - x - y;
                if (goodnessChi(x, y, z, n, q) >= obs * (1 - 1e-9)) p += Math.exp(logMultinomial(n, x, y, z, q));
            }
        }
        return p;
    }

    private static double goodnessChi(double x, double y, double z, int n, double[] q) {
        double[] o = {x, y, z};
        double chi = 0;
        for (int i = 0; i < 3; i++) chi += (o[i] - n * q[i]) * (o[i] - n * q[i]) / (n * q[i]);
        return chi;
    }

    /** The exact parametric p-value of the homogeneity χ² of two 3-class samples under their pooled shares. */
    private static double exactHomogeneityPValue(long[] a, long[] b) {
        int n = (int) Arrays.stream(a).sum(), m = (int) Arrays.stream(b).sum();
        double[] pooled = new double[3];
        for (int i = 0; i < 3; i++) pooled[i] = (double) (a[i] + b[i]) / (n + m);
        double obs = homogeneityChi(a, b), p = 0;
        // log-probabilities of every outcome of each side, then every pair
        java.util.List<long[]> as = outcomes(n), bs = outcomes(m);
        double[] pa = as.stream()
                .mapToDouble(o -> logMultinomial(n, o[0], o[1], o[2], pooled))
                .toArray();
        double[] pb = bs.stream()
                .mapToDouble(o -> logMultinomial(m, o[0], o[1], o[2], pooled))
                .toArray();
        for (int i = 0; i < as.size(); i++) {
            if (pa[i] == Double.NEGATIVE_INFINITY) continue;
            for (int j = 0; j < bs.size(); j++) {
                if (pb[j] == Double.NEGATIVE_INFINITY) continue;
                if (homogeneityChi(as.get(i), bs.get(j)) >= obs * (1 - 1e-9)) p += Math.exp(pa[i] + pb[j]);
            }
        }
        return p;
    }

    private static java.util.List<long[]> outcomes(int n) {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        for (int x = 0; x <= n; x++) for (int y = 0; x + y <= n; y++) out.add(new long[] {x, y, n - x - y});
        return out;
    }

    private static double homogeneityChi(long[] a, long[] b) {
        double n = Arrays.stream(a).sum(), m = Arrays.stream(b).sum(), chi = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] + b[i];
            if (t == 0) continue;
            double ea = n * t / (n + m), eb = m * t / (n + m);
            chi += (a[i] - ea) * (a[i] - ea) / ea + (b[i] - eb) * (b[i] - eb) / eb;
        }
        return chi;
    }

    private static double logMultinomial(int n, double x, double y, double z, double[] q) {
        double[] o = {x, y, z};
        double lp = logFactorial(n);
        for (int i = 0; i < 3; i++) {
            if (o[i] > 0 && q[i] == 0) return Double.NEGATIVE_INFINITY;
            lp -= logFactorial((int) o[i]);
            if (o[i] > 0) lp += o[i] * Math.log(q[i]);
        }
        return lp;
    }

    private static double logFactorial(int k) {
        return org.apache.commons.math3.special.Gamma.logGamma(k + 1.0);
    }

    private static long[] toLong(double[] x) {
        return Arrays.stream(x).mapToLong(Math::round).toArray();
    }

    private static double[] normal(Random r, int n, double mean) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = mean + r.nextGaussian();
        return x;
    }

    private static QuantileSketch sketch(double[] values) {
        QuantileSketch s = new QuantileSketch();
        for (double v : values) s.update(v);
        return s;
    }

    @Test
    void ksOnSamplesAndOnExactSketchesMatchesCommonsMath() {
        Random r = new Random(7);
        double[] x = normal(r, 150, 0.0);
        double[] y = normal(r, 150, 0.4);
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        double d = ks.kolmogorovSmirnovStatistic(x, y);
        assertEquals(d, Drift.ksStatistic(Distribution.ofSample(x), Distribution.ofSample(y)), 1e-12);
        // Up to 200 values a sketch is exact, so its D is the samples' D.
        QuantileSketch sx = sketch(x), sy = sketch(y);
        assertTrue(sx.isExact());
        assertEquals(d, Drift.ksStatistic(Distribution.of(sx), Distribution.of(sy)), 1e-12);
        // n·m ≥ 10 000: Commons Math's two-sample test uses the asymptotic p-value too.
        assertEquals(ks.kolmogorovSmirnovTest(x, y), Drift.ksPValue(d, 150, 150), 1e-9);
    }

    @Test
    void ksOnLargeSketchesStaysWithinTheRankError() {
        Random r = new Random(11);
        double[] x = normal(r, 20_000, 0.0);
        double[] y = normal(r, 20_000, 0.1);
        double exact = new KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(x, y);
        QuantileSketch sx = sketch(x), sy = sketch(y);
        double onSketches = Drift.ksStatistic(Distribution.of(sx), Distribution.of(sy));
        // Each CDF is off by at most its sketch's rank error bound (the largest share of values in one bucket,
        // about 0.8% for N(0, 1) at α = 0.5%): D by at most the sum of both.
        double bound = sx.rankErrorBound() + sy.rankErrorBound();
        assertTrue(bound > 0 && bound < 0.02, "bound " + bound);
        assertEquals(exact, onSketches, bound);
    }

    @Test
    void wassersteinOfEqualSizeSamplesIsTheMeanGapOfOrderStatistics() {
        Random r = new Random(3);
        double[] x = normal(r, 120, 0.0);
        double[] y = normal(r, 120, 0.3);
        double[] sx = x.clone(), sy = y.clone();
        Arrays.sort(sx);
        Arrays.sort(sy);
        double expected = 0;
        for (int i = 0; i < sx.length; i++) expected += Math.abs(sx[i] - sy[i]) / sx.length;
        assertEquals(expected, Drift.wasserstein1(Distribution.ofSample(x), Distribution.ofSample(y)), 1e-9);
        double[] shifted = Arrays.stream(x).map(v -> v + 0.5).toArray();
        assertEquals(0.5, Drift.wasserstein1(Distribution.ofSample(x), Distribution.ofSample(shifted)), 1e-9);
    }

    /**
     * Two bucketed sketches (one bucket grid, exact at its boundaries, constant in between): D is the D of the samples
     * coarsened to the grid, at most the exact D (Commons Math on the raw values), so the p-value takes the true n.
     * An exact sample against a bucketed sketch is also compared between boundaries, where the sketch's rank lags:
     * the sketch side keeps its effective n.
     */
    @Test
    void ksBetweenBucketedSketchesTakesTheTrueN() {
        Random r = new Random(29);
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        for (int w = 0; w < 20; w++) {
            double[] x = normal(r, 5_000, 0.0), y = normal(r, 3_000, w % 2 == 0 ? 0.0 : 0.1);
            Distribution sx = Distribution.of(sketch(x)), sy = Distribution.of(sketch(y));
            assertTrue(sx.bucketed() && sy.bucketed());
            double d = Drift.ksStatistic(sx, sy);
            assertTrue(d <= ks.kolmogorovSmirnovStatistic(x, y) + 1e-12, "bucketed D above the exact D");
            assertEquals(ks.approximateP(d, 5_000, 3_000), Drift.ksPValue(d, sx, sy), 1e-15);
            Distribution exact = Distribution.ofSample(x);
            assertTrue(!exact.bucketed()
                    && !Distribution.of(sketch(normal(r, 200, 0.0))).bucketed());
            double mixed = Drift.ksStatistic(exact, sy);
            assertEquals(
                    ks.approximateP(mixed, 5_000, (int) Math.round(sy.effectiveN())),
                    Drift.ksPValue(mixed, exact, sy),
                    1e-15);
        }
    }

    /**
     * Against a binned baseline (edges 0, 1, 2; counts 1, 3: CDF 0, 0.25, 1 at the edges) KS and Wasserstein read both
     * CDFs at the edges only. The sample {0.5, 1.5, 1.5, 1.8} has ECDF 0, 0.25, 1 there: D = 0 and W = 0, where the
     * uniform-within-bin model would give |0.25 − 0.125| = 0.125 at x = 0.5. {0.2, 0.4, 1.5, 1.9}: ECDF 0.5 at 1,
     * D = 0.25, W = (0 + 0.25)/2·1 + (0.25 + 0)/2·1 = 0.25.
     */
    @Test
    void binnedBaselineIsComparedAtItsEdges() {
        Distribution bins = Distribution.ofBins(new double[] {0, 1, 2}, new long[] {1, 3});
        double[] same = Drift.ksAndWasserstein(Distribution.ofSample(new double[] {0.5, 1.5, 1.5, 1.8}), bins);
        assertEquals(0, same[0], 1e-12);
        assertEquals(0, same[1], 1e-12);
        double[] off = Drift.ksAndWasserstein(Distribution.ofSample(new double[] {0.2, 0.4, 1.5, 1.9}), bins);
        assertEquals(0.25, off[0], 1e-12);
        assertEquals(0.25, off[1], 1e-12);
        // Either order.
        assertEquals(0.25, Drift.ksAndWasserstein(bins, Distribution.ofSample(new double[] {0.2, 0.4, 1.5, 1.9}))[0]);
    }

    @Test
    void binnedBaselineIsPiecewiseLinear() {
        Distribution d = Distribution.ofBins(new double[] {0, 1, 2}, new long[] {1, 3});
        assertEquals(4, d.n());
        assertEquals(0.0, d.cdf(-1), 1e-12);
        assertEquals(0.125, d.cdf(0.5), 1e-12);
        assertEquals(0.25, d.cdf(1.0), 1e-12);
        assertEquals(0.625, d.cdf(1.5), 1e-12);
        assertEquals(1.0, d.cdf(2.0), 1e-12);
        assertEquals(1.5, d.quantile(0.625), 1e-12);
        assertEquals(0.5, d.quantile(0.125), 1e-12);
    }

    @Test
    void binSharesOnReferenceDeciles() {
        double[] ref = new double[100];
        for (int i = 0; i < 100; i++) ref[i] = i + 1; // 1..100
        Distribution q = Distribution.ofSample(ref);
        double[] edges = Drift.decileEdges(q);
        assertEquals(10.0, edges[0], 1e-12);
        assertEquals(90.0, edges[8], 1e-12);
        double[][] shares = Drift.binShares(Distribution.ofSample(ref), q, edges);
        for (double s : shares[1]) assertEquals(0.1, s, 1e-12);
        assertEquals(0.0, Drift.psi(shares[0], shares[1]), 1e-12);
        Map<String, long[]> aligned = Drift.align(Map.of("a", 3L, "c", 1L), Map.of("b", 2L, "a", 5L));
        assertEquals("[a, b, c]", aligned.keySet().toString());
        assertEquals(0L, aligned.get("b")[0]);
        assertEquals(0L, aligned.get("c")[1]);
    }

    @Test
    void cdfsOnAGridInOneWalkEqualOnePointAtATime() {
        Random random = new Random(5);
        QuantileSketch sketch = new QuantileSketch();
        double[] sample = new double[5_000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = Math.round(random.nextGaussian() * 20) / 4.0; // ties on purpose
            sketch.update(sample[i]);
        }
        // Points below, between, on and above the values, ascending.
        double[] points = new double[400];
        for (int i = 0; i < points.length; i++) points[i] = -30 + i * 0.15;
        Distribution[] distributions = {Distribution.of(sketch), Distribution.ofSample(sample)};
        for (Distribution d : distributions) {
            double[] batch = d.cdf(points);
            for (int i = 0; i < points.length; i++) assertEquals(d.cdf(points[i]), batch[i], 0.0, "at " + points[i]);
        }
        assertTrue(
                Arrays.equals(new double[] {Double.NaN}, new QuantileSketch().ranks(new double[] {1.0})),
                "NaN when empty");
    }

    @Test
    void ksAndWassersteinFromOneGridEqualTheirDefinitions() {
        Random random = new Random(9);
        double[] a = new double[300], b = new double[500];
        for (int i = 0; i < a.length; i++) a[i] = random.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = 0.3 + 1.2 * random.nextGaussian();
        double[] both = Drift.ksAndWasserstein(Distribution.ofSample(a), Distribution.ofSample(b));
        // KS by Commons Math on the raw samples; W1 as the integral of |F − G| over the pooled, sorted values.
        assertEquals(new KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(a, b), both[0], 1e-12);
        double[] pooled = new double[a.length + b.length];
        System.arraycopy(a, 0, pooled, 0, a.length);
        System.arraycopy(b, 0, pooled, a.length, b.length);
        Arrays.sort(pooled);
        double w = 0;
        for (int i = 0; i + 1 < pooled.length; i++) {
            double x = pooled[i];
            long fa = Arrays.stream(a).filter(v -> v <= x).count(),
                    fb = Arrays.stream(b).filter(v -> v <= x).count();
            w += Math.abs((double) fa / a.length - (double) fb / b.length) * (pooled[i + 1] - x);
        }
        assertEquals(w, both[1], 1e-12);
    }
}
