package io.modelvitals.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.Vitals;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.Proportions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Vitals against values worked out by hand (see each comment). */
class QualityVitalsTest {
    private static final double EPS = 1e-9;

    private static JoinResult pair(String actual, String predicted, long delayMs) {
        JoinResult r = new JoinResult();
        r.kind = JoinResult.PAIR;
        r.actualLabel = actual;
        r.predictedLabel = predicted;
        r.predictionTs = 1000;
        r.labelTs = 1000 + delayMs;
        return r;
    }

    private static VitalRecord find(List<VitalRecord> vitals, String vital, String cls) {
        return vitals.stream()
                .filter(v -> v.vital.equals(vital) && java.util.Objects.equals(v.cls, cls) && v.predictedCls == null)
                .findFirst()
                .orElse(null);
    }

    /**
     * Confusion (actual→predicted): a→a 4, a→b 1, b→b 3, b→a 1, b→c 1, c→c 1, c→a 1, c→d 1; n = 13.
     * accuracy 8/13. a: P 4/6, R 4/5, F1 16/22. b: P 3/4, R 3/5, F1 2/3. c: P 1/2, R 1/3, F1 0.4.
     * d (predicted, never actual): P 0/1, R undefined, F1 0. macro-F1 = (16/22 + 2/3 + 0.4 + 0) / 4.
     */
    @Test
    void classificationVitalsMatchTheHandComputedConfusionMatrix() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        String[][] cells = {
            {"a", "a", "4"},
            {"a", "b", "1"},
            {"b", "b", "3"},
            {"b", "a", "1"},
            {"b", "c", "1"},
            {"c", "c", "1"},
            {"c", "a", "1"},
            {"c", "d", "1"}
        };
        for (String[] c : cells) {
            for (int i = 0; i < Integer.parseInt(c[2]); i++) QualityAggregator.fold(acc, pair(c[0], c[1], 10));
        }
        List<VitalRecord> v = QualityVitals.compute("m", "v1", "all", 0, 60_000, acc);

