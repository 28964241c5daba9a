package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Labels stop: the labels topic carries labels for the first 3 ten-minute windows and then nothing at
 * all for 5 hours of event time, while predictions go on. The prediction-side windows must keep
 * coming (the idle topic does not hold the watermark back), and label coverage must report the drop
 * — and alert — instead of stalling.
 */
class IdleLabelsITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1767225600000L;
    private static final long WINDOW = 10 * 60_000;
    private static final int WINDOWS = 33; // 5.5 hours
    private static final int LABELED_WINDOWS = 3;

    private static final String SPEC = String.join(
            "\n",
            "job: {max_out_of_orderness: 1s, idleness: 5s, checkpoint_interval: 300ms}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: m",
            "    window: {size: 10m}",
            "    label_horizon: 20m",
            "    late_label_grace: 10m",
            "    rules:",
            "      - {name: labels-stopped, vital: label_coverage, op: '<', threshold: 0.5, min_samples: 50, for: 2, severity: critical}",
            "");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void predictionWindowsKeepFiringAndCoverageReportsTheDrop() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        List<String> predictions = new ArrayList<>(), labels = new ArrayList<>();
        for (int k = 0; k < WINDOWS; k++) {
            for (int i = 0; i < 100; i++) {
                long ts = T0 + k * WINDOW + i * 6_000L;
                predictions.add(String.format(
                        "{\"prediction_id\":\"p-%d-%d\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"cat\"}",
                        k, i, ts));
                if (k < LABELED_WINDOWS)
                    labels.add(String.format(
                            "{\"prediction_id\":\"p-%d-%d\",\"ts\":%d,\"label\":\"cat\"}", k, i, ts + 30_000));
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaJob.define(env, spec, false);
        JobClient job = env.executeAsync("idle labels it");
        try {
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
            // The job runs on: its watermark must move with the predictions alone.
            long lastClosed = T0 + (WINDOWS - 1) * WINDOW;
            List<JsonNode> vitals;
            do {
                Thread.sleep(300);
                vitals = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals);
            } while (vitals.stream()
                    .noneMatch(v -> v.path("vital").asText().equals("prediction_count")
                            && v.path("window_end").asLong() == lastClosed));

            List<JsonNode> counts = vitals.stream()
                    .filter(v -> v.path("vital").asText().equals("prediction_count"))
                    .collect(Collectors.toList());
            assertEquals(WINDOWS - 1, counts.size(), "every window but the last (still open) fired, labels or not");
            assertTrue(counts.stream().allMatch(v -> v.path("value").asDouble() == 100));

            // Horizons end 20 minutes after each prediction: windows 2–4 hold the expiries of labeled predictions
            // (coverage 1), from window 5 on nothing expiring was labeled (coverage 0).
            List<JsonNode> coverage = vitals.stream()
                    .filter(v -> v.path("vital").asText().equals("label_coverage"))
                    .sorted((a, b) -> Long.compare(
                            a.path("window_end").asLong(), b.path("window_end").asLong()))
                    .collect(Collectors.toList());
            assertTrue(coverage.size() >= WINDOWS - 4, "coverage keeps being reported: " + coverage.size());
            for (JsonNode c : coverage) {
                long k = (c.path("window_start").asLong() - T0) / WINDOW;
                assertEquals(
                        k < 2 + LABELED_WINDOWS ? 1.0 : 0.0, c.path("value").asDouble(), "coverage in window " + k);
            }
            List<JsonNode> alerts = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.alerts);
            assertEquals(1, alerts.size(), alerts.toString());
            assertEquals("firing", alerts.get(0).path("status").asText());
            assertEquals(
                    T0 + (2 + LABELED_WINDOWS + 2) * WINDOW,
                    alerts.get(0).path("window_end").asLong(),
                    "second window without coverage");
        } finally {
            job.cancel().get();
        }
    }
}
