package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.Ledger;
import io.modelvitals.events.Origin;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.testing.Outputs;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over 10,000 hostile records of about twenty kinds mixed into 2,000 valid predictions (with their labels and
 * impressions) on a real broker, with restarts switched off. The test writes every record to a partition it chooses,
 * so it knows each record's origin (topic, partition, offset) and what must become of it. It asserts that the job does
 * not fail, that the dead letters are exactly the unusable records it planted (the multiset of origins: each once,
 * none missing, none extra) each with its true reason, that the input ledger (Flink metrics) holds exactly per topic and
 * partition with the counts the test planned, and that every valid record is counted once in the vitals.
 */
class HostileInputITCase {
    static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;
    private static final int WINDOWS = 10;
    private static final int PER_WINDOW = 200;
    /** A record this far ahead of its neighbours: a model server whose clock runs 10 minutes fast. */
    private static final long AHEAD = 10 * MINUTE;

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

    private static final Pattern TS = Pattern.compile("\"ts\":(\\d+)");

    private final Random random = new Random(11);

    /** What the test expects of one record it writes. */
    private record Planted(String value, String reason, boolean duplicate) {
        static Planted counts(String value) {
            return new Planted(value, null, false);
        }

        static Planted unusable(String value, String reason) {
            return new Planted(value, reason, false);
        }

        static Planted duplicate(String value) {
            return new Planted(value, null, true);
        }
    }

    /** One input topic as the test writes it: two partitions, each in the order the test chose. */
    private static final class Topic {
        final String name;
        final List<List<Planted>> partitions = List.of(new ArrayList<>(), new ArrayList<>());
        /** Every record written so far, by origin. */
        final Map<Origin, Planted> written = new HashMap<>();

        private final int[] next = new int[2];

        Topic(String name) {
            this.name = name;
        }

        void add(int partition, Planted p) {
            partitions.get(partition).add(p);
        }

        /**
         * Hostile records at random places among what is there, which keeps its order. A record's {@code TS} takes the
         * time of the record before it: only the records the test means to be ahead of their stream are.
         */
        void mix(List<Planted> bad, Random random) {
            for (Planted p : bad) {
                List<Planted> to = partitions.get(random.nextInt(2));
                int at = random.nextInt(to.size() + 1);
                long ts = T0;
                for (int i = at - 1; i >= 0; i--) {
                    Matcher m = TS.matcher(to.get(i).value());
                    if (to.get(i).reason() == null && m.find()) {
                        ts = Long.parseLong(m.group(1));
                        break;
                    }
                }
                to.add(at, new Planted(p.value().replace("TS", Long.toString(ts)), p.reason(), p.duplicate()));
            }
        }

