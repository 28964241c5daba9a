package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.config.JobSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.io.JobSinks;
import io.modelvitals.io.KafkaIO;
import io.modelvitals.job.ReplayJob;
import io.modelvitals.job.VitalsJob;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.FailAfterCheckpoint;
import io.modelvitals.testing.FaultTraffic;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.testing.Outputs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failure inside a live job, after a checkpoint completed: the job must restart from that checkpoint (not from
 * scratch, not from a savepoint) and the topics, read with read_committed, must hold every vital and alert once.
 * The expected accuracy vitals and alerts come from {@link FaultTraffic}'s own counts of the records it wrote;
 * the whole set of vitals is also compared with a replay of the same input.
 */
class MidStreamFailureITCase {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** What the last poll of the outputs found, for the message of a failed wait. */
    private static volatile String progress = "";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final String SPEC = String.join(
            "\n",
            // Idleness far above the test's length: the watermark waits for labels however the records are timed.
            "job: {max_out_of_orderness: 1s, idleness: 1h}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: m",
            "    window: {size: 1m}",
            "    label_horizon: 5m",
            "    segments: [country]",
            "    rules:",
            "      - " + FaultTraffic.RULE,
            "");

    /**
     * With exactly-once alerts (the default) every output is there once. With {@code alert_delivery: at_least_once}
     * the vitals still are; the alerts are every alert of the undisturbed run, some perhaps twice (those written
     * after the restored checkpoint), and nothing else.
     */
    @ParameterizedTest
    @ValueSource(strings = {JobSpec.EXACTLY_ONCE, JobSpec.AT_LEAST_ONCE})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aFailureAfterACompletedCheckpointRestoresFromItAndNeitherLosesNorRepeatsAnOutput(
            String alertDelivery, @TempDir Path dir) throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        spec.job.alertDelivery = alertDelivery;
        spec.kafka.topics.businessEvents = "";
        spec.kafka.topics.rules = "";
        // Windows 0..19, an incident in windows 6..15: it fires in the first half and resolves in the second.
        FaultTraffic traffic = new FaultTraffic(6);
        List<String> firstPredictions = new ArrayList<>(), firstLabels = new ArrayList<>();
        List<String> secondPredictions = new ArrayList<>(), secondLabels = new ArrayList<>();
        traffic.windows(0, 10, firstPredictions, firstLabels);
        traffic.windows(10, 20, secondPredictions, secondLabels);
        // Flink does not checkpoint watermarks: after a restore a partition's watermark starts again with its next
        // record, so windows whose records were all read before the checkpoint wait for later ones. These come
        // after the restore, as live traffic would.
        List<String> closingPredictions = new ArrayList<>(), closingLabels = new ArrayList<>();
        FaultTraffic.closing(30, 2, closingPredictions, closingLabels);
        long lastEnd = FaultTraffic.end(19);
        List<String> expectedAlerts = traffic.expectedAlerts();
        assertEquals(2, expectedAlerts.size(), "the incident fires and resolves: " + expectedAlerts);

