package io.modelvitals.vitals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;

/** The estimates and their intervals against values worked out by hand (and Commons Math), on small cases. */
class PerformanceEstimationTest {
    private static final double Z = 1.959963984540054;

    /** Four bins of width ¼, each calibrated from 10 labelled predictions with 1, 3, 6 and 9 hits. */
    private static IsotonicCalibration calibration() {
        return IsotonicCalibration.fit(new long[] {10, 10, 10, 10}, new long[] {1, 3, 6, 9});
    }

    /** 10 predictions of "1" in each of bins 2 and 3, 10 of "0" in each of bins 0 and 1. */
    private static ScoreBins predictions() {
        ScoreBins s = new ScoreBins();
        for (int i = 0; i < 10; i++) {
            s.add("1", 2);
            s.add("1", 3);
            s.add("0", 0);
            s.add("0", 1);
        }
        return s;
    }

    static PerformanceEstimation.Value find(List<PerformanceEstimation.Value> vs, String metric, String cls) {
        for (PerformanceEstimation.Value v : vs)
            if (v.metric.equals(metric) && java.util.Objects.equals(v.cls, cls) && v.predictedCls == null) return v;
        return null;
    }

    private static PerformanceEstimation.Value cell(
            List<PerformanceEstimation.Value> vs, String actual, String predicted) {
        for (PerformanceEstimation.Value v : vs)
            if (v.metric.equals("confusion") && v.cls.equals(actual) && v.predictedCls.equals(predicted)) return v;
        return null;
    }

    @Test
    void isotonicPoolsViolatorsAndFillsEmptyBins() {
        IsotonicCalibration pooled = IsotonicCalibration.fit(new long[] {10, 10, 10}, new long[] {5, 2, 8});
        // 0.5 > 0.2 violates monotonicity: bins 0 and 1 pool to 7/20.
        assertArrayEquals(new double[] {0.35, 0.35, 0.8}, pooled.p, 1e-12);
        assertArrayEquals(new double[] {20, 20, 10}, pooled.support, 1e-12);
        IsotonicCalibration sparse = IsotonicCalibration.fit(new long[] {0, 10, 0, 10, 0}, new long[] {0, 2, 0, 6, 0});
        assertArrayEquals(new double[] {0.2, 0.2, 0.2, 0.6, 0.6}, sparse.p, 1e-12);
    }

    @Test
    void binaryEstimatesAreTheMetricsOfTheExpectedConfusionCounts() {
        List<PerformanceEstimation.Value> est =
                PerformanceEstimation.estimate(true, "1", "0", predictions(), calibration(), Z);
        // E[TP] = 10·0.6 + 10·0.9 = 15, FP = 20 − 15 = 5, E[FN] = 10·0.1 + 10·0.3 = 4, TN = 20 − 4 = 16.
        assertEquals(15, cell(est, "1", "1").value, 1e-9);
        assertEquals(5, cell(est, "0", "1").value, 1e-9);
        assertEquals(4, cell(est, "1", "0").value, 1e-9);
        assertEquals(16, cell(est, "0", "0").value, 1e-9);
        assertEquals(31.0 / 40, find(est, "accuracy", null).value, 1e-9);
        assertEquals(15.0 / 20, find(est, "precision", "1").value, 1e-9);
        assertEquals(16.0 / 20, find(est, "precision", "0").value, 1e-9);
        assertEquals(15.0 / 19, find(est, "recall", "1").value, 1e-9);
        assertEquals(16.0 / 21, find(est, "recall", "0").value, 1e-9);
        assertEquals(30.0 / 39, find(est, "f1", "1").value, 1e-9);
        assertEquals(32.0 / 41, find(est, "f1", "0").value, 1e-9);
        assertEquals((30.0 / 39 + 32.0 / 41) / 2, find(est, "macro_f1", null).value, 1e-9);
        // Expected positives per bin 1, 3, 6, 9 and negatives 9, 7, 4, 1: concordant pairs
        // 1·(0 + 4.5) + 3·(9 + 3.5) + 6·(16 + 2) + 9·(20 + 0.5) = 334.5 of 19·21 = 399.
        assertEquals(334.5 / 399, find(est, "roc_auc", null).value, 1e-9);
    }

