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
        // Against shares: the unseen class gets ε, so 20 observations there are overwhelming evidence.
        assertTrue(Drift.chiSquarePValue(new long[] {40, 40, 20}, new double[] {0.5, 0.5, 0.0}) < 1e-10);
        // Against a reference sample: the test of homogeneity handles the zero itself.
        long[] current = {10, 10, 5};
        long[] reference = {20, 20, 0};
        assertEquals(
                new ChiSquareTest().chiSquareTestDataSetsComparison(current, reference),
                Drift.chiSquarePValue(current, reference),
                1e-12);
        // A class absent from both sides is dropped, not an error.
        assertEquals(
                new ChiSquareTest().chiSquareTestDataSetsComparison(current, reference),
                Drift.chiSquarePValue(new long[] {10, 0, 10, 5}, new long[] {20, 0, 20, 0}),
                1e-12);
        assertTrue(Double.isNaN(Drift.chiSquarePValue(new long[] {5, 0}, new long[] {7, 0})), "one class: no test");
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
