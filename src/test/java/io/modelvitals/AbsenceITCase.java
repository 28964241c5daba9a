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
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The silent failure on a real broker: a model sends a burst of predictions and labels, then every
 * topic goes completely idle. No watermark moves, yet the silence alerts must fire within a few
 * seconds of wall clock (absence after 3 s), for the model as a whole; and resolve when traffic comes back.
 */
class AbsenceITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final String SPEC = String.join(
            "\n",
            "job: {max_out_of_orderness: 1s, idleness: 1s, checkpoint_interval: 300ms}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: m",
            "    window: {size: 1m}",
            "    absence: {predictions: 3s, labels: 3s}",
            "    rules:",
            "      - {name: no-predictions, vital: prediction_silence_s, version: all, op: '>=', threshold: 3, severity: page}",
            "      - {name: no-labels, vital: label_silence_s, version: all, op: '>=', threshold: 3, severity: warning}",
            "");

    private static void burst(MonitorSpec spec, String prefix) {
        long now = System.currentTimeMillis();
        List<String> predictions = new ArrayList<>(), labels = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            predictions.add(String.format(
                    "{\"prediction_id\":\"%s-%d\",\"model\":\"m\",\"version\":\"v%d\",\"ts\":%d,\"label\":\"cat\"}",
                    prefix, i, 1 + i % 2, now - 2_000 + i));
            labels.add(String.format(
                    "{\"prediction_id\":\"%s-%d\",\"ts\":%d,\"label\":\"cat\"}", prefix, i, now - 1_000 + i));
        }
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));
    }

    private static List<JsonNode> await(String topic, Predicate<List<JsonNode>> condition) throws InterruptedException {
        while (true) {
            List<JsonNode> records = KafkaTestSupport.committedJson(KAFKA.kafka(), topic);
            if (condition.test(records)) return records;
            Thread.sleep(200);
        }
    }

    private static long count(List<JsonNode> alerts, String name, String status) {
        return alerts.stream()
                .filter(a -> a.path("labels").path("alertname").asText().equals(name)
                        && a.path("status").asText().equals(status))
                .count();
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void silenceOnFullyIdleTopicsAlertsAndTrafficResolvesIt() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaJob.define(env, spec, false);
        JobClient job = env.executeAsync("absence it");
        try {
            burst(spec, "a");
            long idleSince = System.currentTimeMillis();
            List<JsonNode> alerts = await(
                    spec.kafka.topics.alerts,
                    a -> count(a, "no-predictions", "firing") == 1 && count(a, "no-labels", "firing") == 1);
            long firedAfter = System.currentTimeMillis() - idleSince;
            assertTrue(firedAfter < 30_000, "fired " + firedAfter + " ms into the silence");
            JsonNode fired = alerts.stream()
                    .filter(a -> a.path("labels").path("alertname").asText().equals("no-predictions"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("m", fired.path("labels").path("model").asText());
            assertEquals("all", fired.path("labels").path("version").asText());
            assertEquals("page", fired.path("labels").path("severity").asText());
            List<JsonNode> silences = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals).stream()
                    .filter(v -> v.path("vital").asText().equals("prediction_silence_s"))
                    .collect(Collectors.toList());
            assertTrue(
                    silences.stream().anyMatch(v -> v.path("version").asText().equals("v1")),
                    "each version is watched too");
            assertTrue(silences.stream().allMatch(v -> v.path("value").asDouble() >= 3), silences.toString());

            burst(spec, "b");
            alerts = await(spec.kafka.topics.alerts, a -> count(a, "no-predictions", "resolved") == 1);
            assertEquals(1, count(alerts, "no-predictions", "firing"), "fired once while silent: " + alerts);
        } finally {
            job.cancel().get();
        }
    }
}
