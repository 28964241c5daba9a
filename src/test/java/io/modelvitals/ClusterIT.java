package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.ReplayJob;
import io.modelvitals.testing.FaultTraffic;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.testing.Outputs;
import io.modelvitals.testing.ProcessCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real multi-process cluster deployed as docker-compose.yml and deploy/k8s deploy it: a
 * Kafka broker process, a Flink JobManager process and TaskManager processes whose classpath holds Flink but
 * nothing of Kafka (the connector and client come only in the job jar, loaded child-first), RocksDB with
 * incremental checkpoints on disk. The job is submitted through the REST API. Ninety windows of traffic
 * ({@link FaultTraffic}) with three incidents, in three parts:
 * <ol>
 *   <li>part 1 at once; the job commits the first incident's firing alert;</li>
 *   <li>part 2 window by window, and in the middle of it the TaskManager is killed (SIGKILL) while records are
 *       still being produced, the consumer group lags and a Kafka transaction of the job is open; a new
 *       TaskManager takes over, and the job must restore from its latest checkpoint (checked with the REST
 *       API); then the job is stopped with a savepoint and submitted again from it;</li>
 *   <li>part 3.</li>
 * </ol>
 * The alerts and vitals topics, read with read_committed and polled until complete, must hold each vital and
 * alert once: the accuracy vitals and the alerts that FaultTraffic works out from its own counts, and every
 * vital of an undisturbed replay of the same input.
 */