        // The undisturbed run first: the live job then has the cluster's two slots to itself.
        Files.write(
                dir.resolve("predictions.jsonl"),
                concat(concat(firstPredictions, secondPredictions), closingPredictions));
        Files.write(dir.resolve("labels.jsonl"), concat(concat(firstLabels, secondLabels), closingLabels));
        StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        replayEnv.setParallelism(2);
        ReplayJob.Outputs replay = ReplayJob.run(
                replayEnv,
                SpecLoader.parse(SPEC, "test"),
                dir.resolve("predictions.jsonl"),
                dir.resolve("labels.jsonl"),
                null);
        List<String> replayVitals = upTo(replay.vitals, lastEnd);

        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(firstPredictions));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(firstLabels));
        FailAfterCheckpoint.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(restarts);
        env.enableCheckpointing(200);
        JobSinks kafkaSinks = KafkaIO.sinks(spec);
        VitalsJob.defineWorkflow(env, spec, KafkaIO.sources(spec, false), new JobSinks() {
            @Override
            public void vitals(DataStream<VitalRecord> vitals) {
                kafkaSinks.vitals(vitals.map(new FailAfterCheckpoint<VitalRecord>())
                        .returns(VitalRecord.class)
                        .uid("test-fail-after-checkpoint")
                        .name("Fails once after a checkpoint")
                        .setParallelism(1));
            }

            @Override
            public void alerts(DataStream<AlertRecord> alerts) {
                kafkaSinks.alerts(alerts);
            }

            @Override
            public void deadLetters(DataStream<DeadLetter> deadLetters) {
                kafkaSinks.deadLetters(deadLetters);
            }
        });
        JobClient job = env.executeAsync("kafka pipeline with a failure after a checkpoint");
        String jobId = job.getJobID().toHexString();
        List<String> vitals, alerts;
        try {
            // A checkpoint that covers vitals already written completes; only then does the second half arrive,
            // and its first vital fails the job.
            await(jobId, "a checkpoint that had seen vitals", () -> FailAfterCheckpoint.ARMED_BY.get() >= 0);
            KafkaTestSupport.produce(
                    KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(secondPredictions));
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(secondLabels));
            await(jobId, "the restore after the injected failure", () -> FailAfterCheckpoint.RESTORED_FROM.get() >= 0);
            KafkaTestSupport.produce(
                    KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(closingPredictions));
            KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(closingLabels));
            // Poll until the outputs are complete, then let two more checkpoints commit: a late repeat would show.
            await(jobId, "every vital and alert of the undisturbed run", () -> {
                List<String> sofar = upTo(readCommitted(spec.kafka.topics.vitals), lastEnd);
                // Distinct: at least once, a repeat of the firing alert is not its resolution.
                int alertsSoFar = (int) readCommitted(spec.kafka.topics.alerts).stream()
                        .distinct()
                        .count();
                progress = sofar.size() + " of " + replayVitals.size() + " vitals (last window end "
                        + sofar.stream()
                                .mapToLong(l -> Outputs.parse(List.of(l))
                                        .get(0)
                                        .path("window_end")
                                        .asLong())
                                .max()
                                .orElse(-1)
                        + ", expected up to " + lastEnd + "), " + alertsSoFar + " of " + expectedAlerts.size()
                        + " alerts";
                return sofar.size() >= replayVitals.size() && alertsSoFar >= expectedAlerts.size();
            });
            long completed = rest("/jobs/" + jobId + "/checkpoints")
                    .path("counts")
                    .path("completed")
                    .asLong();
            await(
                    jobId,
                    "two more checkpoints",
                    () -> rest("/jobs/" + jobId + "/checkpoints")
                                    .path("counts")
                                    .path("completed")
                                    .asLong()
                            >= completed + 2);
            vitals = readCommitted(spec.kafka.topics.vitals);
            alerts = readCommitted(spec.kafka.topics.alerts);

            // Restored from the checkpoint completed before the throw (or, if one more completed at the
            // JobManager before its notice arrived, that one: never an older one, never from scratch).
            long restored = FailAfterCheckpoint.RESTORED_FROM.get();
            assertTrue(FailAfterCheckpoint.FAILED.get(), "the failure was injected");
            assertTrue(
                    restored >= FailAfterCheckpoint.NOTIFIED_AT_FAILURE.get()
                            && restored <= FailAfterCheckpoint.SNAPSHOTTED_AT_FAILURE.get(),
                    "restored checkpoint " + restored + ", the last completed before the failure being "
                            + FailAfterCheckpoint.NOTIFIED_AT_FAILURE.get() + " and the last taken "
                            + FailAfterCheckpoint.SNAPSHOTTED_AT_FAILURE.get());
            assertTrue(FailAfterCheckpoint.NOTIFIED_AT_FAILURE.get() >= FailAfterCheckpoint.ARMED_BY.get());
            long countThere = FailAfterCheckpoint.COUNT_AT.get(restored);
            assertTrue(countThere > 0, "the restored checkpoint had seen vitals");
            assertEquals(countThere, FailAfterCheckpoint.RESTORED_COUNT.get(), "the state of that checkpoint");
            JsonNode checkpoints = rest("/jobs/" + jobId + "/checkpoints");
            JsonNode latestRestore = checkpoints.path("latest").path("restored");
            assertEquals(restored, latestRestore.path("id").asLong(), checkpoints.toString());
            assertFalse(latestRestore.path("is_savepoint").asBoolean(true), "a checkpoint, not a savepoint");
            assertEquals(1, checkpoints.path("counts").path("restored").asLong(), "one restore");
            assertTrue(
                    rest("/jobs/" + jobId + "/exceptions").toString().contains("injected failure after checkpoint"),
                    "the exception history shows the injected failure");
        } finally {
            job.cancel().get();
        }

        List<JsonNode> parsed = Outputs.parse(vitals);
        FaultTraffic.assertNoDuplicateVitals(parsed);
        traffic.assertAccuracy(parsed, lastEnd);
        assertEquals(replayVitals, upTo(vitals, lastEnd), "every vital of an undisturbed run, once");
        // At least once: an alert state written after the restored checkpoint is written again by the restarted job,
        // the same record; the forwarder applies it as the state it already has (docs/semantics.md).
        List<String> distinctAlerts = alerts.stream().distinct().collect(Collectors.toList());
        if (alertDelivery.equals(JobSpec.EXACTLY_ONCE)) assertEquals(distinctAlerts, alerts, "no alert repeated");
        assertEquals(
                expectedAlerts,
                FaultTraffic.alertSummaries(Outputs.parse(distinctAlerts)),
                "the alerts the counts give");
        assertEquals(replay.alerts, distinctAlerts, "and those of the undisturbed run");
        System.out.printf(
                "%s alerts: failure after checkpoint %d, restored from %d: %d predictions, %d vitals once, %d alert"
                        + " records for %d alerts%n",
                alertDelivery,
                FailAfterCheckpoint.NOTIFIED_AT_FAILURE.get(),
                FailAfterCheckpoint.RESTORED_FROM.get(),
                traffic.predictionsWritten(),
                upTo(vitals, lastEnd).size(),
                alerts.size(),
                distinctAlerts.size());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<String> upTo(List<String> lines, long lastEnd) {
        return lines.stream()
                .filter(l -> Outputs.parse(List.of(l)).get(0).path("window_end").asLong() <= lastEnd)
                .sorted()
                .collect(Collectors.toList());
    }

    private static List<String> readCommitted(String topic) {
        return KafkaTestSupport.values(KafkaTestSupport.readCommitted(KAFKA.kafka(), topic));
    }

    private static JsonNode rest(String path) throws Exception {
        Configuration client = MINI_CLUSTER.getClientConfiguration();
        URI uri = URI.create("http://" + client.get(RestOptions.ADDRESS) + ":" + client.get(RestOptions.PORT) + path);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        return MAPPER.readTree(r.body());
    }

    /** Each vertex's input watermark per subtask, to say where event time stopped when a wait fails. */
    private static String watermarks(String jobId) throws Exception {
        StringBuilder out = new StringBuilder();
        for (JsonNode v : rest("/jobs/" + jobId).path("vertices")) {
            out.append(
                            v.path("name").asText().replaceAll("\\s+", " "),
                            0,
                            Math.min(60, v.path("name").asText().length()))
                    .append(" = ");
            for (JsonNode w :
                    rest("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/watermarks"))
                out.append(w.path("id").asText())
                        .append(':')
                        .append(w.path("value").asText())
                        .append(' ');
            out.append("| ");
        }
        return out.toString();
    }

    /** Polls a condition the job will make true. */
    private interface Condition {
        boolean holds() throws Exception;
    }

    /**
     * Waits for a condition, failing at once, with what the job and the injected failure reached, when the job has
     * ended or 180 s have passed (below the test's @Timeout), so a hang says where it stopped instead of timing out
     * without a word.
     */
    private static void await(String jobId, String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!condition.holds()) {
            String state = rest("/jobs/" + jobId).path("state").asText();
            boolean ended = state.equals("FAILED") || state.equals("CANCELED") || state.equals("FINISHED");
            if (ended || System.nanoTime() > deadline)
                throw new AssertionError("waiting for " + what + " (" + progress + "): job " + state
                        + "; injected failure "
                        + FailAfterCheckpoint.FAILED.get() + ", armed by " + FailAfterCheckpoint.ARMED_BY.get()
                        + ", notified at failure " + FailAfterCheckpoint.NOTIFIED_AT_FAILURE.get() + ", restored from "
                        + FailAfterCheckpoint.RESTORED_FROM.get() + "; checkpoints "
                        + rest("/jobs/" + jobId + "/checkpoints").path("counts") + "; watermarks "
                        + watermarks(jobId) + "; exceptions "
                        + rest("/jobs/" + jobId + "/exceptions"));
            Thread.sleep(200);
        }
    }
}