    @Test
    void accuracyIntervalIsSamplingPlusCalibrationVariance() {
        PerformanceEstimation.Value acc =
                find(PerformanceEstimation.estimate(true, "1", "0", predictions(), calibration(), Z), "accuracy", null);
        // Sampling: Σ n·p(1 − p) over the bins = 10·(0.09 + 0.21 + 0.24 + 0.09) = 6.3 correct², over 40².
        double sampling = 6.3 / 1600;
        // Calibration: a bin's p from m = 10 labels, Laplace p̃ = (hits + 1)/12, var p̃(1 − p̃)/10; the bin's 10
        // predictions move accuracy by ±10/40 per unit of p.
        double calibrationVar = 0;
        for (int hits : new int[] {1, 3, 6, 9}) {
            double pt = (hits + 1) / 12.0;
            calibrationVar += 0.25 * 0.25 * pt * (1 - pt) / 10;
        }
        double sd = Math.sqrt(sampling + calibrationVar);
        assertEquals(0.775 - Z * sd, acc.lower, 1e-6);
        assertEquals(0.775 + Z * sd, acc.upper, 1e-6);
    }

    @Test
    void calibrationErrorIsSharedWithinAPooledBlock() {
        // Bins 0 and 1 (6 and 3 hits of 10) violate monotonicity and pool into one block, p = 9/20 = 0.45 from 20
        // labels; bin 2 (8 of 10) is the second block, p = 0.8, and the empty bin 3 takes its value: two blocks,
        // {0, 1} and {2, 3}, each with one estimated rate and so one error.
        IsotonicCalibration cal = IsotonicCalibration.fit(new long[] {10, 10, 10, 0}, new long[] {6, 3, 8, 0});
        assertArrayEquals(new double[] {0.45, 0.45, 0.8, 0.8}, cal.p, 1e-12);
        assertArrayEquals(new int[] {0, 0, 1, 1}, cal.block);
        // 10 predictions of "0" in bin 0, of "1" in bins 1, 2 and 3.
        ScoreBins s = new ScoreBins();
        for (int i = 0; i < 10; i++) {
            s.add("0", 0);
            s.add("1", 1);
            s.add("1", 2);
            s.add("1", 3);
        }
        PerformanceEstimation.Value acc =
                find(PerformanceEstimation.estimate(true, "1", "0", s, cal, Z), "accuracy", null);
        // E[TP] = 10·0.45 + 20·0.8 = 20.5, E[TN] = 10·(1 − 0.45) = 5.5: accuracy 26/40.
        assertEquals(0.65, acc.value, 1e-9);
        // Sampling: Σ n·p(1 − p) = 20·0.45·0.55 + 20·0.8·0.2 = 8.15, over 40².
        double sampling = 8.15 / 1600;
        // Calibration, per block (Σ_b ∂acc/∂H_b · n_b)²·Var p: block {0, 1}: −10/40 (a hit in bin 0 is a false
        // negative) + 10/40 = 0, the block's error cancels; block {2, 3}: 10/40 + 10/40 = ½, and Var p with Laplace
        // p̃ = (8 + 1)/12 = 0.75 from 10 labels is 0.75·0.25/10.
        double calibrationVar = 0.5 * 0.5 * 0.75 * 0.25 / 10;
        double sd = Math.sqrt(sampling + calibrationVar);
        assertEquals(0.65 - Z * sd, acc.lower, 1e-6);
        assertEquals(0.65 + Z * sd, acc.upper, 1e-6);
        // Bin by bin, as if independent, would have given Σ_b (¼)²·Var p_b: a different (here narrower) interval.
        double pooled = (10 / 22.0) * (12 / 22.0) / 20;
        double binByBin = 2 * 0.0625 * pooled + 2 * 0.0625 * 0.75 * 0.25 / 10;
        assertFalse(Math.abs(acc.upper - (0.65 + Z * Math.sqrt(sampling + binByBin))) < 1e-4);
    }