        /** Writes what was added since the last call, each partition in order. */
        void produce() {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.kafka().bootstrapServers());
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
            // Idempotent (the default): no retry can duplicate or reorder a record, so the offsets below are exact.
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                for (int p = 0; p < 2; p++) {
                    for (Planted record : partitions.get(p)) {
                        producer.send(new ProducerRecord<>(
                                name, p, null, record.value().getBytes(StandardCharsets.UTF_8)));
                        written.put(new Origin(name, p, next[p]++), record);
                    }
                    partitions.get(p).clear();
                }
                producer.flush();
            }
        }
    }

    private static String prediction(String id, long ts, String label) {
        return String.format(
                "{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"%s\","
                        + "\"score\":0.7,\"latency_ms\":12.5,\"segment\":{\"country\":\"US\"}}",
                id, ts, label);
    }

    private static String label(String id, long ts) {
        return String.format("{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"cat\"}", id, ts);
    }

    private static String impression(String eventId, String id, long ts) {
        return String.format(
                "{\"event_id\":\"%s\",\"prediction_id\":\"%s\",\"type\":\"impression\",\"ts\":%d}", eventId, id, ts);
    }

    private static List<Planted> hostile(int count, String reason, IntFunction<String> record) {
        List<Planted> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(Planted.unusable(record.apply(i), reason));
        return out;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void everyHostileRecordIsDeadLetteredOnceAndEveryValidOneCounted() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        Topic predictions = new Topic(spec.kafka.topics.predictions);
        Topic labels = new Topic(spec.kafka.topics.labels);
        Topic events = new Topic(spec.kafka.topics.businessEvents);

        // Valid traffic in event-time order, alternating partitions. Copies follow their original in its partition (as
        // a producer's retry would), so which copy is the first is known.
        int ahead = 0, failed = 0, duplicateLabels = 0;
        for (int k = 0; k < WINDOWS; k++) {
            for (int i = 0; i < PER_WINDOW; i++) {
                long ts = T0 + k * MINUTE + i * 250L;
                int p = i % 2;
                // Every twentieth id is a lone surrogate: a valid JSON escape that UTF-8 cannot carry.
                String id = i % 20 == 3 ? "\\ud800-" + k + "-" + i : "p-" + k + "-" + i;
                String prediction = prediction(id, ts, i % 5 == 0 ? "dog" : "cat");
                predictions.add(p, Planted.counts(prediction));
                if (i % 4 == 0 || i % 20 == 3) {
                    predictions.add(p, Planted.unusable(prediction, "duplicate prediction_id '" + unescape(id) + "'"));
                }
                labels.add(p, Planted.counts(label(id, ts + 1_000)));
                if (i % 5 == 1) {
                    labels.add(p, Planted.duplicate(label(id, ts + 1_000)));
                    duplicateLabels++;
                }
                events.add(p, Planted.counts(impression("imp-" + id, id, ts + 100)));
                if (i % 4 == 0) {
                    events.add(
                            p,
                            Planted.unusable(
                                    impression("imp-" + id, id, ts + 100),
                                    "duplicate business event_id 'imp-" + id + "'"));
                }
                // A failed prediction now and then: its label and its event are refused as what they are.
                if (i % 25 == 7) {
                    String fid = "failed-" + k + "-" + i;
                    predictions.add(
                            p,
                            Planted.counts(String.format(
                                    "{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,"
                                            + "\"error\":\"timeout\",\"latency_ms\":900}",
                                    fid, ts)));
                    labels.add(p, Planted.unusable(label(fid, ts + 1_000), "label of a failed prediction"));
                    labels.add(p, Planted.unusable(label(fid, ts + 1_000), "label of a failed prediction"));
                    events.add(
                            p,
                            Planted.unusable(
                                    impression("imp-" + fid, fid, ts + 100), "business event of a failed prediction"));
                    failed++;
                }
                // A handful from a server whose clock runs 10 minutes ahead, far apart: valid, and harmless.
                if (i % 40 == 21) {
                    predictions.add(p, Planted.counts(prediction("ahead-" + k + "-" + i, ts + AHEAD, "cat")));
                    // Its label and impression too: every topic has a clock ahead, none holds the others back.
                    labels.add(p, Planted.counts(label("ahead-" + k + "-" + i, ts + AHEAD + 1_000)));
                    events.add(
                            p,
                            Planted.counts(
                                    impression("imp-ahead-" + k + "-" + i, "ahead-" + k + "-" + i, ts + AHEAD + 100)));
                    ahead++;
                }
            }
        }

        String good = prediction("p-0-0", T0, "dog");
        long ts = T0 + 3 * MINUTE;
        List<Planted> badPredictions = new ArrayList<>();
        badPredictions.addAll(hostile(1_000, "not valid JSON", i -> "{not json " + i));
        badPredictions.addAll(hostile(
                1_000, "not valid JSON", i -> good.substring(0, 10 + i % (good.length() - 12)))); // truncated
        badPredictions.addAll(hostile(
                100,
                "record of",
                i -> "{\"prediction_id\":\"big-" + i + "\",\"padding\":\"" + "x".repeat(20_000) + "\"}"));
        badPredictions.addAll(hostile(
                500, "'ts' is not an ISO-8601 instant", i -> good.replace("\"ts\":" + T0, "\"ts\":\"yesterday\"")));
        badPredictions.addAll(
                hostile(500, "'model' must be a string", i -> good.replace("\"model\":\"m\"", "\"model\":5")));
        badPredictions.addAll(hostile(300, "missing required field 'ts'", i -> good.replace("\"ts\":" + T0 + ",", "")));
        badPredictions.addAll(
                hostile(300, "missing required field 'version'", i -> good.replace("\"version\":\"v1\",", "")));
        badPredictions.addAll(hostile(500, "not valid JSON", i -> good.replace("\"score\":0.7", "\"score\":NaN")));
        badPredictions.addAll(
                hostile(500, "'score' must be a finite number", i -> good.replace("\"score\":0.7", "\"score\":1e999")));
        badPredictions.addAll(hostile(
                500,
                "'latency_ms' must be ≥ 0",
                i -> good.replace("\"latency_ms\":12.5", "\"latency_ms\":-" + (i + 1))));
        badPredictions.addAll(hostile(
                500, "'score' must be in [0, 1]", i -> good.replace("\"score\":0.7", "\"score\":1." + (i + 1))));
        badPredictions.addAll(
                hostile(500, "'model' must not be empty", i -> good.replace("\"model\":\"m\"", "\"model\":\"\"")));
        badPredictions.addAll(hostile(
                300,
                "'model' is longer than 1000 characters",
                i -> good.replace("\"model\":\"m\"", "\"model\":\"" + "m".repeat(2_000) + "\"")));
        badPredictions.addAll(hostile(
                500,
                "model 'intruder' is not declared",
                i -> good.replace("\"model\":\"m\"", "\"model\":\"intruder\"").replace("p-0-0", "u-" + i)));
        badPredictions.addAll(hostile(
                500,
                "'ts' is more than",
                i -> good.replace("\"ts\":" + T0, "\"ts\":4102444800000").replace("p-0-0", "f-" + i)));
        List<Planted> badLabels = new ArrayList<>();
        badLabels.addAll(hostile(500, "not valid JSON", i -> "[\"label\", " + i));
        badLabels.addAll(hostile(
                250,
                "exactly one of 'label' or 'value' is required",
                i -> "{\"prediction_id\":\"p-1-1\",\"ts\":" + ts + "}"));
        // Orphans, some of them three times, some with an id that is a lone low surrogate: every copy is refused.
        for (int i = 0; i < 250; i++) {
            String id = i % 10 == 0 ? "\\udc00-ghost-" + i : "ghost-" + i;
            int copies = i % 3 == 0 ? 3 : 1;
            for (int c = 0; c < copies; c++) {
                badLabels.add(Planted.unusable(
                        "{\"prediction_id\":\"" + id + "\",\"ts\":TS,\"label\":\"cat\"}",
                        "orphan label: no prediction with prediction_id '" + unescape(id) + "'"));
            }
        }
        List<Planted> badEvents = new ArrayList<>();
        badEvents.addAll(hostile(500, "not valid JSON", i -> "{\"event_id\": }" + i));
        badEvents.addAll(hostile(
                500,
                "a business event needs 'prediction_id', or 'model' and 'version'",
                i -> "{\"event_id\":\"e-" + i + "\",\"type\":\"click\",\"ts\":" + ts + "}"));
        badEvents.addAll(hostile(
                500,
                "'type' prediction is reserved",
                i -> "{\"event_id\":\"r-" + i + "\",\"prediction_id\":\"p-2-" + i % 200
                        + "\",\"type\":\"prediction\",\"ts\":" + ts + "}"));
        badEvents.addAll(hostile(
                500,
                "unattributed business event",
                i -> "{\"event_id\":\"g-" + i + "\",\"prediction_id\":\"ghost-" + i
                        + "\",\"type\":\"impression\",\"ts\":TS}"));
        predictions.mix(badPredictions, random);
        labels.mix(badLabels, random);
        events.mix(badEvents, random);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestarts);
        env.setParallelism(2);
        KafkaJob.define(env, spec, false);
        // Written before the job starts: it reads a backlog, as after an outage. Every record is on time for its
        // partition (except those meant to be ahead), so the watermark of none can pass a record still to come.
        labels.produce();
        events.produce();
        predictions.produce();
        JobClient job = env.executeAsync("hostile input it");
        try {
            // Once the traffic's windows are out, the watermark is far past 2001: a prediction from then is late.
            await(
                    spec.kafka.topics.vitals,
                    v -> v.path("vital").asText().equals("prediction_count")
                            && v.path("window_end").asLong() == T0 + (WINDOWS - 1) * MINUTE);
            for (int i = 0; i < 500; i++) {
                predictions.add(
                        i % 2,
                        Planted.unusable(
                                good.replace("\"ts\":" + T0, "\"ts\":" + (978307200000L + i))
                                        .replace("p-0-0", "old-" + i),
                                "late prediction"));
            }
            // And in every partition of every topic, a valid record much later closes every window and horizon above.
            for (int c = 0; c < 2; c++) {
                long at = T0 + 30 * MINUTE;
                predictions.add(
                        c,
                        Planted.counts(
                                good.replace("\"ts\":" + T0, "\"ts\":" + at).replace("p-0-0", "closing-" + c)));
                labels.add(c, Planted.counts(label("closing-" + c, at)));
                events.add(c, Planted.counts(impression("closing-" + c, "closing-" + c, at)));
            }
            labels.produce();
            events.produce();
            predictions.produce();

            List<Topic> topics = List.of(predictions, labels, events);
            Map<Origin, String> unusable = new HashMap<>();
            for (Topic t : topics)
                t.written.forEach((origin, p) -> {
                    if (p.reason() != null) unusable.put(origin, p.reason());
                });
            assertTrue(unusable.size() >= 10_000, "a corpus of " + unusable.size());
            awaitCount(spec.kafka.topics.deadLetters, unusable.size());
            Thread.sleep(2_000); // a few more checkpoints: nothing else may come
            List<ConsumerRecord<byte[], byte[]>> raw =
                    KafkaTestSupport.readCommitted(KAFKA.kafka(), spec.kafka.topics.deadLetters);
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "no input made the job fail (restarts are off)");
            for (ConsumerRecord<byte[], byte[]> r : raw) {
                assertTrue(isUtf8(r.value()), "every dead letter is valid UTF-8, lone surrogates escaped");
            }
            List<JsonNode> deadLetters = Outputs.parse(KafkaTestSupport.values(raw));

            // Which records: the dead letters' origins are exactly the planted unusable records, each once, each with
            // its own reason.
            Map<Origin, Integer> seen = new HashMap<>();
            for (JsonNode d : deadLetters) {
                JsonNode o = d.path("origin");
                Origin origin = new Origin(
                        o.path("topic").asText(),
                        o.path("partition").asInt(),
                        o.path("offset").asLong());
                seen.merge(origin, 1, Integer::sum);
                String expected = unusable.get(origin);
                assertTrue(expected != null, "a dead letter for a record that was usable: " + d);
                String reason = d.path("reason").asText();
                assertTrue(
                        reason.startsWith(expected) || reason.contains(expected),
                        origin + ": '" + reason + "', expected '" + expected + "'");
            }
            List<String> missing = new ArrayList<>();
            unusable.forEach((origin, reason) -> {
                if (!seen.containsKey(origin)) missing.add(origin + " " + reason);
            });
            assertEquals(List.of(), missing.subList(0, Math.min(20, missing.size())), missing.size() + " missing");
            assertEquals(unusable.keySet(), seen.keySet(), "every unusable record dead-lettered");
            assertTrue(seen.values().stream().allMatch(n -> n == 1), "and each once");
            assertEquals(unusable.size(), deadLetters.size());
            assertTrue(
                    deadLetters.stream()
                            .filter(d -> d.path("reason").asText().startsWith("record of"))
                            .allMatch(d -> d.path("payload").asText().length() < 2_000),
                    "oversized payloads are cut");

            // The ledger, from the job's own Flink metrics, per topic and partition: what the test planned.
            Map<String, Long> ledger = ledger();
            for (Topic t : topics) {
                for (int p = 0; p < 2; p++) {
                    int partition = p;
                    long in = t.written.keySet().stream()
                            .filter(o -> o.partition == partition)
                            .count();
                    long dead = t.written.entrySet().stream()
                            .filter(e -> e.getKey().partition == partition
                                    && e.getValue().reason() != null)
                            .count();
                    long dups = t.written.entrySet().stream()
                            .filter(e -> e.getKey().partition == partition
                                    && e.getValue().duplicate())
                            .count();
                    String at = t.name + "|" + p + "|";
                    assertEquals(in, ledger.getOrDefault(at + Ledger.IN, 0L), at + "in");
                    assertEquals(dead, ledger.getOrDefault(at + Ledger.DEAD_LETTERS, 0L), at + "dead letters");
                    assertEquals(dups, ledger.getOrDefault(at + Ledger.DUPLICATES, 0L), at + "duplicates");
                    assertEquals(in - dead - dups, ledger.getOrDefault(at + Ledger.COUNTED, 0L), at + "counted");
                    assertEquals(0L, ledger.getOrDefault(at + Ledger.LATE_AFTER_COUNTING, 0L), at + "late");
                }
            }
            assertEquals(
                    duplicateLabels,
                    ledger.entrySet().stream()
                            .filter(e -> e.getKey().endsWith("|" + Ledger.DUPLICATES))
                            .mapToLong(Map.Entry::getValue)
                            .sum());

            List<JsonNode> vitals = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals);
            assertEquals(
                    WINDOWS * PER_WINDOW + ahead,
                    sum(vitals, "prediction_count", "all"),
                    "every valid prediction counted once, those from the clock ahead too");
            assertEquals(
                    WINDOWS * PER_WINDOW + ahead, sum(vitals, "labeled_count", "all"), "every valid label joined once");
            assertEquals(
                    WINDOWS * PER_WINDOW * 4 / 5 + ahead,
                    Math.round(vitals.stream()
                            .filter(v -> v.path("vital").asText().equals("accuracy")
                                    && v.path("segment").asText().equals("all"))
                            .mapToDouble(v ->
                                    v.path("value").asDouble() * v.path("n").asLong())
                            .sum()));
            assertEquals(
                    WINDOWS * PER_WINDOW + ahead,
                    vitals.stream()
                            .filter(v -> v.path("vital").asText().equals("kpi")
                                    && v.path("segment").asText().equals("all")
                                    && v.path("window_end").asLong() <= T0 + 25 * MINUTE)
                            .mapToDouble(v -> v.path("numerator").asDouble())
                            .sum(),
                    1e-9,
                    "every valid impression attributed once");
            assertTrue(failed > 0 && ahead > 0);
        } finally {
            job.cancel().get();
        }
    }

    /** The JSON escapes of the test's ids, as the job reads them. */
    private static String unescape(String id) {
        return id.replace("\\ud800", "\ud800").replace("\\udc00", "\udc00");
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** "topic|partition|cell" → the sum over every operator and subtask of the ledger's counters. */
    private static Map<String, Long> ledger() {
        Map<String, Long> cells = new TreeMap<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> g :
                METRICS.getMetricsByGroup().entrySet()) {
            Map<String, String> vars = g.getKey().getAllVariables();
            if (!vars.containsKey("<topic>") || !vars.containsKey("<partition>")) continue;
            for (Map.Entry<String, Metric> m : g.getValue().entrySet()) {
                if (!(m.getValue() instanceof Counter counter)) continue;
                cells.merge(
                        vars.get("<topic>") + "|" + vars.get("<partition>") + "|" + m.getKey(),
                        counter.getCount(),
                        Long::sum);
            }
        }
        return cells;
    }

    private static long sum(List<JsonNode> vitals, String vital, String segment) {
        return vitals.stream()
                .filter(v -> v.path("vital").asText().equals(vital)
                        && v.path("segment").asText().equals(segment)
                        && v.path("window_end").asLong() <= T0 + 25 * MINUTE)
                .mapToLong(v -> Math.round(v.path("value").asDouble()))
                .sum();
    }

    private static void await(String topic, Predicate<JsonNode> condition) throws InterruptedException {
        while (KafkaTestSupport.committedJson(KAFKA.kafka(), topic).stream().noneMatch(condition)) {
            Thread.sleep(200);
        }
    }

    /** Until the topic has {@code count} records, or has not grown for 30 s (then the assertions say what is missing). */
    private static void awaitCount(String topic, int count) throws InterruptedException {
        int last = -1, still = 0;
        while (true) {
            int n = KafkaTestSupport.readCommitted(KAFKA.kafka(), topic).size();
            if (n >= count) return;
            still = n == last ? still + 1 : 0;
            if (still >= 100) return;
            last = n;
            Thread.sleep(300);
        }
    }
}
