package io.modelvitals.io;

import io.modelvitals.config.JobSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.VitalRecord;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources and exactly-once sinks for the job, built from the spec. */
public final class KafkaIO {
    /** Below the broker's default transaction.max.timeout.ms (15 min), or the sink cannot start. */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaIO() {}

    /** Sources on the spec's topics; bounded at the offsets current at start when {@code bounded}. */
    public static JobSources sources(MonitorSpec spec, boolean bounded) {
        return new JobSources(
                source(spec, spec.kafka.topics.predictions, InputParser.Kind.PREDICTION, bounded),
                source(spec, spec.kafka.topics.labels, InputParser.Kind.LABEL, bounded),
                // An empty topic name: the deployment has no business events, do not subscribe.
                spec.kafka.topics.businessEvents == null || spec.kafka.topics.businessEvents.isBlank()
                        ? null
                        : source(spec, spec.kafka.topics.businessEvents, InputParser.Kind.BUSINESS_EVENT, bounded),
                rules(spec, bounded));
    }

    /**
     * The rules control topic, always from its beginning when there is no checkpoint: replaying every
     * rule set in order leaves the latest in force (committed offsets would skip them).
     */
    private static KafkaSource<ControlRecord> rules(MonitorSpec spec, boolean bounded) {
        KafkaSourceBuilder<ControlRecord> builder = KafkaSource.<ControlRecord>builder()
                .setProperties(clientProperties(spec))
                .setBootstrapServers(spec.kafka.bootstrapServers)
                // A pattern, not a name: the job runs without the topic and picks it up once it exists.
                .setTopicPattern(Pattern.compile(Pattern.quote(spec.kafka.topics.rules)))
                .setGroupId(spec.kafka.groupId)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ControlRecordDeserializer())
                .setProperty("isolation.level", "read_committed");
        // Discovery finds the topic once it is created; a bounded read must not wait for it.
        if (bounded) builder.setBounded(OffsetsInitializer.latest());
        else builder.setProperty("partition.discovery.interval.ms", "30000");
        return builder.build();
    }

    private static KafkaSource<InputRecord> source(
            MonitorSpec spec, String topic, InputParser.Kind kind, boolean bounded) {
        KafkaSourceBuilder<InputRecord> builder = KafkaSource.<InputRecord>builder()
                .setProperties(clientProperties(spec))
                .setBootstrapServers(spec.kafka.bootstrapServers);
        if (kind == InputParser.Kind.BUSINESS_EVENT) {
            // Optional input: a deployment without business events need not create the topic.
            builder.setTopicPattern(Pattern.compile(Pattern.quote(topic)));
            if (!bounded) builder.setProperty("partition.discovery.interval.ms", "30000");
        } else {
            builder.setTopics(topic);
        }
        builder.setGroupId(spec.kafka.groupId)
                .setStartingOffsets(startingOffsets(spec.kafka.startFrom))
                .setDeserializer(new KafkaInputDeserializer(kind, spec.job.maxFutureSkewMs(), spec.job.maxRecordBytes))
                // Upstream producers may be transactional: never read what they aborted.
                .setProperty("isolation.level", "read_committed");
        if (bounded) builder.setBounded(OffsetsInitializer.latest());
        return builder.build();
    }

    // The connector (5.0.0-2.2) takes Kafka's OffsetResetStrategy, deprecated in kafka-clients 4 with no
    // replacement in the connector's API yet.
    @SuppressWarnings("deprecation")
    private static OffsetsInitializer startingOffsets(String startFrom) {
        switch (startFrom) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }

    /**
     * Exactly-once sinks: records become visible to read_committed consumers when a checkpoint completes. Alerts may
     * instead go at least once ({@code job.alert_delivery}), readable as soon as they are written.
     */
    public static JobSinks sinks(MonitorSpec spec) {
        String servers = spec.kafka.bootstrapServers;
        Properties client = clientProperties(spec);
        String prefix = spec.job.transactionalIdPrefix;
        return new JobSinks() {
            @Override
            public void vitals(DataStream<VitalRecord> vitals) {
                vitals.sinkTo(sink(
                                servers,
                                client,
                                spec.kafka.topics.vitals,
                                prefix + "-vitals",
                                DeliveryGuarantee.EXACTLY_ONCE,
                                true,
                                new OutputJson.VitalKey(),
                                new OutputJson.VitalValue()))
                        .uid("sink-vitals")
                        .name("Vitals to Kafka");
            }

            @Override
            public void alerts(DataStream<AlertRecord> alerts) {
                alerts.sinkTo(sink(
                                servers,
                                client,
                                spec.kafka.topics.alerts,
                                prefix + "-alerts",
                                JobSpec.AT_LEAST_ONCE.equals(spec.job.alertDelivery)
                                        ? DeliveryGuarantee.AT_LEAST_ONCE
                                        : DeliveryGuarantee.EXACTLY_ONCE,
                                false,
                                new OutputJson.AlertKey(),
                                new OutputJson.AlertValue()))
                        .uid("sink-alerts")
                        .name("Alerts to Kafka");
            }

            @Override
            public void deadLetters(DataStream<DeadLetter> deadLetters) {
                deadLetters
                        .sinkTo(sink(
                                servers,
                                client,
                                spec.kafka.topics.deadLetters,
                                prefix + "-dead-letters",
                                DeliveryGuarantee.EXACTLY_ONCE,
                                true,
                                null,
                                new OutputJson.DeadLetterValue()))
                        .uid("sink-dead-letters")
                        .name("Dead letters to Kafka");
            }
        };
    }

    /** The pass-through client settings (security, SASL, SSL…); the job's own settings are applied after them. */
    static Properties clientProperties(MonitorSpec spec) {
        Properties p = new Properties();
        p.putAll(spec.kafka.clientProperties);
        return p;
    }

    /**
     * The job's own settings for an output producer, on top of the client properties. Exactly once: the transaction
     * timeout. Exactly once and {@code bulk} (vitals, dead letters): batches of up to 256 KB that wait up to 100 ms to
     * fill (Kafka's defaults are 16 KB and 5 ms). Such a sink's records are readable only when the checkpoint's commit
     * comes, and the sink flushes its producer before that, so the wait costs no latency; while the vitals of a
     * sliding window, ten times as many records in bursts at each slide, went to the broker in thousands of small
     * requests: batched, a sliding run took 22% less CPU (docs/benchmarks.md, "Batching the exactly-once
     * sinks"). Alerts are few, and at least once (by choice) readable as soon as written: Kafka's defaults. Batching
     * settings in {@code kafka.properties} win.
     */
    static Properties producerSettings(DeliveryGuarantee delivery, boolean bulk, Properties client) {
        Properties p = new Properties();
        if (delivery != DeliveryGuarantee.EXACTLY_ONCE) return p;
        p.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        if (!bulk) return p;
        if (!client.containsKey("linger.ms")) p.setProperty("linger.ms", "100");
        if (!client.containsKey("batch.size")) p.setProperty("batch.size", String.valueOf(256 * 1024));
        return p;
    }

    private static <T> KafkaSink<T> sink(
            String servers,
            Properties client,
            String topic,
            String transactionalIdPrefix,
            DeliveryGuarantee delivery,
            boolean bulk,
            SerializationSchema<T> key,
            SerializationSchema<T> value) {
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setKafkaProducerConfig(client)
                .setBootstrapServers(servers)
                .setRecordSerializer(new OutputRecordSerializer<>(topic, key, value))
                .setDeliveryGuarantee(delivery);
        if (delivery == DeliveryGuarantee.EXACTLY_ONCE) builder.setTransactionalIdPrefix(transactionalIdPrefix);
        producerSettings(delivery, bulk, client).forEach((k, v) -> builder.setProperty((String) k, (String) v));
        // At least once: the producer is idempotent (Kafka's default), so a retry within a run writes no copy and
        // an alert's states stay in order on their key's partition; only a restart repeats what followed the last
        // checkpoint.
        return builder.build();
    }
}
