package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.ReplayJob;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.testing.Outputs;
import io.modelvitals.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real multi-process cluster (a Kafka broker process, a Flink JobManager process
 * and TaskManager processes, from Maven Central jars), submitted through the REST API. Three parts of
 * traffic, each with an incident (accuracy 0.2 for ten windows):
 * <ol>
 *   <li>part 1; once its first alert is committed, the TaskManager is killed (SIGKILL) and a new one started;</li>
 *   <li>part 2; then the job is stopped with a savepoint and submitted again from it;</li>
 *   <li>part 3.</li>
 * </ol>
 * The alerts topic, read with read_committed, must hold exactly the alerts of an undisturbed replay of
 * all three parts, and the vitals topic exactly its vitals: none lost, none repeated.
 */
class ClusterIT {
    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;

    private static String spec(String servers, String suffix) {
        return String.join(
                "\n",
                // No partition is ever idle (each part ends with a record in every partition), so the watermark
                // waits for labels produced after their predictions, whatever the timing.
                "job: {max_out_of_orderness: 1s, idleness: 1h, checkpoint_interval: 500ms, transactional_id_prefix: cluster-"
                        + suffix + "}",
                "kafka:",
                "  bootstrap_servers: " + servers,
                "  group_id: cluster-" + suffix,
                "  start_from: earliest",
                "  topics: {business_events: \"\", rules: \"\"}",
                "models:",
                "  - name: m",
                "    window: {size: 1m}",
                "    label_horizon: 5m",
                "    segments: [country]",
                "    rules:",
                "      - {name: accuracy-low, vital: accuracy, op: '<', threshold: 0.5, min_samples: 50, for: 2, severity: critical}",
                "");
    }

