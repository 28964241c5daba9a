package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.job.ReplayJob;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.tools.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away mid-stream and comes back, between the two halves of the input of a live job: the
 * job recovers (from its last checkpoint) and the
 * topics, read with read_committed, hold exactly the vitals and alerts of an undisturbed run — none
 * lost, none repeated. Accuracy falls to 0.2 in windows 10–19 and 40–49, so the alerts fire and resolve
 * twice, on both sides of the outage.
 */
class BrokerOutageITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;
    private static final int WINDOWS = 60;
    private static final String SPEC = String.join(
            "\n",
            // No partition is ever idle here (each ends with a closing record): a restart's catch-up must not make any
            // late.
            "job: {max_out_of_orderness: 1s, idleness: 1h, checkpoint_interval: 200ms}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: m",
            "    window: {size: 1m}",
            "    label_horizon: 5m",
            "    segments: [country]",
            "    rules:",
            "      - {name: accuracy-low, vital: accuracy, op: '<', threshold: 0.5, min_samples: 50, for: 2, severity: critical}",
            "");

    private static List<String> upTo(List<String> vitals, long windowEnd) {
        return vitals.stream()
                .filter(v -> io.modelvitals.testing.Outputs.parse(List.of(v))
                                .get(0)
                                .path("window_end")
                                .asLong()
                        <= windowEnd)
                .collect(java.util.stream.Collectors.toList());
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theJobRidesOutABrokerOutageWithoutLosingOrRepeatingAnAlert(@TempDir Path dir) throws Exception {
        List<String> predictions = new ArrayList<>(), labels = new ArrayList<>();
        for (int k = 0; k < WINDOWS; k++) {
            boolean bad = (k >= 10 && k < 20) || (k >= 40 && k < 50);
            for (int i = 0; i < 300; i++) {
                long ts = T0 + k * MINUTE + i * 200L;
                String id = "p-" + k + "-" + i;
                predictions.add(String.format(
                        "{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"cat\","
                                + "\"segment\":{\"country\":\"%s\"}}",
                        id, ts, i % 3 == 0 ? "US" : "DE"));
                boolean correct = bad ? i % 5 == 0 : i % 10 != 0;
                labels.add(String.format(
                        "{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"%s\"}",
                        id, ts + 2_000, correct ? "cat" : "dog"));
            }
        }
        // A later prediction and label in each partition close the last windows of the live run.
        for (int c = 0; c < 2; c++) {
            predictions.add(String.format(
                    "{\"prediction_id\":\"closing-%d\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"cat\"}",
                    c, T0 + (WINDOWS + 10) * MINUTE));
            labels.add(String.format(
                    "{\"prediction_id\":\"closing-%d\",\"ts\":%d,\"label\":\"cat\"}", c, T0 + (WINDOWS + 10) * MINUTE));
        }
        Files.write(dir.resolve("predictions.jsonl"), predictions);
        Files.write(dir.resolve("labels.jsonl"), labels);
        int half = predictions.size() / 2 / 2 * 2; // even: both halves alternate over the two partitions

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), kafka);
            // Live (unbounded): the first half before the outage, the second after it.
            KafkaTestSupport.produce(
                    kafka, spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions.subList(0, half)));
            KafkaTestSupport.produce(kafka, spec.kafka.topics.labels, KafkaTestSupport.utf8(labels.subList(0, half)));

            // The undisturbed run first (the live job will hold the mini cluster's slots).
            StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment();
            replayEnv.setParallelism(2);
            ReplayJob.Outputs replay = ReplayJob.run(
                    replayEnv,
                    SpecLoader.parse(SPEC, "test"),
                    dir.resolve("predictions.jsonl"),
                    dir.resolve("labels.jsonl"),
                    null);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            Configuration restarts = new Configuration();
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1_000);
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
            env.configure(restarts);
            KafkaJob.define(env, spec, false);
            JobClient job = env.executeAsync("broker outage it");

            // Mid-stream: some vitals are committed, the input is not done.
            while (KafkaTestSupport.readCommitted(kafka, spec.kafka.topics.vitals)
                    .isEmpty()) Thread.sleep(50);
            kafka.stop();
            Thread.sleep(5_000);
            assertTrue(!job.getJobStatus().get().isGloballyTerminalState(), "the job waits for the broker");
            kafka.restart();
            KafkaTestSupport.produce(
                    kafka,
                    spec.kafka.topics.predictions,
                    KafkaTestSupport.utf8(predictions.subList(half, predictions.size())));
            KafkaTestSupport.produce(
                    kafka, spec.kafka.topics.labels, KafkaTestSupport.utf8(labels.subList(half, labels.size())));

            assertEquals(4, replay.alerts.size(), "two incidents, each firing and resolving: " + replay.alerts);
            List<String> alerts;
            do {
                Thread.sleep(300);
                alerts = KafkaTestSupport.values(KafkaTestSupport.readCommitted(kafka, spec.kafka.topics.alerts));
            } while (alerts.size() < replay.alerts.size());
            long last = T0 + WINDOWS * MINUTE;
            List<String> vitals;
            List<String> expected = upTo(replay.vitals, last);
            do {
                Thread.sleep(300);
                vitals = upTo(
                        KafkaTestSupport.values(KafkaTestSupport.readCommitted(kafka, spec.kafka.topics.vitals)), last);

            } while (vitals.size() < expected.size());
            Thread.sleep(1_000);
            assertEquals(
                    replay.alerts,
                    KafkaTestSupport.values(KafkaTestSupport.readCommitted(kafka, spec.kafka.topics.alerts)),
                    "exactly the alerts of an undisturbed run");
            assertEquals(
                    expected,
                    upTo(
                            KafkaTestSupport.values(KafkaTestSupport.readCommitted(kafka, spec.kafka.topics.vitals)),
                            last),
                    "and exactly its vitals");
            job.cancel().get();
        }
    }
}
