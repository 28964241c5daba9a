package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.ReplayJob;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.tools.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay and live agree (issue 17): the same records give the same sketch-derived vitals (value quantiles and
 * histogram, value drift statistics, latency and label-delay quantiles) at parallelism 1 and 2, and with a
 * stop-with-savepoint and restore in the middle. The traffic is {@link SavepointRestoreITCase}'s: the demo's simulated
 * traffic over 40 minutes (about 4,800 predictions per 10-minute window, so every sketch is past its exact range),
 * cut at 25 minutes.
 */
class DeterministicSketchITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    /** Every vital read from a quantile sketch, or from the histogram beside it. */
    static final Set<String> SKETCH_DERIVED = Set.of(
            "label_delay_p50_ms",
            "label_delay_p95_ms",
            "latency_p50_ms",
            "latency_p95_ms",
            "latency_p99_ms",
            "value_p5",
            "value_p25",
            "value_p50",
            "value_p75",
            "value_p95",
            "value_histogram",
            "value_psi",
            "value_js_distance",
            "value_ks_statistic",
            "value_ks_p_value",
            "value_wasserstein");

    static String specYaml;
    static SavepointRestoreITCase.Traffic traffic;

    @BeforeAll
    static void traffic() throws Exception {
        specYaml = SavepointRestoreITCase.resourceText("/demo-spec.yaml");
        traffic = SavepointRestoreITCase.Traffic.generate(specYaml);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void replayAtParallelismOneAndTwoGivesIdenticalVitals(@TempDir Path dir) throws Exception {
        Path predictions = write(dir, "predictions.jsonl", SavepointRestoreITCase.PREDICTIONS);
        Path labels = write(dir, "labels.jsonl", SavepointRestoreITCase.LABELS);
        Path events = write(dir, "business-events.jsonl", SavepointRestoreITCase.BUSINESS_EVENTS);
        MonitorSpec spec = SpecLoader.parse(specYaml, "demo spec");
        spec.job.maxFutureSkew = "0s"; // the traffic is dated: not "ahead of the wall clock" on any day
        spec.job.idleness = "1h"; // no input idles in wall-clock time while the files are read
        List<String> one = replay(spec, predictions, labels, events, 1);
        List<String> two = replay(spec, predictions, labels, events, 2);
        assertCoversSketches(one);
        // Vitals have no wall-clock field. Sketch-derived lines are byte-identical; floating-point sums (Brier score,
        // ECE, mean, variance, log loss) merged in another order may differ in the last bits.
        assertSameLines(one, two, "parallelism 1", "parallelism 2");
    }

    @Test
    @Timeout(value = 480, unit = TimeUnit.SECONDS)
    void stopWithSavepointAndRestoreGivesTheVitalsOfAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        String before = "det-before-" + System.nanoTime(), after = "det-after-" + System.nanoTime();
        String savepoint;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            SavepointRestoreITCase.createTopics(kafka);
            SavepointRestoreITCase.produce(kafka, traffic.firstPart);
            MonitorSpec spec = SavepointRestoreITCase.spec(specYaml, kafka, "det-restore");
            JobClient job =
                    SavepointRestoreITCase.submit(spec, false, before, SavepointRestoreITCase.jobConfig(true), null);
            SavepointRestoreITCase.awaitConsumed(kafka, spec.kafka.groupId, job, traffic.firstPart);
            savepoint = job.stopWithSavepoint(
                            false, tmp.resolve("sp").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(120, TimeUnit.SECONDS);
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        }
        List<String> interrupted, reference;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            // The whole traffic in the same partitions and order: the savepoint's offsets point past the first part.
            SavepointRestoreITCase.createTopics(kafka);
            SavepointRestoreITCase.produce(kafka, traffic.whole);
            MonitorSpec spec = SavepointRestoreITCase.spec(specYaml, kafka, "det-restore");
            JobClient job = SavepointRestoreITCase.submit(
                    spec, false, after, SavepointRestoreITCase.jobConfig(true), savepoint);
            SavepointRestoreITCase.awaitConsumed(kafka, spec.kafka.groupId, job, traffic.whole);
            job.stopWithSavepoint(true, tmp.resolve("drained").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(120, TimeUnit.SECONDS);
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
            interrupted =
                    new ArrayList<>(SavepointRestoreITCase.collected(before).get("vitals"));
            interrupted.addAll(SavepointRestoreITCase.collected(after).get("vitals"));

            String uninterrupted = "det-reference-" + System.nanoTime();
            MonitorSpec referenceSpec = SavepointRestoreITCase.spec(specYaml, kafka, "det-reference");
            SavepointRestoreITCase.submit(
                            referenceSpec, true, uninterrupted, SavepointRestoreITCase.jobConfig(false), null)
                    .getJobExecutionResult()
                    .get(120, TimeUnit.SECONDS);
            reference = SavepointRestoreITCase.collected(uninterrupted).get("vitals");
        }
        assertCoversSketches(reference);
        assertSameLines(reference, interrupted, "uninterrupted", "savepoint + restore");
    }

    private static List<String> replay(MonitorSpec spec, Path predictions, Path labels, Path events, int parallelism)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        return ReplayJob.run(env, spec, predictions, labels, events).vitals;
    }

    private static Path write(Path dir, String file, String topic) throws Exception {
        return Files.write(dir.resolve(file), traffic.whole.get(topic), StandardCharsets.UTF_8);
    }

    /** The comparison means something: windows past the sketch's exact range, with every sketch-derived vital. */
    private static void assertCoversSketches(List<String> vitals) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Set<String> seen = new java.util.TreeSet<>();
        long largest = 0;
        for (String line : vitals) {
            JsonNode v = mapper.readTree(line);
            String name = v.path("vital").asText();
            if (SKETCH_DERIVED.contains(name)) {
                seen.add(name);
                largest = Math.max(largest, v.path("n").asLong());
            }
        }
        assertEquals(SKETCH_DERIVED, seen, "every sketch-derived vital is in the outputs");
        assertTrue(largest > 1_000, "sketches past their exact range of 200 values: n up to " + largest);
    }

    /**
     * The same multiset of vital lines: the sketch-derived ones byte-identical, the others' numbers equal or, for
     * floating-point sums merged in the order partials arrive (mean, variance, Brier score, log loss), within
     * {@link SavepointRestoreITCase#close}'s 1e-9 relative.
     */
    private static void assertSameLines(
            List<String> expected, List<String> actual, String expectedName, String actualName) throws Exception {
        Set<String> lastBits = new java.util.TreeSet<>();
        ObjectMapper mapper = new ObjectMapper();
        Map<String, List<String>> want = group(mapper, expected), got = group(mapper, actual);
        List<String> problems = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(union(want.keySet(), got.keySet()))) {
            List<String> w = want.getOrDefault(key, List.of()), g = got.getOrDefault(key, List.of());
            if (w.equals(g)) continue;
            boolean sketch = SKETCH_DERIVED.contains(mapper.readTree(w.isEmpty() ? g.get(0) : w.get(0))
                    .path("vital")
                    .asText());
            if (!sketch && w.size() == g.size()) {
                boolean close = true;
                for (int i = 0; i < w.size(); i++)
                    close &= SavepointRestoreITCase.close(mapper.readTree(w.get(i)), mapper.readTree(g.get(i)), "");
                if (close) {
                    lastBits.add(mapper.readTree(w.get(0)).path("vital").asText());
                    continue;
                }
            }
            problems.add(expectedName + " " + w + "\n      " + actualName + " " + g);
        }
        System.out.printf(
                "%s vs %s: %d vital lines, %d differ; non-sketch vitals equal within 1e-9 but not bit for bit: %s%n",
                expectedName, actualName, expected.size(), problems.size(), lastBits);
        if (!problems.isEmpty())
            fail(problems.size() + " vitals differ (" + expected.size() + " vs " + actual.size()
                    + " lines); first:\n    "
                    + String.join("\n    ", problems.subList(0, Math.min(10, problems.size()))));
    }

    /** Lines by identity (all fields but the values), each group sorted. */
    private static Map<String, List<String>> group(ObjectMapper mapper, List<String> lines) throws Exception {
        Map<String, List<String>> groups = new TreeMap<>();
        for (String line : lines) {
            JsonNode v = mapper.readTree(line);
            StringBuilder id = new StringBuilder();
            for (String f : SavepointRestoreITCase.VITAL_IDENTITY)
                id.append(f).append('=').append(v.path(f).asText("-")).append(' ');
            groups.computeIfAbsent(id.toString(), k -> new ArrayList<>()).add(line);
        }
        groups.values().forEach(java.util.Collections::sort);
        return groups;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }
}