    /** Windows [from, to): 100 predictions each, labeled 2 s later; accuracy 0.9, or 0.2 in an incident. */
    private static void traffic(int from, int to, int incidentFrom, List<String> predictions, List<String> labels) {
        for (int k = from; k < to; k++) {
            boolean bad = k >= incidentFrom && k < incidentFrom + 10;
            for (int i = 0; i < 100; i++) {
                long ts = T0 + k * MINUTE + i * 600L;
                String id = "p-" + k + "-" + i;
                predictions.add(String.format(
                        "{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"cat\","
                                + "\"segment\":{\"country\":\"%s\"}}",
                        id, ts, i % 2 == 0 ? "US" : "DE"));
                labels.add(String.format(
                        "{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"%s\"}",
                        id, ts + 2_000, (bad ? i % 5 == 0 : i % 10 != 0) ? "cat" : "dog"));
            }
        }
    }

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void survivesATaskManagerKillAndASavepointRestartWithExactlyTheOutputsOfAnUndisturbedRun(@TempDir Path dir)
            throws Exception {
        Path jar = Path.of(System.getProperty("jobJar", "target/model-vitals-0.1.0-SNAPSHOT.jar"));
        assertTrue(Files.exists(jar), "the shaded job jar (mvn package) at " + jar);
        List<List<String>> predictions = new ArrayList<>(), labels = new ArrayList<>();
        int[][] parts = {{0, 30, 10}, {30, 60, 40}, {60, 90, 70}};
        for (int[] part : parts) {
            List<String> p = new ArrayList<>(), l = new ArrayList<>();
            traffic(part[0], part[1], part[2], p, l);
            predictions.add(p);
            labels.add(l);
        }
        // A later prediction and label in each partition close the last windows.
        for (int c = 0; c < 2; c++) {
            predictions
                    .get(2)
                    .add(String.format(
                            "{\"prediction_id\":\"closing-%d\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"cat\"}",
                            c, T0 + 100 * MINUTE));
            labels.get(2)
                    .add(String.format(
                            "{\"prediction_id\":\"closing-%d\",\"ts\":%d,\"label\":\"cat\"}", c, T0 + 100 * MINUTE));
        }

        try (ProcessCluster cluster = new ProcessCluster(dir)) {
            cluster.startBroker();
            String suffix = Long.toString(System.nanoTime(), 36);
            try (Admin admin = Admin.create(java.util.Map.of("bootstrap.servers", cluster.bootstrapServers))) {
                admin.createTopics(List.of(
                                new NewTopic("predictions", 2, (short) 1),
                                new NewTopic("labels", 2, (short) 1),
                                new NewTopic("vitals", 1, (short) 1),
                                new NewTopic("alerts", 1, (short) 1),
                                new NewTopic("dead-letters", 1, (short) 1)))
                        .all()
                        .get();
            }
            Path specFile = dir.resolve("spec.yaml");
            Files.writeString(specFile, spec(cluster.bootstrapServers, suffix));
            cluster.startJobManager();
            Process firstTaskManager = cluster.startTaskManager();
            String jarId = cluster.upload(jar);
            String job = cluster.run(jarId, List.of("run", "--spec", specFile.toString()), null);

            produce(cluster.bootstrapServers, predictions.get(0), labels.get(0));
            awaitAlerts(cluster.bootstrapServers, 1);
            cluster.kill(firstTaskManager);
            cluster.startTaskManager();

            produce(cluster.bootstrapServers, predictions.get(1), labels.get(1));
            awaitAlerts(cluster.bootstrapServers, 4);
            String savepoint = cluster.stopWithSavepoint(job);
            assertEquals("FINISHED", cluster.jobState(job), "stopped with a savepoint");
            String resumed = cluster.run(jarId, List.of("run", "--spec", specFile.toString()), savepoint);

            produce(cluster.bootstrapServers, predictions.get(2), labels.get(2));
            List<String> alerts = awaitAlerts(cluster.bootstrapServers, 6);
            assertEquals("RUNNING", cluster.jobState(resumed));
            assertTrue(
                    Files.readString(cluster.log("jobmanager")).contains("Restoring job"),
                    "the job recovered from its checkpoint after the kill");

            // The undisturbed run: the same input replayed in one go, in this JVM.
            Path in = Files.createDirectories(dir.resolve("input"));
            Files.write(
                    in.resolve("predictions.jsonl"),
                    predictions.stream().flatMap(List::stream).collect(Collectors.toList()));
            Files.write(
                    in.resolve("labels.jsonl"),
                    labels.stream().flatMap(List::stream).collect(Collectors.toList()));
            ReplayJob.Outputs replay = ReplayJob.runLocal(
                    SpecLoader.parse(spec(cluster.bootstrapServers, suffix), "test"),
                    in.resolve("predictions.jsonl"),
                    in.resolve("labels.jsonl"),
                    null,
                    null,
                    2);
            assertEquals(6, replay.alerts.size(), "three incidents, each firing and resolving");
            assertEquals(replay.alerts, alerts, "exactly the alerts of an undisturbed run: none lost, none repeated");
            long last = T0 + 90 * MINUTE;
            List<String> vitals = readCommitted(cluster.bootstrapServers, "vitals").stream()
                    .filter(v ->
                            Outputs.parse(List.of(v)).get(0).path("window_end").asLong() <= last)
                    .sorted()
                    .collect(Collectors.toList());
            List<String> expected = replay.vitals.stream()
                    .filter(v ->
                            Outputs.parse(List.of(v)).get(0).path("window_end").asLong() <= last)
                    .collect(Collectors.toList());
            assertEquals(expected.size(), vitals.size(), "as many vitals");
            assertEquals(expected, vitals, "and exactly its vitals");
            System.out.printf(
                    "cluster: %d alerts and %d vitals, equal to the replay, across a TaskManager kill and a savepoint restart%n",
                    alerts.size(), vitals.size());
        }
    }

    private static void produce(String servers, List<String> predictions, List<String> labels) {
        KafkaTestSupport.produce(servers, "predictions", KafkaTestSupport.utf8(predictions), 2);
        KafkaTestSupport.produce(servers, "labels", KafkaTestSupport.utf8(labels), 2);
    }

    private static List<String> awaitAlerts(String servers, int count) throws InterruptedException {
        while (true) {
            List<String> alerts = readCommitted(servers, "alerts");
            if (alerts.size() >= count) return alerts;
            Thread.sleep(500);
        }
    }

    /** The topic's committed values, sorted. */
    private static List<String> readCommitted(String servers, String topic) {
        return KafkaTestSupport.values(KafkaTestSupport.readCommitted(servers, topic));
    }
}
