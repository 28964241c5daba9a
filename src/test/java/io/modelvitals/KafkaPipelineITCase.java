package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.io.EmbeddedKafka;
import io.modelvitals.io.Replay;
import io.modelvitals.testing.KnownStreams;
import io.modelvitals.testing.Outputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real in-process KRaft broker: known streams in (with malformed records among them),
 * exact vitals and the exact alert sequence out, read with read_committed; the same vitals and alerts
 * as a replay of the same input.
 */
class KafkaPipelineITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    /** A spec on fresh, randomly named topics. */
    private static MonitorSpec freshSpec() {
        MonitorSpec spec = SpecLoader.parse(KnownStreams.SPEC, "test");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        var t = spec.kafka.topics;
        t.predictions = "predictions-" + suffix;
        t.labels = "labels-" + suffix;
        t.businessEvents = "business-events-" + suffix;
        t.vitals = "vitals-" + suffix;
        t.alerts = "alerts-" + suffix;
        t.deadLetters = "dead-letters-" + suffix;
        spec.kafka.bootstrapServers = kafka.bootstrapServers();
        spec.kafka.groupId = "it-" + suffix;
        spec.job.transactionalIdPrefix = "it-" + suffix;
        kafka.createTopics(2, t.predictions, t.labels, t.businessEvents);
        kafka.createTopics(1, t.vitals, t.alerts, t.deadLetters);
        return spec;
    }

    private static void produce(String topic, List<byte[]> values) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            int i = 0;
            for (byte[] value : values) {
                // Two partitions, records spread across both, each partition in event-time order.
                producer.send(new ProducerRecord<>(topic, i++ % 2, null, value));
            }
            producer.flush();
        }
    }

    private static List<byte[]> utf8(List<String> lines) {
        List<byte[]> out = new ArrayList<>();
        for (String l : lines) out.add(l.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** Everything committed to a topic, read as an alerting system would: read_committed. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) lines.add(new String(r.value(), StandardCharsets.UTF_8));
        Collections.sort(lines);
        return lines;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void knownStreamsGiveExactVitalsAlertsAndDeadLettersTheSameAsReplay(@TempDir Path dir) throws Exception {
        MonitorSpec spec = freshSpec();
        List<byte[]> labels = utf8(KnownStreams.labels());
        byte[] notUtf8 = {(byte) 0xc3, (byte) 0x28, '{', '}'};
        labels.add(notUtf8);
        produce(spec.kafka.topics.predictions, utf8(KnownStreams.predictions()));
        produce(spec.kafka.topics.labels, labels);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ModelVitals.defineKafkaJob(env, spec, true);
        env.execute("kafka pipeline it");

        List<String> vitals = values(readCommitted(spec.kafka.topics.vitals));
        List<ConsumerRecord<byte[], byte[]>> alertRecords = readCommitted(spec.kafka.topics.alerts);
        List<JsonNode> alerts = Outputs.parse(values(alertRecords));
        Outputs.assertKnownVitals(Outputs.parse(vitals));
        Outputs.assertKnownAlerts(alerts);
        // In the topic, firing comes before resolved, both keyed by the fingerprint.
        JsonNode first = Outputs.parse(List.of(new String(alertRecords.get(0).value(), StandardCharsets.UTF_8))).get(0);
        assertEquals("firing", first.path("status").asText());
        assertEquals(first.path("fingerprint").asText(), new String(alertRecords.get(0).key(), StandardCharsets.UTF_8));

        List<JsonNode> deadLetters = Outputs.parse(values(readCommitted(spec.kafka.topics.deadLetters)));
        assertEquals(4, deadLetters.size(), deadLetters.toString());
        for (JsonNode d : deadLetters) {
            String topic = d.path("origin").path("topic").asText();
            assertTrue(topic.equals(spec.kafka.topics.predictions) || topic.equals(spec.kafka.topics.labels), d.toString());
        }
        JsonNode notJson = deadLetters.stream().filter(d -> d.path("payload").asText().equals(KnownStreams.BAD_PREDICTION_1)).findFirst().orElseThrow();
        assertTrue(notJson.path("reason").asText().startsWith("not valid JSON"));
        // BAD_PREDICTION_1 is the third record written, round-robin over two partitions: partition 0, offset 1.
        assertEquals(0, notJson.path("origin").path("partition").asInt());
        assertEquals(1, notJson.path("origin").path("offset").asLong());
        JsonNode binary = deadLetters.stream().filter(d -> d.path("payload_encoding").asText().equals("base64")).findFirst().orElseThrow();
        assertEquals(java.util.Base64.getEncoder().encodeToString(notUtf8), binary.path("payload").asText());
        assertEquals(spec.kafka.topics.labels, binary.path("origin").path("topic").asText());

        // Replay of the same input gives the same vitals and alerts, line for line.
        KnownStreams.writeFiles(dir);
        StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        replayEnv.setParallelism(2);
        Replay.Outputs replay = Replay.run(replayEnv, SpecLoader.parse(KnownStreams.SPEC, "test"),
                dir.resolve("predictions.jsonl"), dir.resolve("labels.jsonl"), null);
        assertEquals(replay.vitals, vitals);
        assertEquals(replay.alerts, values(alertRecords));
    }
}