    @Test
    void precisionIntervalIsExactForALinearMetric() {
        PerformanceEstimation.Value p =
                find(PerformanceEstimation.estimate(true, "1", "0", predictions(), calibration(), Z), "precision", "1");
        double sampling = (10 * 0.6 * 0.4 + 10 * 0.9 * 0.1) / 400;
        double calibrationVar = 0.25 * ((7 / 12.0) * (5 / 12.0) / 10 + (10 / 12.0) * (2 / 12.0) / 10);
        double sd = Math.sqrt(sampling + calibrationVar);
        assertEquals(0.75 - Z * sd, p.lower, 1e-6);
        assertEquals(Math.min(1, 0.75 + Z * sd), p.upper, 1e-6);
    }

    @Test
    void realizedMetricsMatchHandCountsAndMannWhitney() {
        // Labelled: predicted 1 in bin 3: 4, 3 positive; in bin 2: 3, 1 positive; predicted 0 in bin 1: 2, 1 positive;
        // in bin 0: 3, 0 positive. TP = 4, FP = 3, FN = 1, TN = 4.
        ScoreBins o = new ScoreBins();
        addMany(o, "1", 3, 3, true);
        addMany(o, "1", 3, 1, false);
        addMany(o, "1", 2, 1, true);
        addMany(o, "1", 2, 2, false);
        addMany(o, "0", 1, 1, true);
        addMany(o, "0", 1, 1, false);
        addMany(o, "0", 0, 3, false);
        List<PerformanceEstimation.Value> r = PerformanceEstimation.realized(true, "1", "0", o, 4);
        assertEquals(8.0 / 12, find(r, "accuracy", null).value, 1e-12);
        assertEquals(4.0 / 7, find(r, "precision", "1").value, 1e-12);
        assertEquals(4.0 / 5, find(r, "recall", "1").value, 1e-12);
        assertEquals(4.0 / 5, find(r, "precision", "0").value, 1e-12);
        assertEquals(4.0 / 7, find(r, "recall", "0").value, 1e-12);
        assertEquals(8.0 / 12, find(r, "f1", "1").value, 1e-12);
        // ROC AUC over the bins = U / (n₊ n₋) of the Mann–Whitney test with ties at mid-rank (Commons Math).
        List<Double> pos = new ArrayList<>(), neg = new ArrayList<>();
        for (int i = 0; i < 3; i++) pos.add(3.0);
        neg.add(3.0);
        pos.add(2.0);
        neg.add(2.0);
        neg.add(2.0);
        pos.add(1.0);
        neg.add(1.0);
        for (int i = 0; i < 3; i++) neg.add(0.0);
        double u = new MannWhitneyUTest()
                .mannWhitneyU(
                        pos.stream().mapToDouble(d -> d).toArray(),
                        neg.stream().mapToDouble(d -> d).toArray());
        assertEquals(u / (5.0 * 7), find(r, "roc_auc", null).value, 1e-12);
    }

    @Test
    void confidenceEstimatesAccuracyAndPrecisionOnly() {
        // Confidence: bins are P(right); "a" predicted 10 times in bin 3 (0.9), "b" 10 times in bin 1 (0.3).
        ScoreBins s = new ScoreBins();
        for (int i = 0; i < 10; i++) {
            s.add("a", 3);
            s.add("b", 1);
        }
        List<PerformanceEstimation.Value> est = PerformanceEstimation.estimate(false, null, null, s, calibration(), Z);
        assertEquals(12.0 / 20, find(est, "accuracy", null).value, 1e-9);
        assertEquals(0.9, find(est, "precision", "a").value, 1e-9);
        assertEquals(0.3, find(est, "precision", "b").value, 1e-9);
        assertFalse(est.stream().anyMatch(v -> v.metric.equals("recall") || v.metric.equals("roc_auc")));
    }

    private static void addMany(ScoreBins s, String cls, int bin, int times, boolean hit) {
        for (int i = 0; i < times; i++) s.add(cls, bin, hit);
    }
}
