package io.modelvitals.vitals;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulations of a binary classifier: CBPE must track the realized metrics within its intervals while the scores
 * stay calibrated (P(y|x) unchanged) though the class prior moves with the inputs; and must be wrong, visibly in the
 * estimation error, under concept drift (P(y|x) changes). Figures quoted in docs/estimation.md.
 */
class EstimationSimulationTest {
    static final double Z = 1.959963984540054;
    static final int BINS = 20;
    static final int WINDOWS = 200;
    static final int PER_WINDOW = 500;

    /** Calibration from 5,000 labelled predictions with scores ~ Beta(2, 2), each positive with its score. */
    static IsotonicCalibration reference(RandomGenerator rng) {
        BetaDistribution scores = new BetaDistribution(rng, 2, 2);
        ScoreBins ref = new ScoreBins();
        for (int i = 0; i < 5000; i++) {
            double s = scores.sample();
            ref.add(s >= 0.5 ? "1" : "0", ScoreBins.bin(s, BINS), rng.nextDouble() < s);
        }
        long[][] bins = ref.byBin(BINS);
        return IsotonicCalibration.fit(bins[0], bins[1]);
    }

    /** Coverage per metric: the share of windows whose realized value lies in the estimate's interval. */
    record Run(
            double accuracyCoverage,
            double macroF1Coverage,
            double aucCoverage,
            double errorExcludesZero,
            double meanError) {}

    /**
     * @param truth P(y = 1 | score): the identity while the scores stay calibrated
     */
    static Run run(long seed, java.util.function.DoubleUnaryOperator truth) {
        RandomGenerator rng = new Well19937c(seed);
        IsotonicCalibration calibration = reference(rng);
        int accIn = 0, f1In = 0, aucIn = 0, aucWindows = 0, excludes = 0;
        double errorSum = 0;
        for (int w = 0; w < WINDOWS; w++) {
            // The prior shifts with the inputs: mean score from 0.2 to 0.8 over the run.
            double t = w / (double) (WINDOWS - 1);
            BetaDistribution scores = new BetaDistribution(rng, 1 + 3 * t, 4 - 3 * t);
            ScoreBins predictions = new ScoreBins(), outcomes = new ScoreBins();
            for (int i = 0; i < PER_WINDOW; i++) {
                double s = scores.sample();
                String predicted = s >= 0.5 ? "1" : "0";
                int bin = ScoreBins.bin(s, BINS);
                predictions.add(predicted, bin);
                outcomes.add(predicted, bin, rng.nextDouble() < truth.applyAsDouble(s));
            }
            List<PerformanceEstimation.Value> est =
                    PerformanceEstimation.estimate(true, "1", "0", predictions, calibration, Z);
            List<PerformanceEstimation.Value> real = PerformanceEstimation.realized(true, "1", "0", outcomes, BINS);
            PerformanceEstimation.Value ea = PerformanceEstimationTest.find(est, "accuracy", null);
            double ra = PerformanceEstimationTest.find(real, "accuracy", null).value;
            if (ra >= ea.lower && ra <= ea.upper) accIn++;
            else excludes++;
            errorSum += ea.value - ra;
            PerformanceEstimation.Value ef = PerformanceEstimationTest.find(est, "macro_f1", null);
            double rf = PerformanceEstimationTest.find(real, "macro_f1", null).value;
            if (rf >= ef.lower && rf <= ef.upper) f1In++;
            PerformanceEstimation.Value eu = PerformanceEstimationTest.find(est, "roc_auc", null);
            PerformanceEstimation.Value ru = PerformanceEstimationTest.find(real, "roc_auc", null);
            if (eu != null && ru != null) {
                aucWindows++;
                if (ru.value >= eu.lower && ru.value <= eu.upper) aucIn++;
            }
        }
        return new Run(
                accIn / (double) WINDOWS,
                f1In / (double) WINDOWS,
                aucIn / (double) aucWindows,
                excludes / (double) WINDOWS,
                errorSum / WINDOWS);
    }

    @Test
    void calibratedScoresUnderPriorShiftStayWithinTheInterval() {
        Run r = run(20261202L, s -> s);
        System.out.println("calibrated, prior shift: " + r);
        assertTrue(r.accuracyCoverage >= 0.9, "accuracy coverage " + r.accuracyCoverage);
        assertTrue(r.macroF1Coverage >= 0.9, "macro-F1 coverage " + r.macroF1Coverage);
        assertTrue(r.aucCoverage >= 0.9, "ROC AUC coverage " + r.aucCoverage);
        assertTrue(Math.abs(r.meanError) < 0.01, "mean error " + r.meanError);
    }

    @Test
    void conceptDriftMakesTheEstimateWrongAndTheErrorShowsIt() {
        // P(y|x) flattens: a score s now means 0.5 + 0.3·(s − 0.5). The scores look the same; their meaning changed.
        Run r = run(20261203L, s -> 0.5 + 0.3 * (s - 0.5));
        System.out.println("concept drift: " + r);
        // The estimate overstates accuracy, and the error's interval excludes 0 in most windows.
        assertTrue(r.meanError > 0.1, "mean error " + r.meanError);
        assertTrue(r.errorExcludesZero >= 0.9, "windows whose error interval excludes 0: " + r.errorExcludesZero);
    }
}
