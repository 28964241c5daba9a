package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.testing.KnownStreams;
import io.modelvitals.testing.Outputs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code job.alert_delivery: at_least_once}: alerts are readable (read_committed, as the forwarder reads) as soon as
 * the job writes them, before any checkpoint. The live job's checkpoint interval is an hour, so no checkpoint
 * completes during the test: the vitals, still exactly-once, are written but not readable, which shows that no
 * transaction committed; with exactly-once alerts (the default) the alerts would be as unreadable as the vitals.
 */
class AlertDeliveryITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void atLeastOnceAlertsAreReadableBeforeAnyCheckpoint() throws Exception {
        String yaml = KnownStreams.SPEC.replace(
                "checkpoint_interval: 500ms", "checkpoint_interval: 1h\n  alert_delivery: at_least_once");
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(yaml, "test"), KAFKA.kafka());
        assertEquals("at_least_once", spec.job.alertDelivery);
        // A live job has no end of input to close the last windows: one prediction and one label at minute 10 on
        // each partition carry every watermark past the known windows (minute 10's own window stays open).
        List<String> predictions = new ArrayList<>(KnownStreams.predictions());
        List<String> labels = new ArrayList<>(KnownStreams.labels());
        long late = KnownStreams.T0 + 10 * KnownStreams.MINUTE;
        for (int i = 0; i < 2; i++) {
            predictions.add("{\"prediction_id\":\"trailer-" + i + "\",\"model\":\"m\",\"version\":\"v1\",\"ts\":" + late
                    + ",\"label\":\"cat\",\"segment\":{\"country\":\"US\"}}");
            labels.add("{\"prediction_id\":\"trailer-" + i + "\",\"ts\":" + late + ",\"label\":\"cat\"}");
        }
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // Flink starts the first checkpoint after a random delay between the minimum pause and the interval: with
        // the pause at the interval, none can complete within the test.
        Configuration noCheckpoint = new Configuration();
        noCheckpoint.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ofHours(1));
        env.configure(noCheckpoint);
        KafkaJob.define(env, spec, false);
        JobClient job = env.executeAsync("alert delivery it");
        try {
            List<ConsumerRecord<byte[], byte[]>> alerts = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (alerts.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                alerts = KafkaTestSupport.readCommitted(KAFKA.kafka(), spec.kafka.topics.alerts);
            }
            Outputs.assertKnownAlerts(Outputs.parse(KafkaTestSupport.values(alerts)));
            // The vitals of the same windows were written before those alerts, in a transaction no checkpoint has
            // committed.
            assertTrue(read(spec.kafka.topics.vitals, "read_uncommitted") > 0, "vitals written");
            assertEquals(0, read(spec.kafka.topics.vitals, "read_committed"), "vitals committed");
        } finally {
            job.cancel().get();
        }
    }

    /** How many records of partition 0 a consumer at this isolation level can read now. */
    private static int read(String topic, String isolation) {
        return KafkaTestSupport.read(KAFKA.kafka().bootstrapServers(), topic, isolation)
                .size();
    }
}
