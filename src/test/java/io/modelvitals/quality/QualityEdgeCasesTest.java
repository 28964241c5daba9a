package io.modelvitals.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.events.JoinResult;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.ScoreAccumulator;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The edge cases of the score and regression vitals, worked out by hand. */
class QualityEdgeCasesTest {
    private static JoinResult scored(String actual, double score) {
        JoinResult r = new JoinResult();
        r.kind = JoinResult.PAIR;
        r.actualLabel = actual;
        r.predictedLabel = score >= 0.5 ? "1" : "0";
        r.predictedScore = score;
        return r;
    }

    private static JoinResult regression(double actual, double predicted) {
        JoinResult r = new JoinResult();
        r.kind = JoinResult.PAIR;
        r.actualValue = actual;
        r.predictedValue = predicted;
        return r;
    }

    private static Map<String, VitalRecord> vitals(ClassificationAccumulator acc) {
        return QualityVitals.compute("m", "v1", "all", 0, 60_000, acc).stream()
                .filter(v -> v.cls == null)
                .collect(Collectors.toMap(v -> v.vital, v -> v));
    }

    @Test
    void oneClassOnlyHasNoAuc() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        for (double s : new double[] {0.2, 0.7, 0.9}) QualityAggregator.fold(acc, scored("0", s));
        Map<String, VitalRecord> v = vitals(acc);
        assertFalse(v.containsKey("roc_auc"), "AUC needs both classes");
        assertFalse(v.containsKey("pr_auc"), "average precision needs a positive");
        // Log loss by hand: −(ln 0.8 + ln 0.3 + ln 0.1) / 3; Brier: (0.04 + 0.49 + 0.81) / 3.
        assertEquals(-(Math.log(0.8) + Math.log(0.3) + Math.log(0.1)) / 3, v.get("log_loss").value, 1e-12);
        assertEquals((0.04 + 0.49 + 0.81) / 3, v.get("brier_score").value, 1e-12);
    }

    @Test
    void allEqualScoresAreAToss() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        for (int i = 0; i < 3; i++) QualityAggregator.fold(acc, scored("1", 0.4));
        for (int i = 0; i < 5; i++) QualityAggregator.fold(acc, scored("0", 0.4));
        Map<String, VitalRecord> v = vitals(acc);
        assertEquals(0.5, v.get("roc_auc").value, 1e-12);
        // Every pair is tied: the binned AUC could be off by up to one half.
        assertEquals(0.5, v.get("roc_auc_max_error").value, 1e-12);
        // One threshold: precision 3/8 at recall 1.
        assertEquals(3 / 8.0, v.get("pr_auc").value, 1e-12);
        // One calibration bin (0.3, 0.4]: observed 3/8, predicted 0.4.
        assertEquals(Math.abs(3 / 8.0 - 0.4), v.get("expected_calibration_error").value, 1e-12);
    }

    @Test
    void separatedScoresHaveAnExactAuc() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        QualityAggregator.fold(acc, scored("1", 0.91));
        QualityAggregator.fold(acc, scored("0", 0.12));
        QualityAggregator.fold(acc, scored("1", 0.55));
        QualityAggregator.fold(acc, scored("0", 0.3));
        Map<String, VitalRecord> v = vitals(acc);
        assertEquals(1.0, v.get("roc_auc").value, 1e-12);
        assertEquals(0.0, v.get("roc_auc_max_error").value, 1e-12);
        assertEquals(1.0, v.get("pr_auc").value, 1e-12);
    }

    @Test
    void aScoreOfOneHasABinOfItsOwn() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        QualityAggregator.fold(acc, scored("1", 0.999));
        QualityAggregator.fold(acc, scored("0", 1.0));
        Map<String, VitalRecord> v = vitals(acc);
        assertEquals(0.0, v.get("roc_auc").value, 1e-12, "the negative scores higher");
        assertEquals(0.0, v.get("roc_auc_max_error").value, 1e-12);
    }

    @Test
    void certainMissesAreClippedNotInfinite() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        QualityAggregator.fold(acc, scored("1", 0.0));
        double logLoss = vitals(acc).get("log_loss").value;
        assertEquals(-Math.log(ScoreAccumulator.EPS), logLoss, 1e-9);
        assertTrue(Double.isFinite(logLoss));
    }

    @Test
    void zeroActualsAreSkippedByMapeAndCounted() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        QualityAggregator.fold(acc, regression(0, 2));
        QualityAggregator.fold(acc, regression(10, 12));
        QualityAggregator.fold(acc, regression(-4, -5));
        Map<String, VitalRecord> v = vitals(acc);
        assertEquals((0.2 + 0.25) / 2, v.get("mape").value, 1e-12);
        assertEquals(2, v.get("mape").n);
        assertEquals(1.0, v.get("zero_actuals").value);
        assertEquals((2 + 2 - 1) / 3.0, v.get("mean_error").value, 1e-12);
        // R²: mean actual 2, SS_tot = 4 + 64 + 36 = 104, SS_res = 4 + 4 + 1 = 9.
        assertEquals(1 - 9 / 104.0, v.get("r2").value, 1e-12);
    }

    @Test
    void constantActualsHaveNoR2() {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        QualityAggregator.fold(acc, regression(5, 4));
        QualityAggregator.fold(acc, regression(5, 6));
        assertFalse(vitals(acc).containsKey("r2"));
    }
}
