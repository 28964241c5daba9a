package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key floods on a real broker: a million predictions over 50 minutes of event time, each with a segment
 * value never seen before and none ever labeled, and 100,000 business events pointing at predictions
 * that do not exist. State must stay bounded by the spec's caps and horizons — measured as the size of
 * a savepoint once everything is consumed — the excess segment values fold into "country=__other__",
 * and an alert says the cap was hit.
 */
class KeyFloodITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1767225600000L;
    private static final int PREDICTIONS = 1_000_000;
    private static final int GHOST_EVENTS = 100_000;
    private static final long SPACING_MS = 3; // 50 minutes of event time
    private static final int CAP = 50;

    private static final String SPEC = String.join(
            "\n",
            "job: {max_out_of_orderness: 1s, idleness: 10s, checkpoint_interval: 1s}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: m",
            "    window: {size: 5m}",
            "    label_horizon: 1m",
            "    late_label_grace: 1m",
            "    segments: [country]",
            "    segment_value_cap: " + CAP,
            "    attribution_window: 1m",
            "    kpis:",
            "      - {name: impressions_per_prediction, numerator: {events: [impression]}, denominator: {events: [prediction]}}",
            "    rules:",
            "      - {name: segment-cap-hit, vital: segment_overflow, class: country, op: '>', threshold: 0, min_samples: 1, severity: warning}",
            "");

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void stateStaysBoundedAndTheCapIsReported(@TempDir Path savepoints) throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        List<byte[]> predictions = new ArrayList<>(PREDICTIONS);
        for (int i = 0; i < PREDICTIONS; i++) {
            predictions.add(String.format(
                            "{\"prediction_id\":\"p%d\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"a\","
                                    + "\"segment\":{\"country\":\"c%d\"}}",
                            i, T0 + i * SPACING_MS, i)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        List<byte[]> events = new ArrayList<>(GHOST_EVENTS);
        for (int i = 0; i < GHOST_EVENTS; i++) {
            events.add(String.format(
                            "{\"event_id\":\"e%d\",\"prediction_id\":\"ghost%d\",\"type\":\"impression\",\"ts\":%d}",
                            i, i, T0 + i * SPACING_MS * 10)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, predictions);
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.businessEvents, events);
        predictions = null;

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaJob.define(env, spec, false);
        JobClient job = env.executeAsync("key flood it");
        try {
            KAFKA.kafka()
                    .awaitCommitted(
                            spec.kafka.groupId,
                            List.of(spec.kafka.topics.predictions, spec.kafka.topics.businessEvents));
            String savepoint = job.triggerSavepoint(savepoints.toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
            long bytes;
            try (Stream<Path> files = Files.walk(Path.of(java.net.URI.create(savepoint)))) {
                bytes = files.filter(Files::isRegularFile)
                        .mapToLong(p -> p.toFile().length())
                        .sum();
            }
            // Bounded: only predictions whose horizon + grace (2 min) is still open at the watermark are kept —
            // 40,000 of the million at this rate — and the admitted segment values (≤ cap per subtask).
            // Keeping every prediction would take over 150 MB.
            System.out.printf(
                    "key flood: savepoint of %,d bytes after %,d predictions and %,d unattributable events%n",
                    bytes, PREDICTIONS, GHOST_EVENTS);
            assertTrue(bytes < 20_000_000, "state stays bounded: " + bytes + " bytes");

            List<JsonNode> vitals = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals);
            Set<String> countries = vitals.stream()
                    .map(v -> v.path("segment").asText())
                    .filter(s -> s.startsWith("country="))
                    .collect(Collectors.toSet());
            assertTrue(countries.contains("country=__other__"));
            // Each of the three slicers (quality, outputs, KPIs) admits up to the cap on each of its 2 subtasks.
            assertTrue(
                    countries.size() <= 3 * 2 * CAP + 1,
                    "at most the cap per slicer subtask, plus __other__: " + countries.size());
            long folded = vitals.stream()
                    .filter(v -> v.path("vital").asText().equals("segment_overflow"))
                    .mapToLong(v -> Math.round(v.path("value").asDouble()))
                    .sum();
            long counted = vitals.stream()
                    .filter(v -> v.path("vital").asText().equals("prediction_count")
                            && v.path("segment").asText().equals("all"))
                    .mapToLong(v -> Math.round(v.path("value").asDouble()))
                    .sum();
            assertTrue(folded >= counted - 2L * CAP, "nearly every prediction folded: " + folded + " of " + counted);

            List<JsonNode> alerts = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.alerts);
            assertTrue(
                    alerts.stream()
                            .anyMatch(a -> a.path("labels")
                                            .path("alertname")
                                            .asText()
                                            .equals("segment-cap-hit")
                                    && a.path("status").asText().equals("firing")
                                    && a.path("labels").path("class").asText().equals("country")),
                    alerts.toString());
            List<JsonNode> deadLetters = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.deadLetters);
            assertTrue(deadLetters.stream()
                    .allMatch(d -> d.path("reason").asText().startsWith("unattributed business event")));
            assertTrue(
                    deadLetters.size() > GHOST_EVENTS * 9 / 10,
                    "the events without prediction are reported, not kept: " + deadLetters.size());
            assertEquals(
                    deadLetters.size(),
                    deadLetters.stream()
                            .map(d -> d.path("origin").path("offset").asText()
                                    + d.path("origin").path("partition").asText())
                            .distinct()
                            .count());
        } finally {
            job.cancel().get();
        }
    }
}
