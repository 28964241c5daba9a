package io.modelvitals.vitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.stat.correlation.Covariance;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.Variance;
import org.junit.jupiter.api.Test;

/** The delta method, the mSPRT and its confidence sequence, and the non-inferiority test, against independent values. */
class SequentialStatisticsTest {

    /** Deng et al. 2018, eq. (3), written from raw unit vectors with Commons Math's (population) moments. */
    private static double dengVariance(double[] x, double[] y) {
        int n = x.length;
        double mx = new Mean().evaluate(x), my = new Mean().evaluate(y);
        double vx = new Variance(false).evaluate(x), vy = new Variance(false).evaluate(y);
        double cxy = new Covariance().covariance(x, y, false);
        return (vx / (my * my) - 2 * mx * cxy / (my * my * my) + mx * mx * vy / (my * my * my * my)) / n;
    }

    private static double[] sums(double[] x, double[] y) {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.length; i++) {
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            syy += y[i] * y[i];
            sxy += x[i] * y[i];
        }
        return new double[] {x.length, sx, sy, sxx, syy, sxy};
    }

    @Test
    void theDeltaMethodFromSumsIsDengEtAlsFormulaOnTheUnits() {
        // Ten predictions: impressions y and plays x of each.
        double[] y = {3, 1, 5, 2, 4, 1, 1, 3, 2, 5};
        double[] x = {1, 0, 3, 0, 2, 1, 0, 0, 1, 4};
        double[] s = sums(x, y);
        assertEquals(dengVariance(x, y), RatioMetrics.variance(s[0], s[1], s[2], s[3], s[4], s[5]), 1e-15);
    }

    @Test
    void withOneZeroOrOneEventPerUnitTheDeltaMethodIsTheBinomialVariance() {
        // x, y ∈ {0, 1}, x ≤ y: σx² − 2rσxy + r²σy² = r(1 − r)·Y/n, so Var = r(1 − r)/Y exactly (worked by hand).
        double[] y = new double[40], x = new double[40];
        for (int i = 0; i < 40; i++) {
            y[i] = i < 30 ? 1 : 0; // 30 impressions
            x[i] = i < 9 ? 1 : 0; // 9 plays
        }
        double[] s = sums(x, y);
        double r = 9.0 / 30;
        assertEquals(r * (1 - r) / 30, RatioMetrics.variance(s[0], s[1], s[2], s[3], s[4], s[5]), 1e-15);
        assertEquals(r * (1 - r) / 30, RatioMetrics.binomialVariance(9, 30), 1e-15);
    }

    @Test
    void theDeltaMethodVarianceMatchesTheSpreadOfTheRatioOverReplications() {
        // 4,000 replications of 500 predictions, 1-5 impressions each, a play propensity per prediction (0.05 or
        // 0.45): the empirical variance of Σx/Σy against the mean delta-method estimate. The binomial variance of the
        // events is far too small here (design effect about 1.5).
        SplittableRandom rng = new SplittableRandom(18);
        int reps = 4000, n = 500;
        double[] ratios = new double[reps];
        double deltaMean = 0, binomialMean = 0;
        for (int r = 0; r < reps; r++) {
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = 1 + rng.nextInt(5);
                double q = rng.nextDouble() < 0.875 ? 0.05 : 0.45;
                for (int k = 0; k < y[i]; k++) if (rng.nextDouble() < q) x[i]++;
            }
            double[] s = sums(x, y);
            ratios[r] = s[1] / s[2];
            deltaMean += RatioMetrics.variance(s[0], s[1], s[2], s[3], s[4], s[5]) / reps;
            binomialMean += RatioMetrics.binomialVariance(s[1], s[2]) / reps;
        }
        double empirical = new Variance().evaluate(ratios);
        // The variance of a variance estimate over 4,000 replications: ±2.2% (√(2/4000)) at one standard error.
        assertEquals(1.0, deltaMean / empirical, 0.08, "delta " + deltaMean + " empirical " + empirical);
        assertTrue(binomialMean / empirical < 0.8, "binomial " + binomialMean + " empirical " + empirical);
    }

    @Test
    void theMixtureLikelihoodRatioAndItsConfidenceSequenceByHand() {
        // V = 1, τ² = 1, θ̂ = 2: Λ = √(1/2)·exp(1·4/(2·1·2)) = e/√2 = 1.9221155 (worked by hand), p = 1/Λ.
        assertEquals(Math.E / Math.sqrt(2), Math.exp(AlwaysValid.logLikelihoodRatio(2, 1, 1)), 1e-12);
        assertEquals(0.5202600950228888, AlwaysValid.pValue(2, 1, 1), 1e-12);
        assertEquals(1.0, AlwaysValid.pValue(0, 1, 1), 0.0, "no evidence: p capped at 1");
        // Half-width at α = 0.05: √(1·2/1·(2 ln 20 + ln 2)) = 3.65639487.
        assertEquals(3.6563948713638483, AlwaysValid.halfWidth(1, 1, 0.05), 1e-12);
        // The sequence is the inversion of the test: an estimate on its boundary has p = α exactly.
        for (double v : new double[] {1e-6, 3e-4, 0.02}) {
            for (double tau2 : new double[] {1e-6, 1e-4, 0.5}) {
                double hw = AlwaysValid.halfWidth(v, tau2, 0.05);
                assertEquals(0.05, AlwaysValid.pValue(hw, v, tau2), 1e-9, "V " + v + " τ² " + tau2);
            }
        }
    }

    @Test
    void theConfidenceSequenceIsWiderThanTheFixedSampleIntervalAndNarrowestNearTauSquaredEightTimesV() {
        // At α = 0.05 the fixed-sample half-width is 1.96√V; the sequence pays for looking at every window.
        double v = 1e-4;
        double best = Double.MAX_VALUE, bestRatio = 0;
        for (double ratio = 1; ratio < 40; ratio += 0.01) {
            double hw = AlwaysValid.halfWidth(v, ratio * v, 0.05);
            assertTrue(hw > 1.96 * Math.sqrt(v));
            if (hw < best) {
                best = hw;
                bestRatio = ratio;
            }
        }
        // d/dr of (1 + 1/r)(2 ln 20 + ln(1 + r)) = 0 at r = 2 ln 20 + ln(1 + r): r = 8.21 (solved by hand, iterating).
        assertEquals(8.21, bestRatio, 0.02);
    }

    @Test
    void nonInferiorityByNewcombesLowerBound() {
        // Lower bounds of p1 − p2 at z = Φ⁻¹(0.95) = 1.6448536, Wilson intervals combined as in Newcombe (1998) method
        // 10, worked in Python (statistics.NormalDist, the formulas written out): 270/300 against 810/900: −0.0356021;
        // 228/300 against 1440/1800: −0.0853389; 20/20 against 98/100: −0.0999044.
        double z = 1.6448536269514715;
        assertEquals(-0.03560207177951973, Proportions.newcombe(270, 300, 810, 900, z)[0], 1e-12);
        assertTrue(Proportions.nonInferior(270, 300, 810, 900, 0.05, 0.05));
        assertTrue(!Proportions.nonInferior(270, 300, 810, 900, 0.03, 0.05));
        assertEquals(-0.08533888018932562, Proportions.newcombe(228, 300, 1440, 1800, z)[0], 1e-12);
        assertTrue(!Proportions.nonInferior(228, 300, 1440, 1800, 0.03, 0.05));
        // No variance: 20 of 20 is not "certainly held" against 0.98 (the Wald test said p = 0).
        assertEquals(-0.09990438944466351, Proportions.newcombe(20, 20, 98, 100, z)[0], 1e-12);
        assertTrue(!Proportions.nonInferior(20, 20, 98, 100, 0.03, 0.05));
    }

    @Test
    void nonInferiorityHoldsItsLevelAtTheMarginWithFewLabels() {
        // Exactly at the margin: quality 0.95 of 20 labels against a baseline 0.98 of 120, margin 0.03. The probability
        // of calling it held, summed over all outcomes (Commons Math binomial probabilities), must be at most α = 0.05;
        // the Wald test's was 0.358486 (the same enumeration in Python), Newcombe's is 2.0967e-6.
        org.apache.commons.math3.distribution.BinomialDistribution q =
                new org.apache.commons.math3.distribution.BinomialDistribution(null, 20, 0.95);
        org.apache.commons.math3.distribution.BinomialDistribution base =
                new org.apache.commons.math3.distribution.BinomialDistribution(null, 120, 0.98);
        double held = 0;
        for (int x1 = 0; x1 <= 20; x1++) {
            for (int x2 = 0; x2 <= 120; x2++) {
                if (Proportions.nonInferior(x1, 20, x2, 120, 0.03, 0.05))
                    held += q.probability(x1) * base.probability(x2);
            }
        }
        assertEquals(2.096658802004983e-06, held, 1e-9);
        assertTrue(held <= 0.05);
    }
}
