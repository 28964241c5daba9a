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
 * A rule changed through the control topic while the job runs. Every window has accuracy 0.4 (2 of 5).
 * The spec's rule (accuracy &lt; 0.3) never fires on windows 0–2; then a rule set raising the threshold
 * to 0.6 arrives, followed by an invalid one; window 3, closed after that, fires under the new rule,
 * and the invalid set is dead-lettered without replacing it.
 */
class RuntimeRulesITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;
    private static final String SPEC = String.join(
            "\n",
            "job: {max_out_of_orderness: 1s, idleness: 5s, checkpoint_interval: 300ms}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: m",
            "    window: {size: 1m}",
            "    rules:",
            "      - {name: accuracy-low, vital: accuracy, op: '<', threshold: 0.3, min_samples: 4, severity: critical}",
            "");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static void windows(MonitorSpec spec, int from, int to) {
        List<String> predictions = new ArrayList<>(), labels = new ArrayList<>();
        for (int k = from; k <= to; k++) {
            for (int i = 0; i < 5; i++) {
                long ts = T0 + k * MINUTE + 5_000 + 8_000L * i;
                predictions.add(String.format(
                        "{\"prediction_id\":\"p-%d-%d\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"cat\"}",
                        k, i, ts));
                labels.add(String.format(
                        "{\"prediction_id\":\"p-%d-%d\",\"ts\":%d,\"label\":\"%s\"}",
                        k, i, ts + 10_000, i < 2 ? "cat" : "dog"));
            }
        }
        // Labels first: a label waits in the join for its prediction, while a label produced after a partition
        // of predictions could find the watermark already past it (the labels topic looks idle meanwhile).
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
    }

    /** Polls a topic (read_committed) until some record satisfies the condition. */
    private static List<JsonNode> await(String topic, Predicate<JsonNode> condition) throws InterruptedException {
        while (true) {
            List<JsonNode> records = KafkaTestSupport.committedJson(KAFKA.kafka(), topic);
            if (records.stream().anyMatch(condition)) return records;
            Thread.sleep(200);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRuleSetFromTheControlTopicTakesEffectAndAnInvalidOneIsRejected() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaJob.define(env, spec, false);
        JobClient job = env.executeAsync("runtime rules it");
        try {
            windows(spec, 0, 3);
            long window2End = T0 + 3 * MINUTE;
            await(
                    spec.kafka.topics.vitals,
                    v -> v.path("vital").asText().equals("accuracy")
                            && v.path("window_end").asLong() == window2End);

            KafkaTestSupport.produce(
                    KAFKA.kafka(),
                    spec.kafka.topics.rules,
                    KafkaTestSupport.utf8(
                            List.of(
                                    "{\"model\":\"m\",\"rules\":[{\"name\":\"accuracy-low\",\"vital\":\"accuracy\",\"op\":\"<\",\"threshold\":0.6,"
                                            + "\"min_samples\":4,\"severity\":\"critical\"}]}",
                                    "{\"model\":\"m\",\"rules\":[{\"name\":\"broken\",\"vital\":\"accuracy\",\"op\":\"==\",\"threshold\":1}]}")),
                    1);
            List<JsonNode> deadLetters = await(
                    spec.kafka.topics.deadLetters,
                    d -> d.path("reason").asText().startsWith("rule set rejected"));
            JsonNode rejected = deadLetters.stream()
                    .filter(d -> d.path("reason").asText().startsWith("rule set rejected"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(rejected.path("reason").asText().contains(".op: must be one of"), rejected.toString());
            assertEquals(
                    spec.kafka.topics.rules,
                    rejected.path("origin").path("topic").asText());
            assertEquals(
                    1,
                    deadLetters.stream()
                            .filter(d -> d.path("reason").asText().startsWith("rule set rejected"))
                            .count(),
                    "reported once, not once per subtask");

            windows(spec, 4, 5);
            List<JsonNode> alerts = await(
                    spec.kafka.topics.alerts, a -> a.path("status").asText().equals("firing"));
            List<JsonNode> firing = alerts.stream()
                    .filter(a -> a.path("status").asText().equals("firing"))
                    .collect(Collectors.toList());
            assertEquals(1, firing.size(), alerts.toString());
            assertEquals(
                    T0 + 4 * MINUTE,
                    firing.get(0).path("window_end").asLong(),
                    "window 3 is the first evaluated under the new rule");
            assertEquals(
                    "0.6", firing.get(0).path("annotations").path("threshold").asText());
        } finally {
            job.cancel().get();
        }
    }
}
