package io.modelvitals.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.ClassificationAccumulator;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Score-based quality and regression vitals against scikit-learn: fixtures/quality-metrics.json was
 * generated once by fixtures/make_quality_fixtures.py (committed next to it). Each data set goes through
 * the accumulator in two halves merged afterwards, as partials from two subtasks would.
 */
class QualityMetricsFixtureTest {
    private static JsonNode fixture;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = QualityMetricsFixtureTest.class.getResourceAsStream("/fixtures/quality-metrics.json")) {
            fixture = new ObjectMapper().readTree(in);
        }
    }

    private static JoinResult pair() {
        JoinResult r = new JoinResult();
        r.kind = JoinResult.PAIR;
        r.predictionTs = 0;
        r.labelTs = 1_000;
        return r;
    }

    /** The accumulator of the data, built as two halves and merged. */
    private static ClassificationAccumulator accumulate(List<JoinResult> results, int topK) {
        ClassificationAccumulator a = new ClassificationAccumulator(), b = new ClassificationAccumulator();
        for (int i = 0; i < results.size(); i++)
            QualityAggregator.fold(i % 2 == 0 ? a : b, results.get(i), "1", topK, 10);
        return a.merge(b);
    }

    private static Map<String, VitalRecord> vitals(ClassificationAccumulator acc) {
        return QualityVitals.compute("m", "v1", "all", 0, 60_000, acc).stream()
                .filter(v -> v.cls == null)
                .collect(Collectors.toMap(v -> v.vital, v -> v));
    }

    @Test
    void binaryScoresMatchScikitLearn() {
        JsonNode data = fixture.get("binary");
        List<JoinResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < data.get("actual").size(); i++) {
            JoinResult r = pair();
            r.actualLabel = data.get("actual").get(i).asText();
            r.predictedScore = data.get("score").get(i).asDouble();
            r.predictedLabel = r.predictedScore >= 0.5 ? "1" : "0";
            results.add(r);
        }
        Map<String, VitalRecord> v = vitals(accumulate(results, 3));
        assertEquals(data.get("roc_auc").asDouble(), v.get("roc_auc").value, 1e-12);
        assertEquals(data.get("average_precision").asDouble(), v.get("pr_auc").value, 1e-12);
        assertEquals(data.get("log_loss").asDouble(), v.get("log_loss").value, 1e-12);
        assertEquals(data.get("brier_score").asDouble(), v.get("brier_score").value, 1e-12);
        assertEquals(
                data.get("expected_calibration_error").asDouble(), v.get("expected_calibration_error").value, 1e-12);
        assertEquals(500, v.get("roc_auc").n);
        // Scores with three decimals: each score bin holds one distinct score, yet equal scores share a bin,
        // so the bound is the share of tied positive–negative pairs, halved — the same ties sklearn counts ½.
        assertNotNull(v.get("roc_auc_max_error"));
    }

    @Test
    void multiClassScoresMatchScikitLearn() {
        JsonNode data = fixture.get("multiclass");
        List<JoinResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < data.get("actual").size(); i++) {
            JoinResult r = pair();
            r.actualLabel = data.get("actual").get(i).asText();
            Map<String, Double> scores = new HashMap<>();
            String best = null;
            for (int c = 0; c < 4; c++) {
                double p = data.get("scores").get(i).get(c).asDouble();
                scores.put(data.get("classes").get(c).asText(), p);
                if (best == null || p > scores.get(best))
                    best = data.get("classes").get(c).asText();
            }
            r.predictedScores = scores;
            r.predictedLabel = best;
            results.add(r);
        }
        Map<String, VitalRecord> top3 = vitals(accumulate(results, 3));
        assertEquals(data.get("log_loss").asDouble(), top3.get("log_loss").value, 1e-12);
        assertEquals(data.get("top_3_accuracy").asDouble(), top3.get("top_k_accuracy").value, 1e-12);
        assertEquals(
                data.get("top_1_accuracy").asDouble(),
                vitals(accumulate(results, 1)).get("top_k_accuracy").value,
                1e-12);
        // Top-1 is the accuracy of the argmax prediction.
        assertEquals(top3.get("accuracy").value, vitals(accumulate(results, 1)).get("top_k_accuracy").value, 1e-12);
        assertFalse(top3.containsKey("roc_auc"), "a multi-class model has no binary AUC");
    }

    @Test
    void regressionMatchesScikitLearn() {
        JsonNode data = fixture.get("regression");
        List<JoinResult> results = new java.util.ArrayList<>();
        for (int i = 0; i < data.get("actual").size(); i++) {
            JoinResult r = pair();
            r.actualValue = data.get("actual").get(i).asDouble();
            r.predictedValue = data.get("predicted").get(i).asDouble();
            results.add(r);
        }
        Map<String, VitalRecord> v = vitals(accumulate(results, 3));
        assertEquals(data.get("mae").asDouble(), v.get("mae").value, 1e-9);
        assertEquals(data.get("rmse").asDouble(), v.get("rmse").value, 1e-9);
        assertEquals(data.get("mape").asDouble(), v.get("mape").value, 1e-12);
        assertEquals(data.get("r2").asDouble(), v.get("r2").value, 1e-9);
        assertEquals(data.get("mean_error").asDouble(), v.get("mean_error").value, 1e-9);
        assertEquals(0.0, v.get("zero_actuals").value);
    }
}
