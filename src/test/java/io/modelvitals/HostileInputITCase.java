package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.testing.Outputs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 11,400 hostile records mixed into 2,000 valid predictions (with their labels and impressions) on
 * a real broker, with restarts switched off: the job must not fail, every hostile record must reach
 * the dead-letter topic once with its reason and origin, and every valid record must be counted.
 */
class HostileInputITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;
    private static final int WINDOWS = 10;
    private static final int PER_WINDOW = 200;

    private static final String SPEC = String.join(
            "\n",
            // No partition is ever idle: the last records of each are valid closing ones, so nothing can be late by
            // timing.
            "job: {max_out_of_orderness: 1s, idleness: 1h, checkpoint_interval: 300ms, monitor_undeclared_models: false,",
            "      max_record_bytes: 16384}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: m",
            "    window: {size: 1m}",
            "    label_horizon: 5m",
            "    late_label_grace: 1m",
            "    segments: [country]",
            "    attribution_window: 2m",
            "    kpis:",
            "      - {name: impressions_per_prediction, numerator: {events: [impression]}, denominator: {events: [prediction]}}",
            "");

    private final Random random = new Random(11);
    /** Hostile records by the reason their dead letter must start with, and how many. */
    private final Map<String, Integer> expected = new LinkedHashMap<>();

    private void hostile(List<String> out, String reason, int count, IntFunction<String> record) {
        for (int i = 0; i < count; i++) out.add(record.apply(i));
        expected.merge(reason, count, Integer::sum);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyHostileRecordIsDeadLetteredOnceAndEveryValidOneCounted() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        // Valid traffic in event-time order; hostile records are mixed in at random places, except duplicates,
        // which follow their original closely (as a producer's retry would).
        List<String> valid = new ArrayList<>(), labels = new ArrayList<>(), events = new ArrayList<>();
        for (int k = 0; k < WINDOWS; k++) {
            for (int i = 0; i < PER_WINDOW; i++) {
                long ts = T0 + k * MINUTE + i * 250L;
                String id = "p-" + k + "-" + i;
                valid.add(String.format(
                        "{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"%s\","
                                + "\"score\":0.7,\"latency_ms\":12.5,\"segment\":{\"country\":\"US\"}}",
                        id, ts, i % 5 == 0 ? "dog" : "cat"));
                labels.add(String.format("{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"cat\"}", id, ts + 1_000));
                events.add(String.format(
                        "{\"event_id\":\"imp-%s\",\"prediction_id\":\"%s\",\"type\":\"impression\",\"ts\":%d}",
                        id, id, ts + 100));
            }
        }
        String good = valid.get(0);
        long ts = T0 + 3 * MINUTE;
        List<String> badPredictions = new ArrayList<>(), badLabels = new ArrayList<>(), badEvents = new ArrayList<>();
        hostile(badPredictions, "not valid JSON", 1_000, i -> "{not json " + i);
        hostile(
                badPredictions,
                "not valid JSON",
                1_000,
                i -> good.substring(0, 10 + i % (good.length() - 12))); // truncated
        hostile(
                badPredictions,
                "record of",
                100,
                i -> "{\"prediction_id\":\"big-" + i + "\",\"padding\":\"" + "x".repeat(20_000) + "\"}");
        hostile(
                badPredictions,
                "'ts' is not an ISO-8601 instant",
                500,
                i -> good.replace("\"ts\":" + T0, "\"ts\":\"yesterday\""));
        hostile(badPredictions, "'model' must be a string", 500, i -> good.replace("\"model\":\"m\"", "\"model\":5"));
        hostile(badPredictions, "not valid JSON", 500, i -> good.replace("\"score\":0.7", "\"score\":NaN"));
        hostile(
                badPredictions,
                "'score' must be a finite number",
                500,
                i -> good.replace("\"score\":0.7", "\"score\":1e999"));
        hostile(
                badPredictions,
                "'latency_ms' must be ≥ 0",
                500,
                i -> good.replace("\"latency_ms\":12.5", "\"latency_ms\":-" + (i + 1)));
        hostile(
                badPredictions,
                "'score' must be in [0, 1]",
                500,
                i -> good.replace("\"score\":0.7", "\"score\":1." + (i + 1)));
        hostile(
                badPredictions,
                "'model' must not be empty",
                500,
                i -> good.replace("\"model\":\"m\"", "\"model\":\"\""));
        hostile(
                badPredictions,
                "'model' is longer than 1000 characters",
                300,
                i -> good.replace("\"model\":\"m\"", "\"model\":\"" + "m".repeat(2_000) + "\""));
        hostile(
                badPredictions,
                "model 'intruder' is not declared",
                500,
                i -> good.replace("\"model\":\"m\"", "\"model\":\"intruder\"").replace("p-0-0", "u-" + i));
        hostile(
                badPredictions,
                "'ts' is more than",
                500,
                i -> good.replace("\"ts\":" + T0, "\"ts\":4102444800000").replace("p-0-0", "f-" + i));
        hostile(badLabels, "not valid JSON", 500, i -> "[\"label\", " + i);
        hostile(
                badLabels,
                "exactly one of 'label' or 'value' is required",
                250,
                i -> "{\"prediction_id\":\"p-1-1\",\"ts\":" + ts + "}");
        hostile(
                badLabels,
                "orphan label",
                250,
                i -> "{\"prediction_id\":\"ghost-" + i + "\",\"ts\":" + (ts + i) + ",\"label\":\"cat\"}");
        hostile(badEvents, "not valid JSON", 500, i -> "{\"event_id\": }" + i);
        hostile(
                badEvents,
                "a business event needs 'prediction_id', or 'model' and 'version'",
                500,
                i -> "{\"event_id\":\"e-" + i + "\",\"type\":\"click\",\"ts\":" + ts + "}");
        hostile(
                badEvents,
                "'type' prediction is reserved",
                500,
                i -> "{\"event_id\":\"r-" + i + "\",\"prediction_id\":\"p-2-" + i % 200
                        + "\",\"type\":\"prediction\",\"ts\":" + ts + "}");
        hostile(
                badEvents,
                "unattributed business event",
                500,
                i -> "{\"event_id\":\"g-" + i + "\",\"prediction_id\":\"ghost-" + i
                        + "\",\"type\":\"impression\",\"ts\":" + (ts + i) + "}");
        List<String> predictions = mix(withDuplicates(valid, "duplicate prediction_id"), badPredictions);
        labels = mix(labels, badLabels);
        events = mix(withDuplicates(events, "duplicate business event_id"), badEvents);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestarts);
        env.setParallelism(2);
        KafkaJob.define(env, spec, false);
        JobClient job = env.executeAsync("hostile input it");
        try {
            // Labels and events first: they wait in the join for their predictions, whereas produced after the
            // predictions they could find the watermark past them (their topics looking idle meanwhile).
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.businessEvents, KafkaTestSupport.utf8(events));
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
            // Once the traffic's windows are out, the watermark is far past 2001: a prediction from then is late.
            await(
                    spec.kafka.topics.vitals,
                    v -> v.path("vital").asText().equals("prediction_count")
                            && v.path("window_end").asLong() == T0 + (WINDOWS - 1) * MINUTE);
            List<String> late = new ArrayList<>();
            hostile(
                    late,
                    "late prediction",
                    500,
                    i -> good.replace("\"ts\":" + T0, "\"ts\":" + (978307200000L + i))
                            .replace("p-0-0", "old-" + i));
            // And in every partition of every topic, a valid record much later closes every window and horizon above.
            List<String> closingLabels = new ArrayList<>(), closingEvents = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                long at = T0 + 30 * MINUTE;
                late.add(good.replace("\"ts\":" + T0, "\"ts\":" + at).replace("p-0-0", "closing-" + c));
                closingLabels.add("{\"prediction_id\":\"closing-" + c + "\",\"ts\":" + at + ",\"label\":\"cat\"}");
                closingEvents.add("{\"event_id\":\"closing-" + c + "\",\"prediction_id\":\"closing-" + c
                        + "\",\"type\":\"impression\",\"ts\":" + at + "}");
            }
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(closingLabels));
            KafkaTestSupport.produce(
                    KAFKA.kafka(), spec.kafka.topics.businessEvents, KafkaTestSupport.utf8(closingEvents));
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(late));

            int total = expected.values().stream().mapToInt(Integer::intValue).sum();
            assertTrue(total >= 10_000, "a corpus of " + total);
            List<JsonNode> deadLetters = awaitCount(spec.kafka.topics.deadLetters, total);
            Thread.sleep(2_000); // a few more checkpoints: nothing else may come
            deadLetters = Outputs.parse(KafkaTestSupport.values(
                    KafkaTestSupport.readCommitted(KAFKA.kafka(), spec.kafka.topics.deadLetters)));
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "no input made the job fail (restarts are off)");

            for (Map.Entry<String, Integer> e : expected.entrySet()) {
                long n = deadLetters.stream()
                        .filter(d -> d.path("reason").asText().startsWith(e.getKey())
                                || d.path("reason").asText().contains(e.getKey()))
                        .count();
                assertEquals((long) e.getValue(), n, "dead letters for '" + e.getKey() + "'");
            }
            assertEquals(total, deadLetters.size(), "and nothing else");
            assertTrue(
                    deadLetters.stream()
                            .allMatch(d -> d.path("origin").has("topic")
                                    && d.path("origin").has("offset")),
                    "every dead letter names its origin");
            assertTrue(
                    deadLetters.stream()
                            .filter(d -> d.path("reason").asText().startsWith("record of"))
                            .allMatch(d -> d.path("payload").asText().length() < 2_000),
                    "oversized payloads are cut");

            List<JsonNode> vitals = Outputs.parse(
                    KafkaTestSupport.values(KafkaTestSupport.readCommitted(KAFKA.kafka(), spec.kafka.topics.vitals)));
            assertEquals(
                    WINDOWS * PER_WINDOW,
                    sum(vitals, "prediction_count", "all"),
                    "every valid prediction counted once");
            assertEquals(WINDOWS * PER_WINDOW, sum(vitals, "labeled_count", "all"), "every valid label joined once");
            assertEquals(
                    WINDOWS * PER_WINDOW * 4 / 5,
                    Math.round(vitals.stream()
                            .filter(v -> v.path("vital").asText().equals("accuracy")
                                    && v.path("segment").asText().equals("all"))
                            .mapToDouble(v ->
                                    v.path("value").asDouble() * v.path("n").asLong())
                            .sum()));
            assertEquals(
                    WINDOWS * PER_WINDOW,
                    vitals.stream()
                            .filter(v -> v.path("vital").asText().equals("kpi")
                                    && v.path("segment").asText().equals("all"))
                            .mapToDouble(v -> v.path("numerator").asDouble())
                            .sum(),
                    1e-9,
                    "every valid impression attributed once");
        } finally {
            job.cancel().get();
        }
    }

    /** Every fourth record twice in a row. */
    private List<String> withDuplicates(List<String> records, String reason) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            out.add(records.get(i));
            if (i % 4 == 0) out.add(records.get(i));
        }
        expected.merge(reason, (records.size() + 3) / 4, Integer::sum);
        return out;
    }

    /** The hostile records at random places among the valid ones, which keep their order. */
    private List<String> mix(List<String> valid, List<String> bad) {
        Collections.shuffle(bad, random);
        List<String> out = new ArrayList<>();
        int v = 0, b = 0;
        while (v < valid.size() || b < bad.size()) {
            boolean takeBad = v == valid.size()
                    || (b < bad.size() && random.nextInt(valid.size() - v + bad.size() - b) < bad.size() - b);
            out.add(takeBad ? bad.get(b++) : valid.get(v++));
        }
        return out;
    }

    private static long sum(List<JsonNode> vitals, String vital, String segment) {
        return vitals.stream()
                .filter(v -> v.path("vital").asText().equals(vital)
                        && v.path("segment").asText().equals(segment)
                        && v.path("window_end").asLong() <= T0 + (WINDOWS + 1) * MINUTE)
                .mapToLong(v -> Math.round(v.path("value").asDouble()))
                .sum();
    }

    private static void await(String topic, Predicate<JsonNode> condition) throws InterruptedException {
        while (Outputs.parse(KafkaTestSupport.values(KafkaTestSupport.readCommitted(KAFKA.kafka(), topic))).stream()
                .noneMatch(condition)) {
            Thread.sleep(200);
        }
    }

    private static List<JsonNode> awaitCount(String topic, int count) throws InterruptedException {
        while (true) {
            List<JsonNode> records =
                    Outputs.parse(KafkaTestSupport.values(KafkaTestSupport.readCommitted(KAFKA.kafka(), topic)));
            if (records.size() >= count) return records;
            Thread.sleep(300);
        }
    }
}