class ClusterIT {
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
                "      - " + FaultTraffic.RULE,
                "");
    }

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    void survivesATaskManagerKillMidTransactionAndASavepointRestartWithEachOutputOnce(@TempDir Path dir)
            throws Exception {
        Path jar = Path.of(System.getProperty("jobJar", "target/model-vitals-0.1.0-SNAPSHOT.jar"));
        assertTrue(Files.exists(jar), "the shaded job jar (mvn package) at " + jar);
        FaultTraffic traffic = new FaultTraffic(10, 40, 70);
        List<String> firstPredictions = new ArrayList<>(), firstLabels = new ArrayList<>();
        traffic.windows(0, 30, firstPredictions, firstLabels);
        // Part 2 window by window, as it will be produced.
        List<List<String>> secondPredictions = new ArrayList<>(), secondLabels = new ArrayList<>();
        for (int k = 30; k < 60; k++) {
            List<String> p = new ArrayList<>(), l = new ArrayList<>();
            traffic.windows(k, k + 1, p, l);
            secondPredictions.add(p);
            secondLabels.add(l);
        }
        List<String> thirdPredictions = new ArrayList<>(), thirdLabels = new ArrayList<>();
        traffic.windows(60, 90, thirdPredictions, thirdLabels);
        // A later prediction and label in each partition close the last windows.
        FaultTraffic.closing(100, 2, thirdPredictions, thirdLabels);
        long lastEnd = FaultTraffic.end(89);
        List<String> expectedAlerts = traffic.expectedAlerts();
        assertEquals(6, expectedAlerts.size(), "three incidents, each firing and resolving: " + expectedAlerts);

        // The undisturbed run, first: the same input replayed in one go, in this JVM.
        Path in = Files.createDirectories(dir.resolve("input"));
        Files.write(
                in.resolve("predictions.jsonl"),
                Stream.of(List.of(firstPredictions), secondPredictions, List.of(thirdPredictions))
                        .flatMap(List::stream)
                        .flatMap(List::stream)
                        .collect(Collectors.toList()));
        Files.write(
                in.resolve("labels.jsonl"),
                Stream.of(List.of(firstLabels), secondLabels, List.of(thirdLabels))
                        .flatMap(List::stream)
                        .flatMap(List::stream)
                        .collect(Collectors.toList()));
        ReplayJob.Outputs replay = ReplayJob.runLocal(
                SpecLoader.parse(spec("127.0.0.1:9", "replay"), "test"),
                in.resolve("predictions.jsonl"),
                in.resolve("labels.jsonl"),
                null,
                null,
                2);
        List<String> replayVitals = upTo(replay.vitals, lastEnd);

        try (ProcessCluster cluster = new ProcessCluster(dir)) {
            // As the official image: nothing of Kafka on the cluster's classpath, no parent-first Kafka classes.
            assertEquals(
                    List.of(), cluster.clusterJarsWith("org/apache/kafka/"), "Kafka classes in the cluster's lib/");
            assertFalse(cluster.config().contains("parent-first"));
            assertTrue(cluster.config().contains("state.backend.type: rocksdb"));
            assertTrue(cluster.config().contains("execution.checkpointing.incremental: true"));
            cluster.startBroker();
            String suffix = Long.toString(System.nanoTime(), 36);
            String servers = cluster.bootstrapServers;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
                admin.createTopics(List.of(
                                new NewTopic("predictions", 2, (short) 1),
                                new NewTopic("labels", 2, (short) 1),
                                new NewTopic("vitals", 1, (short) 1),
                                new NewTopic("alerts", 1, (short) 1),
                                new NewTopic("dead-letters", 1, (short) 1)))
                        .all()
                        .get();
                Path specFile = dir.resolve("spec.yaml");
                Files.writeString(specFile, spec(servers, suffix));
                cluster.startJobManager();
                Process firstTaskManager = cluster.startTaskManager();
                String jarId = cluster.upload(jar);
                String job = cluster.run(jarId, List.of("run", "--spec", specFile.toString()), null);

                KafkaTestSupport.produce(servers, "predictions", KafkaTestSupport.utf8(firstPredictions), 2);
                KafkaTestSupport.produce(servers, "labels", KafkaTestSupport.utf8(firstLabels), 2);
                awaitAlerts(servers, 1);
                List<String> alertsBeforeKill = readCommitted(servers, "alerts");
                assertTrue(
                        FaultTraffic.alertSummaries(Outputs.parse(alertsBeforeKill))
                                .contains(expectedAlerts.get(0)),
                        "the first incident's firing alert, committed before the kill: " + alertsBeforeKill);

                // Part 2, one window per producer session; it holds after window 50 until the kill, so records are
                // still being produced when the TaskManager dies, and more arrive while the job recovers.
                CountDownLatch killed = new CountDownLatch(1);
                AtomicInteger produced = new AtomicInteger(29);
                CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
                    for (int w = 0; w < secondPredictions.size(); w++) {
                        KafkaTestSupport.produce(
                                servers, "predictions", KafkaTestSupport.utf8(secondPredictions.get(w)), 2);
                        KafkaTestSupport.produce(servers, "labels", KafkaTestSupport.utf8(secondLabels.get(w)), 2);
                        int window = produced.incrementAndGet();
                        if (window == 50) {
                            try {
                                killed.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }
                });
                while (produced.get() < 33) Thread.sleep(50);

                // Freeze the TaskManager (SIGSTOP) and look: kill it only at an instant where the group lags and a
                // transaction of the job holds uncommitted records; else let it run a little and look again.
                String taskManagerId = cluster.taskManagerIds().get(0);
                long[] lag;
                List<String> open;
                for (int attempt = 0; ; attempt++) {
                    assertTrue(attempt < 300, "no instant with lag and an open transaction in 300 looks");
                    cluster.freeze(firstTaskManager);
                    lag = lag(admin, "cluster-" + suffix);
                    open = openTransactions(admin, "cluster-" + suffix);
                    if (lag[0] > 0 && lag[1] > 0 && !open.isEmpty()) break;
                    cluster.thaw(firstTaskManager);
                    Thread.sleep(100);
                }
                int windowAtKill = produced.get();
                cluster.kill(firstTaskManager);
                // No checkpoint can complete without the TaskManager: this is the last one.
                long lastCheckpoint = cluster.get("/jobs/" + job + "/checkpoints")
                        .path("latest")
                        .path("completed")
                        .path("id")
                        .asLong(-1);
                killed.countDown();
                cluster.startTaskManager();
                producer.get(120, TimeUnit.SECONDS);
                awaitAlerts(servers, 4);

                JsonNode checkpoints = cluster.get("/jobs/" + job + "/checkpoints");
                JsonNode restored = checkpoints.path("latest").path("restored");
                assertTrue(lastCheckpoint > 0, "a checkpoint completed before the kill");
                assertEquals(
                        lastCheckpoint,
                        restored.path("id").asLong(),
                        "restored from the last checkpoint: " + checkpoints);
                assertFalse(restored.path("is_savepoint").asBoolean(true), "a checkpoint, not a savepoint");
                assertTrue(
                        cluster.get("/jobs/" + job + "/exceptions").toString().contains(taskManagerId),
                        "the exception history names the lost TaskManager " + taskManagerId);
                assertTrue(
                        cluster.get("/jobs/" + job + "/checkpoints/config")
                                .path("state_backend")
                                .asText()
                                .contains("RocksDB"),
                        "RocksDB state");

                String savepoint = cluster.stopWithSavepoint(job);
                // The savepoint completes a moment before the job's state says so.
                String stopped;
                while ((stopped = cluster.jobState(job)).equals("RUNNING")) Thread.sleep(200);
                assertEquals("FINISHED", stopped, "stopped with a savepoint");
                String resumed = cluster.run(jarId, List.of("run", "--spec", specFile.toString()), savepoint);
                KafkaTestSupport.produce(servers, "predictions", KafkaTestSupport.utf8(thirdPredictions), 2);
                KafkaTestSupport.produce(servers, "labels", KafkaTestSupport.utf8(thirdLabels), 2);

                // Poll until every output is there, then let two more checkpoints commit: a late repeat would show.
                while (readCommitted(servers, "alerts").size() < expectedAlerts.size()
                        || upTo(readCommitted(servers, "vitals"), lastEnd).size() < replayVitals.size())
                    Thread.sleep(500);
                long completed = cluster.get("/jobs/" + resumed + "/checkpoints")
                        .path("counts")
                        .path("completed")
                        .asLong();
                while (cluster.get("/jobs/" + resumed + "/checkpoints")
                                .path("counts")
                                .path("completed")
                                .asLong()
                        < completed + 2) Thread.sleep(300);
                assertEquals("RUNNING", cluster.jobState(resumed));
                assertTrue(cluster.get("/jobs/" + resumed + "/checkpoints")
                        .path("latest")
                        .path("restored")
                        .path("is_savepoint")
                        .asBoolean(false));
                try (Stream<Path> files = Files.walk(dir.resolve("checkpoints"))) {
                    assertTrue(
                            files.anyMatch(
                                    f -> Files.isRegularFile(f) && f.toString().contains("/shared/")),
                            "incremental checkpoints: RocksDB files shared between checkpoints");
                }

                List<String> alerts = readCommitted(servers, "alerts");
                List<String> vitals = readCommitted(servers, "vitals");
                List<JsonNode> parsed = Outputs.parse(vitals);
                FaultTraffic.assertNoDuplicateVitals(parsed);
                traffic.assertAccuracy(parsed, lastEnd);
                assertEquals(
                        expectedAlerts,
                        FaultTraffic.alertSummaries(Outputs.parse(alerts)),
                        "the alerts the counts give");
                assertEquals(replay.alerts, alerts, "exactly the alerts of an undisturbed run");
                assertEquals(replayVitals, upTo(vitals, lastEnd), "and exactly its vitals: none lost, none repeated");
                System.out.printf(
                        "cluster: %d predictions and as many labels; TaskManager killed with part 2 produced up to window %d, "
                                + "lag %d records (%d committed), open transactions %s; restored from checkpoint %d; "
                                + "%d alerts and %d vitals, each once%n",
                        traffic.predictionsWritten(),
                        windowAtKill,
                        lag[0],
                        lag[1],
                        open,
                        lastCheckpoint,
                        alerts.size(),
                        upTo(vitals, lastEnd).size());
            }
        }
    }

    /** {records not yet committed by the job's consumer group, records committed}, over both input topics. */
    private static long[] lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String topic : List.of("predictions", "labels"))
            for (int p = 0; p < 2; p++) latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        long lag = 0, done = 0;
        for (var e : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long position = c == null ? 0 : c.offset();
            lag += e.getValue().offset() - position;
            done += position;
        }
        return new long[] {lag, done};
    }

    /** The job's transactions the broker holds open (records written, neither committed nor aborted). */
    private static List<String> openTransactions(Admin admin, String prefix) throws Exception {
        List<String> ids = admin.listTransactions().all().get().stream()
                .filter(t -> t.transactionalId().startsWith(prefix) && t.state() == TransactionState.ONGOING)
                .map(TransactionListing::transactionalId)
                .collect(Collectors.toList());
        if (ids.isEmpty()) return ids;
        List<String> open = new ArrayList<>();
        admin.describeTransactions(ids).all().get().forEach((id, d) -> {
            if (d.state() == TransactionState.ONGOING && !d.topicPartitions().isEmpty())
                open.add(id + " " + d.topicPartitions());
        });
        return open;
    }

    private static void awaitAlerts(String servers, int count) throws InterruptedException {
        while (readCommitted(servers, "alerts").size() < count) Thread.sleep(500);
    }

    private static List<String> upTo(List<String> lines, long lastEnd) {
        return lines.stream()
                .filter(l -> Outputs.parse(List.of(l)).get(0).path("window_end").asLong() <= lastEnd)
                .sorted()
                .collect(Collectors.toList());
    }

    /** The topic's committed values, sorted. */
    private static List<String> readCommitted(String servers, String topic) {
        return KafkaTestSupport.values(KafkaTestSupport.readCommitted(servers, topic));
    }
}
