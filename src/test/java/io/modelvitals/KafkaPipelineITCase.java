package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.ReplayJob;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.testing.KnownStreams;
import io.modelvitals.testing.Outputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void knownStreamsGiveExactVitalsAlertsAndDeadLettersTheSameAsReplay(@TempDir Path dir) throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(KnownStreams.SPEC, "test"), KAFKA.kafka());
        List<byte[]> labels = KafkaTestSupport.utf8(KnownStreams.labels());
        byte[] notUtf8 = {(byte) 0xc3, (byte) 0x28, '{', '}'};
        labels.add(notUtf8);
        KafkaTestSupport.produce(
                KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(KnownStreams.predictions()));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, labels);

        KafkaTestSupport.runToEnd(spec, "kafka pipeline it");

        List<String> vitals =
                KafkaTestSupport.values(KafkaTestSupport.readCommitted(KAFKA.kafka(), spec.kafka.topics.vitals));
        List<ConsumerRecord<byte[], byte[]>> alertRecords =
                KafkaTestSupport.readCommitted(KAFKA.kafka(), spec.kafka.topics.alerts);
        List<JsonNode> alerts = Outputs.parse(KafkaTestSupport.values(alertRecords));
        Outputs.assertKnownVitals(Outputs.parse(vitals));
        Outputs.assertKnownAlerts(alerts);
        // In the topic, firing comes before resolved, both keyed by the fingerprint.
        JsonNode first = Outputs.parse(List.of(new String(alertRecords.get(0).value(), StandardCharsets.UTF_8)))
                .get(0);
        assertEquals("firing", first.path("status").asText());
        assertEquals(
                first.path("fingerprint").asText(),
                new String(alertRecords.get(0).key(), StandardCharsets.UTF_8));

        List<JsonNode> deadLetters = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.deadLetters);
        assertEquals(4, deadLetters.size(), deadLetters.toString());
        for (JsonNode d : deadLetters) {
            String topic = d.path("origin").path("topic").asText();
            assertTrue(
                    topic.equals(spec.kafka.topics.predictions) || topic.equals(spec.kafka.topics.labels),
                    d.toString());
        }
        JsonNode notJson = deadLetters.stream()
                .filter(d -> d.path("payload").asText().equals(KnownStreams.BAD_PREDICTION_1))
                .findFirst()
                .orElseThrow();
        assertTrue(notJson.path("reason").asText().startsWith("not valid JSON"));
        // BAD_PREDICTION_1 is the third record written, round-robin over two partitions: partition 0, offset 1.
        assertEquals(0, notJson.path("origin").path("partition").asInt());
        assertEquals(1, notJson.path("origin").path("offset").asLong());
        JsonNode binary = deadLetters.stream()
                .filter(d -> d.path("payload_encoding").asText().equals("base64"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                java.util.Base64.getEncoder().encodeToString(notUtf8),
                binary.path("payload").asText());
        assertEquals(
                spec.kafka.topics.labels, binary.path("origin").path("topic").asText());

        // Replay of the same input gives the same vitals and alerts, line for line.
        KnownStreams.writeFiles(dir);
        StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        replayEnv.setParallelism(2);
        ReplayJob.Outputs replay = ReplayJob.run(
                replayEnv,
                SpecLoader.parse(KnownStreams.SPEC, "test"),
                dir.resolve("predictions.jsonl"),
                dir.resolve("labels.jsonl"),
                null);
        assertEquals(replay.vitals, vitals);
        assertEquals(replay.alerts, KafkaTestSupport.values(alertRecords));
    }
}
