package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.random.Well19937c;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confidence-based performance estimation on the real broker. A binary model whose scores (Beta(2, 2)) are calibrated
 * for six windows of ten minutes, then lose their meaning (concept drift: every label a coin flip) for six more. The
 * calibration is learned from the first two windows, ready once their labels are final; from then each window is
 * estimated at its end, and compared with its outcome once its labels are final. The realized accuracy is counted
 * here from the generated records; the estimate tracks it while calibrated, and the estimation error (and its rule)
 * shows the drift.
 */
class EstimationITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z
    static final long WINDOW = 600_000;
    static final int WINDOWS = 12, DRIFT_FROM = 6, PER_WINDOW = 300;

    static final String SPEC = String.join(
            "\n",
            "job:",
            "  max_out_of_orderness: 1s",
            "  idleness: 1h",
            "  checkpoint_interval: 500ms",
            "kafka:",
            "  start_from: earliest",
            "models:",
            "  - name: m",
            "    window: {size: 10m}",
            "    label_horizon: 20m",
            "    late_label_grace: 5m",
            "    segments: [country]",
            "    estimation: {bins: 10, min_samples: 100, calibration: {windows: 2, min_labels: 300}}",
            "    rules:",
            "      - name: estimate-off",
            "        vital: estimation_error_accuracy",
            "        op: '>'",
            "        threshold: 0.1",
            "        min_samples: 100",
            "        for: 2",
            "        severity: warning",
            "");

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void estimatesTrackCalibratedOutcomesAndTheErrorShowsConceptDrift() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        Well19937c rng = new Well19937c(20261202L);
        BetaDistribution scores = new BetaDistribution(rng, 2, 2);
        List<String> predictions = new ArrayList<>();
        List<long[]> labelTimes = new ArrayList<>();
        List<String> labelLines = new ArrayList<>();
        int[] correct = new int[WINDOWS];
        for (int k = 0; k < WINDOWS; k++) {
            for (int i = 0; i < PER_WINDOW; i++) {
                long ts = T0 + k * WINDOW + 2_000L * i;
                double s = scores.sample();
                boolean positive = k < DRIFT_FROM ? rng.nextDouble() < s : rng.nextDouble() < 0.5;
                String predicted = s >= 0.5 ? "1" : "0";
                if (predicted.equals(positive ? "1" : "0")) correct[k]++;
                String id = "p-" + k + "-" + i;
                predictions.add(String.format(
                        "{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"%s\","
                                + "\"score\":%s,\"segment\":{\"country\":\"%s\"}}",
                        id, ts, predicted, s, i % 2 == 0 ? "US" : "GB"));
                long labelTs = ts + 1_000 + rng.nextInt(300_000);
                labelTimes.add(new long[] {labelTs, labelLines.size()});
                labelLines.add(String.format(
                        "{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"%s\"}", id, labelTs, positive ? "1" : "0"));
            }
        }
        labelTimes.sort(Comparator.comparingLong(t -> t[0]));
        List<String> labels =
                labelTimes.stream().map(t -> labelLines.get((int) t[1])).collect(Collectors.toList());
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));

        KafkaTestSupport.runToEnd(spec, "estimation it");

        List<JsonNode> vitals = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals);
        // The calibration (windows 0 and 1) is ready at 0:20 + horizon 0:20 + one window = 0:50: window 4, ending
        // then, and those before are not estimated; windows 5 to 11 are.
        for (int k = 0; k < WINDOWS; k++) {
            long end = T0 + (k + 1) * WINDOW;
            List<JsonNode> est = find(vitals, "all", "estimated_accuracy", end);
            if (k < 5) {
                assertTrue(est.isEmpty(), "window " + k + " ends before the calibration is ready");
                continue;
            }
            assertEquals(1, est.size(), "window " + k);
            JsonNode e = est.get(0);
            assertEquals(PER_WINDOW, e.path("n").asLong());
            double realized = correct[k] / (double) PER_WINDOW;
            JsonNode r = find(vitals, "all", "realized_accuracy", end).get(0);
            assertEquals(realized, r.path("value").asDouble(), 1e-12, "realized accuracy of window " + k);
            JsonNode err = find(vitals, "all", "estimation_error_accuracy", end).get(0);
            assertEquals(
                    e.path("value").asDouble() - realized, err.path("value").asDouble(), 1e-12);
            assertEquals(
                    e.path("ci_lower").asDouble() - realized,
                    err.path("ci_lower").asDouble(),
                    1e-12);
            if (k < DRIFT_FROM) {
                assertTrue(
                        e.path("ci_lower").asDouble() <= realized
                                && realized <= e.path("ci_upper").asDouble(),
                        "calibrated window " + k + ": " + realized + " in " + e);
            } else {
                // Scores of Beta(2, 2) promise accuracy E[max(s, 1 − s)] = 0.6875; coin flips give 0.5.
                assertTrue(
                        err.path("ci_lower").asDouble() > 0, "drifted window " + k + ": the error excludes 0: " + err);
            }
            // Binary: the whole set, per segment too.
            assertEquals(1, find(vitals, "all", "estimated_roc_auc", end).size());
            assertEquals(
                    4,
                    vitals.stream()
                            .filter(v -> v.path("vital").asText().equals("estimated_confusion")
                                    && v.path("segment").asText().equals("all")
                                    && v.path("window_end").asLong() == end)
                            .count());
            assertEquals(
                    1, find(vitals, "country=US", "estimated_accuracy", end).size());
        }
        List<JsonNode> alerts = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.alerts);
        assertTrue(
                alerts.stream()
                        .anyMatch(a -> a.path("labels")
                                        .path("alertname")
                                        .asText()
                                        .equals("estimate-off")
                                && a.path("status").asText().equals("firing")
                                && a.path("labels").path("segment").asText().equals("all")),
                alerts.toString());
        assertFalse(alerts.stream()
                .anyMatch(a -> a.path("labels").path("alertname").asText().equals("estimate-off")
                        && a.path("window_end").asLong() <= T0 + DRIFT_FROM * WINDOW));
    }

    private static List<JsonNode> find(List<JsonNode> vitals, String segment, String vital, long windowEnd) {
        return vitals.stream()
                .filter(v -> v.path("segment").asText().equals(segment)
                        && v.path("vital").asText().equals(vital)
                        && v.path("window_end").asLong() == windowEnd)
                .collect(Collectors.toList());
    }
}
