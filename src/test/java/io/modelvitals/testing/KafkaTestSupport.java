package io.modelvitals.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.tools.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Fresh topics, producing and read_committed reading on the in-process broker, for ITCases. */
public final class KafkaTestSupport {
    /**
     * The Flink cluster the job ITCases run on: one TaskManager with two slots, parallelism 2 as in the benchmark.
     * One shape for all of them, so a change to it is one change.
     */
    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    private KafkaTestSupport() {}

    /** Points the spec at fresh, randomly named topics (inputs with two partitions) on the broker. */
    public static MonitorSpec onFreshTopics(MonitorSpec spec, EmbeddedKafka kafka) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        var t = spec.kafka.topics;
        t.predictions = "predictions-" + suffix;
        t.labels = "labels-" + suffix;
        t.businessEvents = "business-events-" + suffix;
        t.vitals = "vitals-" + suffix;
        t.alerts = "alerts-" + suffix;
        t.deadLetters = "dead-letters-" + suffix;
        t.rules = "rules-" + suffix;
        spec.kafka.bootstrapServers = kafka.bootstrapServers();
        spec.kafka.groupId = "it-" + suffix;
        spec.job.transactionalIdPrefix = "it-" + suffix;
        kafka.createTopics(2, t.predictions, t.labels, t.businessEvents);
        kafka.createTopics(1, t.vitals, t.alerts, t.deadLetters, t.rules);
        return spec;
    }

    /** Writes the values round-robin over the topic's two partitions, so each partition stays in order. */
    public static void produce(EmbeddedKafka kafka, String topic, List<byte[]> values) {
        produce(kafka, topic, values, 2);
    }

    /** Writes the values round-robin over the topic's first {@code partitions} partitions. */
    public static void produce(EmbeddedKafka kafka, String topic, List<byte[]> values, int partitions) {
        produce(kafka.bootstrapServers(), topic, values, partitions);
    }

    /** Writes the values round-robin over the first {@code partitions} partitions of a topic on any broker. */
    public static void produce(String bootstrapServers, String topic, List<byte[]> values, int partitions) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            int i = 0;
            for (byte[] value : values) producer.send(new ProducerRecord<>(topic, i++ % partitions, null, value));
            producer.flush();
        }
    }

    public static List<byte[]> utf8(List<String> lines) {
        List<byte[]> out = new ArrayList<>();
        for (String l : lines) out.add(l.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /**
     * Runs the Kafka job over what the input topics hold, to their end (bounded sources), at parallelism 2 on the
     * test's MiniCluster.
     */
    public static void runToEnd(MonitorSpec spec, String jobName) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaJob.define(env, spec, true);
        env.execute(jobName);
    }

    /** The JSON records committed to partition 0 of a topic, read_committed. */
    public static List<JsonNode> committedJson(EmbeddedKafka kafka, String topic) {
        return Outputs.parse(values(readCommitted(kafka, topic)));
    }

    /** Everything committed to partition 0 of a topic, read as an alerting system would: read_committed. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(EmbeddedKafka kafka, String topic) {
        return readCommitted(kafka.bootstrapServers(), topic);
    }

    /** The same, on any broker. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, String topic) {
        return read(bootstrapServers, topic, "read_committed");
    }

    /** Everything partition 0 of a topic holds now for a reader at this isolation level. */
    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrapServers, String topic, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end)
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    /** The records' values as sorted UTF-8 lines. */
    public static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) lines.add(new String(r.value(), StandardCharsets.UTF_8));
        java.util.Collections.sort(lines);
        return lines;
    }
}
