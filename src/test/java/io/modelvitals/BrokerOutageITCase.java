package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.io.EmbeddedKafka;
import io.modelvitals.io.Replay;
import io.modelvitals.testing.KafkaTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away mid-stream and comes back: the job recovers (from its last checkpoint) and the
 * topics, read with read_committed, hold exactly the vitals and alerts of an undisturbed run — none
 * lost, none repeated. Accuracy falls to 0.2 in windows 10–19 and 40–49, so the alerts fire and resolve
 * twice, on both sides of the outage.
 */
class BrokerOutageITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;
    private static final int WINDOWS = 60;
    private static final String SPEC = String.join("\n",
            "job: {max_out_of_orderness: 1s, idleness: 1s, checkpoint_interval: 200ms}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: m",
            "    window: {size: 1m}",
            "    label_horizon: 5m",
            "    segments: [country]",
            "    rules:",
            "      - {name: accuracy-low, vital: accuracy, op: '<', threshold: 0.5, min_samples: 50, for: 2, severity: critical}",
            "");

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theJobRidesOutABrokerOutageWithoutLosingOrRepeatingAnAlert(@TempDir Path dir) throws Exception {
        List<String> predictions = new ArrayList<>(), labels = new ArrayList<>();
        for (int k = 0; k < WINDOWS; k++) {
            boolean bad = (k >= 10 && k < 20) || (k >= 40 && k < 50);
            for (int i = 0; i < 300; i++) {
                long ts = T0 + k * MINUTE + i * 200L;
                String id = "p-" + k + "-" + i;
                predictions.add(String.format("{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"cat\","
                        + "\"segment\":{\"country\":\"%s\"}}", id, ts, i % 3 == 0 ? "US" : "DE"));
                boolean correct = bad ? i % 5 == 0 : i % 10 != 0;
                labels.add(String.format("{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"%s\"}", id, ts + 2_000, correct ? "cat" : "dog"));
            }
        }
        Files.write(dir.resolve("predictions.jsonl"), predictions);
        Files.write(dir.resolve("labels.jsonl"), labels);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), kafka);
            KafkaTestSupport.produce(kafka, spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
            KafkaTestSupport.produce(kafka, spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            Configuration restarts = new Configuration();
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1_000);
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
            env.configure(restarts);
            ModelVitals.defineKafkaJob(env, spec, true);
            JobClient job = env.executeAsync("broker outage it");

            // Mid-stream: some vitals are committed, the input is not done.
            while (KafkaTestSupport.readCommitted(kafka, spec.kafka.topics.vitals).isEmpty()) Thread.sleep(50);
            kafka.stop();
            Thread.sleep(5_000);
            assertTrue(!job.getJobStatus().get().isGloballyTerminalState(), "the job waits for the broker");
            kafka.restart();
            JobStatus end = job.getJobExecutionResult().thenApply(r -> JobStatus.FINISHED).get(180, TimeUnit.SECONDS);
            assertEquals(JobStatus.FINISHED, end);

            StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment();
            replayEnv.setParallelism(2);
            Replay.Outputs replay = Replay.run(replayEnv, SpecLoader.parse(SPEC, "test"),
                    dir.resolve("predictions.jsonl"), dir.resolve("labels.jsonl"), null);
            List<String> alerts = KafkaTestSupport.values(KafkaTestSupport.readCommitted(kafka, spec.kafka.topics.alerts));
            assertEquals(4, replay.alerts.size(), "two incidents, each firing and resolving: " + replay.alerts);
            assertEquals(replay.alerts, alerts, "exactly the alerts of an undisturbed run");
            assertEquals(replay.vitals, KafkaTestSupport.values(KafkaTestSupport.readCommitted(kafka, spec.kafka.topics.vitals)),
                    "and exactly its vitals");
        }
    }
}