        VitalRecord accuracy = find(v, Vitals.ACCURACY, null);
        assertEquals(8.0 / 13, accuracy.value, EPS);
        assertEquals(13, accuracy.n);
        assertEquals(0, accuracy.windowStart);
        assertEquals(60_000, accuracy.windowEnd);
        assertEquals(4.0 / 6, find(v, Vitals.PRECISION, "a").value, EPS);
        assertEquals(6, find(v, Vitals.PRECISION, "a").n);
        assertEquals(4.0 / 5, find(v, Vitals.RECALL, "a").value, EPS);
        assertEquals(5, find(v, Vitals.RECALL, "a").n);
        assertEquals(16.0 / 22, find(v, Vitals.F1, "a").value, EPS);
        assertEquals(3.0 / 4, find(v, Vitals.PRECISION, "b").value, EPS);
        assertEquals(3.0 / 5, find(v, Vitals.RECALL, "b").value, EPS);
        assertEquals(2.0 / 3, find(v, Vitals.F1, "b").value, EPS);
        assertEquals(0.5, find(v, Vitals.PRECISION, "c").value, EPS);
        assertEquals(1.0 / 3, find(v, Vitals.RECALL, "c").value, EPS);
        assertEquals(0.4, find(v, Vitals.F1, "c").value, EPS);
        assertEquals(0.0, find(v, Vitals.PRECISION, "d").value, EPS);
        assertNull(find(v, Vitals.RECALL, "d"), "recall of a class never seen as actual is undefined");
        assertEquals(0.0, find(v, Vitals.F1, "d").value, EPS);
        assertEquals((16.0 / 22 + 2.0 / 3 + 0.4 + 0.0) / 4, find(v, Vitals.MACRO_F1, null).value, EPS);
        long confusionCells =
                v.stream().filter(r -> r.vital.equals(Vitals.CONFUSION)).count();
        assertEquals(8, confusionCells);
        VitalRecord ac = v.stream()
                .filter(r -> r.vital.equals(Vitals.CONFUSION) && "c".equals(r.cls) && "d".equals(r.predictedCls))
                .findFirst()
                .orElseThrow();
        assertEquals(1.0, ac.value, EPS);
        assertEquals(13, find(v, Vitals.LABELED_COUNT, null).value, EPS);
        assertFalse(v.stream().anyMatch(r -> r.vital.equals(Vitals.LABEL_COVERAGE)), "no expiry, no coverage");
    }

    @Test
    void wilsonIntervalMatchesPublishedValues() {
        // 8 of 10: the textbook Wilson 95% interval is [0.4902, 0.9433].
        double[] ci = Proportions.wilson(8, 10, Proportions.Z95);
        assertEquals(0.4902, ci[0], 5e-5);
        assertEquals(0.9433, ci[1], 5e-5);
        // 0 of 10: the lower bound is 0 and the upper is z²/(n + z²) = 3.8415/13.8415.
        double[] zero = Proportions.wilson(0, 10, Proportions.Z95);
        assertEquals(0.0, zero[0], EPS);
        assertEquals(1.959964 * 1.959964 / (10 + 1.959964 * 1.959964), zero[1], 1e-6);
        assertEquals(1.959964, Proportions.Z95, 1e-6);
    }

    @Test
    void accuracyCarriesItsWilsonInterval() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        for (int i = 0; i < 8; i++) QualityAggregator.fold(acc, pair("x", "x", 1));
        for (int i = 0; i < 2; i++) QualityAggregator.fold(acc, pair("x", "y", 1));
        VitalRecord accuracy = find(QualityVitals.compute("m", "v", "all", 0, 1, acc), Vitals.ACCURACY, null);
        assertEquals(0.8, accuracy.value, EPS);
        assertEquals(0.4902, accuracy.ciLower, 5e-5);
        assertEquals(0.9433, accuracy.ciUpper, 5e-5);
    }

    /** Errors 2, 0, -4: MAE 6/3 = 2, RMSE sqrt(20/3). */
    @Test
    void regressionErrors() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        double[][] pairs = {{3, 1}, {2, 2}, {0, 4}};
        for (double[] p : pairs) {
            JoinResult r = new JoinResult();
            r.kind = JoinResult.PAIR;
            r.predictedValue = p[0];
            r.actualValue = p[1];
            QualityAggregator.fold(acc, r);
        }
        List<VitalRecord> v = QualityVitals.compute("m", "v", "all", 0, 1, acc);
        assertEquals(2.0, find(v, Vitals.MAE, null).value, EPS);
        assertEquals(Math.sqrt(20.0 / 3), find(v, Vitals.RMSE, null).value, EPS);
        assertNull(find(v, Vitals.ACCURACY, null));
    }

    /** Delays 1..100 ms: below the sketch's k the quantiles are exact, p50 = 50 and p95 = 95 (inclusive ranks). */
    @Test
    void labelDelayQuantilesAndCoverage() {
        ClassificationAccumulator left = new ClassificationAccumulator();
        ClassificationAccumulator right = new ClassificationAccumulator();
        for (int d = 1; d <= 100; d++) QualityAggregator.fold((d % 2 == 0 ? left : right), pair("x", "x", d));
        for (int i = 0; i < 6; i++) {
            JoinResult e = new JoinResult();
            e.kind = JoinResult.EXPIRED;
            e.labeled = i < 5;
            QualityAggregator.fold(left, e);
        }
        JoinResult late = new JoinResult();
        late.kind = JoinResult.LATE_LABEL;
        QualityAggregator.fold(right, late);
        List<VitalRecord> v = QualityVitals.compute("m", "v", "all", 0, 1, left.merge(right));
        assertEquals(50.0, find(v, Vitals.LABEL_DELAY_P50_MS, null).value, EPS);
        assertEquals(95.0, find(v, Vitals.LABEL_DELAY_P95_MS, null).value, EPS);
        assertEquals(100, find(v, Vitals.LABEL_DELAY_P50_MS, null).n);
        assertEquals(5.0 / 6, find(v, Vitals.LABEL_COVERAGE, null).value, EPS);
        assertEquals(6, find(v, Vitals.LABEL_COVERAGE, null).n);
        assertEquals(1.0, find(v, Vitals.LATE_LABELS, null).value, EPS);
        assertEquals(0.0, find(v, Vitals.DUPLICATE_LABELS, null).value, EPS);
    }

    private static JoinResult scoredPair(boolean positive, double score) {
        JoinResult r = pair(positive ? "1" : "0", score >= 0.5 ? "1" : "0", 10);
        r.predictedScore = score;
        return r;
    }

    /**
     * Two calibration bins (10 bins of 0.1): (0.1, 0.2] with 8 scores of 0.2, 6 positive; (0.8, 0.9] with 4
     * scores of 0.9, 1 positive. By hand: bin 1 gap 0.75 − 0.2 = 0.55, variance term 0.75·0.25/7 = 0.0267857;
     * bin 2 gap 0.25 − 0.9 = −0.65, variance term 0.25·0.75/3 = 0.0625. Debiased squared error =
     * (8·(0.3025 − 0.0267857) + 4·(0.4225 − 0.0625)) / 12 = 0.3038095, its root 0.5511892. Plug-in ECE =
     * (8·0.55 + 4·0.65) / 12 = 0.5833333.
     */
    @Test
    void debiasedCalibrationErrorByHand() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        for (int i = 0; i < 8; i++) QualityAggregator.fold(acc, scoredPair(i < 6, 0.2));
        for (int i = 0; i < 4; i++) QualityAggregator.fold(acc, scoredPair(i < 1, 0.9));
        List<VitalRecord> v = QualityVitals.compute("m", "v1", "all", 0, 60_000, acc);
        assertEquals(0.5833333, find(v, Vitals.EXPECTED_CALIBRATION_ERROR, null).value, 1e-7);
        assertEquals(0.5511892, find(v, Vitals.CALIBRATION_ERROR_DEBIASED, null).value, 1e-7);
    }

    /**
     * A perfectly calibrated model (score uniform on [0, 1], label ~ Bernoulli(score)), 2,000 seeded windows of
     * 100: the plug-in ECE is biased upward (its mean is about 0.10, far from the true 0), while the debiased
     * squared error is unbiased for the true 0: its mean over 2,000 windows has a standard error of about
     * 0.0003 (its per-window sd is about 0.012), so |mean| < 0.0015 is five standard errors.
     */
    @Test
    void debiasedCalibrationErrorOfACalibratedModelIsAboutZero() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(17);
        double ece = 0, squared = 0;
        int windows = 2000;
        for (int w = 0; w < windows; w++) {
            ClassificationAccumulator acc = new ClassificationAccumulator();
            for (int i = 0; i < 100; i++) {
                double s = random.nextDouble();
                QualityAggregator.fold(acc, scoredPair(random.nextDouble() < s, s));
            }
            ece += acc.scores.expectedCalibrationError();
            double d = acc.scores.debiasedCalibrationError();
            squared += signedSquare(acc);
            assertTrue(d >= 0);
        }
        assertTrue(ece / windows > 0.08, "the plug-in ECE is biased: " + ece / windows);
        assertEquals(0.0, squared / windows, 0.0015);
    }

    /** The debiased sum before the root and the clamp at 0 (as defined in ScoreAccumulator), from the accumulator's bins. */
    private static double signedSquare(ClassificationAccumulator acc) {
        double sum = 0;
        for (var e : acc.scores.calibrationCount.entrySet()) {
            long nb = e.getValue();
            if (nb < 2) continue;
            double rate = (double) acc.scores.calibrationPositives.getOrDefault(e.getKey(), 0L) / nb;
            double gap = rate - acc.scores.calibrationScoreSum.get(e.getKey()) / nb;
            sum += nb * (gap * gap - rate * (1 - rate) / (nb - 1));
        }
        return sum / acc.scores.n;
    }
}
