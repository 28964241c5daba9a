package io.modelvitals.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.testing.KnownStreams;
import io.modelvitals.testing.Outputs;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The topology over JSONL files: exact vitals, the exact alert sequence, dead letters with file and line. */
class ReplayITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void replayProducesTheKnownVitalsAlertsAndDeadLetters(@TempDir Path dir) throws Exception {
        KnownStreams.writeFiles(dir);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ReplayJob.Outputs out = ReplayJob.run(
                env,
                SpecLoader.parse(KnownStreams.SPEC, "test"),
                dir.resolve("predictions.jsonl"),
                dir.resolve("labels.jsonl"),
                null);

        Outputs.assertKnownVitals(Outputs.parse(out.vitals));
        Outputs.assertKnownAlerts(Outputs.parse(out.alerts));

        List<JsonNode> deadLetters = Outputs.parse(out.deadLetters);
        assertEquals(3, deadLetters.size(), out.deadLetters.toString());
        JsonNode notJson = deadLetters.stream()
                .filter(d -> d.path("payload").asText().equals(KnownStreams.BAD_PREDICTION_1))
                .findFirst()
                .orElseThrow();
        assertTrue(notJson.path("reason").asText().startsWith("not valid JSON"));
        assertEquals("predictions.jsonl", notJson.path("origin").path("topic").asText());
        assertEquals(2, notJson.path("origin").path("offset").asLong(), "0-based line number");
        JsonNode noModel = deadLetters.stream()
                .filter(d -> d.path("payload").asText().equals(KnownStreams.BAD_PREDICTION_2))
                .findFirst()
                .orElseThrow();
        assertEquals("missing required field 'model'", noModel.path("reason").asText());
        JsonNode badTs = deadLetters.stream()
                .filter(d -> d.path("payload").asText().equals(KnownStreams.BAD_LABEL))
                .findFirst()
                .orElseThrow();
        assertEquals("labels.jsonl", badTs.path("origin").path("topic").asText());
        assertEquals(15, badTs.path("origin").path("offset").asLong());
    }
}
