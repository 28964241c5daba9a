package io.modelvitals.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.testing.KafkaTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * replay over files with the records that broke it or lost track of them: ids that are lone surrogates (valid JSON
 * escapes), repeated orphan labels, labels and events of failed predictions, predictions from a clock ten minutes
 * ahead, duplicates and broken lines. The output files are written and read back: ledger.json holds per file exactly
 * as the test planned it, and the dead letters' origins (file, line) are exactly the unusable lines, each once.
 */
class ReplayLedgerITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;
    private static final String SPEC = String.join(
            "\n",
            "job: {max_out_of_orderness: 1s, monitor_undeclared_models: false}",
            "models:",
            "  - name: m",
            "    window: {size: 1m}",
            "    label_horizon: 5m",
            "    late_label_grace: 1m",
            "    attribution_window: 2m",
            "    kpis:",
            "      - {name: clicks, numerator: {events: [click]}, denominator: {events: [prediction]}}",
            "");

    /** One input file: its lines, and for each unusable one the reason its dead letter must give. */
    private static final class File {
        final String name;
        final List<String> lines = new ArrayList<>();
        final Map<Integer, String> unusable = new HashMap<>();
        int duplicates;

        File(String name) {
            this.name = name;
        }

        void counts(String line) {
            lines.add(line);
        }

        void unusable(String line, String reason) {
            unusable.put(lines.size(), reason);
            lines.add(line);
        }

        void duplicate(String line) {
            duplicates++;
            lines.add(line);
        }

        Path write(Path dir) throws Exception {
            Path p = dir.resolve(name);
            Files.write(p, lines, StandardCharsets.UTF_8);
            return p;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyLineEndsInTheLedgerAndEveryUnusableOneIsADeadLetterOnce(@TempDir Path dir) throws Exception {
        File predictions = new File("predictions.jsonl");
        File labels = new File("labels.jsonl");
        File events = new File("events.jsonl");
        int valid = 0;
        for (int i = 0; i < 1_200; i++) {
            long ts = T0 + i * 500L;
            // A lone surrogate id every tenth prediction: JSON carries it, UTF-8 cannot.
            String id = i % 10 == 4 ? "\\ud800-" + i : "p-" + i;
            String prediction = "{\"prediction_id\":\"" + id + "\",\"model\":\"m\",\"version\":\"v1\",\"ts\":" + ts
                    + ",\"label\":\"" + (i % 4 == 0 ? "dog" : "cat") + "\"}";
            predictions.counts(prediction);
            valid++;
            if (i % 10 == 4) {
                predictions.unusable(prediction, "duplicate prediction_id '\ud800-" + i + "'");
            }
            labels.counts("{\"prediction_id\":\"" + id + "\",\"ts\":" + (ts + 2_000) + ",\"label\":\"cat\"}");
            if (i % 6 == 1)
                labels.duplicate("{\"prediction_id\":\"" + id + "\",\"ts\":" + (ts + 2_000) + ",\"label\":\"cat\"}");
            events.counts("{\"event_id\":\"c-" + i + "\",\"prediction_id\":\"" + id + "\",\"type\":\"click\",\"ts\":"
                    + (ts + 300) + "}");
            if (i % 30 == 11) {
                // A failed prediction, two copies of its label and an event: refused as what they are.
                String f = "failed-" + i;
                predictions.counts("{\"prediction_id\":\"" + f + "\",\"model\":\"m\",\"version\":\"v1\",\"ts\":" + ts
                        + ",\"error\":\"timeout\"}");
                for (int c = 0; c < 2; c++) {
                    labels.unusable(
                            "{\"prediction_id\":\"" + f + "\",\"ts\":" + (ts + 1_000) + ",\"label\":\"cat\"}",
                            "label of a failed prediction: prediction '" + f + "'");
                }
                events.unusable(
                        "{\"event_id\":\"fc-" + i + "\",\"prediction_id\":\"" + f + "\",\"type\":\"click\",\"ts\":"
                                + (ts + 300) + "}",
                        "business event of a failed prediction");
            }
            if (i % 50 == 17) {
                // A server whose clock runs ten minutes ahead: valid, counted, and it must not make the others late.
                predictions.counts("{\"prediction_id\":\"ahead-" + i + "\",\"model\":\"m\",\"version\":\"v1\",\"ts\":"
                        + (ts + 10 * MINUTE) + ",\"label\":\"cat\"}");
                // Its label and click too: every input has a clock ahead, so none holds the others' watermark back.
                labels.counts("{\"prediction_id\":\"ahead-" + i + "\",\"ts\":" + (ts + 10 * MINUTE + 1_000)
                        + ",\"label\":\"cat\"}");
                events.counts("{\"event_id\":\"ca-" + i + "\",\"prediction_id\":\"ahead-" + i
                        + "\",\"type\":\"click\",\"ts\":" + (ts + 10 * MINUTE + 300) + "}");
            }
            if (i % 20 == 9) {
                // An orphan label, three times; every tenth with an id that is a lone low surrogate.
                String ghost = i % 40 == 9 ? "\\udc00-ghost-" + i : "ghost-" + i;
                for (int c = 0; c < 3; c++) {
                    labels.unusable(
                            "{\"prediction_id\":\"" + ghost + "\",\"ts\":" + (ts + 1_000) + ",\"label\":\"cat\"}",
                            "orphan label: no prediction with prediction_id '" + ghost.replace("\\udc00", "\udc00")
                                    + "'");
                }
            }
            if (i % 15 == 2) predictions.unusable("{\"prediction_id\": tru", "not valid JSON");
            if (i % 15 == 3) labels.unusable("{\"prediction_id\":\"x\",\"ts\":\"soon\",\"label\":\"cat\"}", "'ts'");
        }
        MonitorSpec spec = SpecLoader.parse(SPEC, "test");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ReplayJob.Outputs out = ReplayJob.run(env, spec, predictions.write(dir), labels.write(dir), events.write(dir));
        Path outDir = dir.resolve("out");
        out.writeTo(outDir); // dies on a lone surrogate unless it is escaped

        // Read back as files, strictly: every line valid UTF-8 and JSON.
        ObjectMapper json = new ObjectMapper();
        JsonNode ledger = json.readTree(Files.readString(outDir.resolve("ledger.json"), StandardCharsets.UTF_8));
        List<String> deadLetters = Files.readAllLines(outDir.resolve("dead-letters.jsonl"), StandardCharsets.UTF_8);
        Files.readAllLines(outDir.resolve("vitals.jsonl"), StandardCharsets.UTF_8);

        Map<String, Integer> seen = new HashMap<>();
        Map<String, String> expected = new HashMap<>();
        for (File f : List.of(predictions, labels, events)) {
            f.unusable.forEach((line, reason) -> expected.put(f.name + "@" + line, reason));
        }
        for (String line : deadLetters) {
            JsonNode d = json.readTree(line);
            assertEquals(0, d.path("origin").path("partition").asInt());
            String origin = d.path("origin").path("topic").asText() + "@"
                    + d.path("origin").path("offset").asLong();
            seen.merge(origin, 1, Integer::sum);
            String reason = expected.get(origin);
            assertTrue(reason != null, "a dead letter for a usable line: " + line);
            assertTrue(
                    d.path("reason").asText().contains(reason),
                    origin + ": " + d.path("reason").asText());
        }
        assertEquals(expected.keySet(), seen.keySet(), "every unusable line dead-lettered, and nothing else");
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "each once");

        assertTrue(ledger.path("holds").asBoolean(), ledger.toString());
        Map<String, JsonNode> rows = new HashMap<>();
        for (JsonNode row : ledger.path("inputs")) rows.put(row.path("topic").asText(), row);
        for (File f : List.of(predictions, labels, events)) {
            JsonNode row = rows.get(f.name);
            assertEquals(0, row.path("partition").asInt());
            assertEquals(f.lines.size(), row.path("in").asLong(), f.name + " in");
            assertEquals(f.unusable.size(), row.path("dead_letters").asLong(), f.name + " dead letters");
            assertEquals(f.duplicates, row.path("duplicates").asLong(), f.name + " duplicates");
            assertEquals(
                    f.lines.size() - f.unusable.size() - f.duplicates,
                    row.path("counted").asLong(),
                    f.name + " counted");
            assertEquals(0, row.path("late_after_counting").asLong(), f.name + ": nothing was late");
        }
        assertEquals(3, rows.size());
        assertTrue(valid > 1_000 && expected.size() > 500, expected.size() + " unusable lines");
    }
}
