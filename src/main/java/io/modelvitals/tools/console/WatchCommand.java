package io.modelvitals.tools.console;

import io.modelvitals.config.Args;
import io.modelvitals.config.Durations;
import io.modelvitals.config.KafkaClientProperties;
import io.modelvitals.config.KafkaSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code watch}: the demo's live console for any running deployment. Reads the vitals, alerts and
 * dead-letter topics read_committed (what the job has committed, never an aborted transaction), from the
 * records of the last {@code --since} on, without a consumer group: watching commits nothing and disturbs
 * no one. Runs until interrupted (or, with {@code --exit-at-end}, until it has read what was committed when
 * it started), then prints the rows still held back.
 */
public final class WatchCommand {
    private WatchCommand() {}

    public static void command(Args flags) {
        String servers = flags.has("bootstrap") ? flags.required("bootstrap") : flags.required("bootstrap-servers");
        List<String> topics = topics(flags.get("topics", ""));
        Properties props = consumerProperties(servers);
        if (flags.has("kafka-properties"))
            props.putAll(KafkaClientProperties.load(Path.of(flags.required("kafka-properties"))));
        Duration since = Durations.parse(flags.get("since", "1h"));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            try {
                main.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        watch(
                props,
                topics,
                System.currentTimeMillis() - since.toMillis(),
                flags.has("exit-at-end"),
                running,
                System.out);
    }

    private static boolean caughtUp(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet())
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        return true;
    }

    /** vitals,alerts[,dead-letters]: the spec's default names where the flag is empty. */
    static List<String> topics(String flag) {
        KafkaSpec.TopicsSpec defaults = new KafkaSpec().topics;
        List<String> given = new ArrayList<>();
        for (String t : flag.split(",")) if (!t.isBlank()) given.add(t.trim());
        if (given.isEmpty()) return List.of(defaults.vitals, defaults.alerts, defaults.deadLetters);
        if (given.size() < 2 || given.size() > 3)
            throw new IllegalArgumentException("--topics takes VITALS,ALERTS[,DEAD_LETTERS], got '" + flag + "'");
        return given;
    }

    static Properties consumerProperties(String servers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }

    /**
     * Follows the topics from the first record at or after {@code fromMillis} until {@code running} is false,
     * or, with {@code exitAtEnd}, until it has read everything committed when it started.
     */
    public static void watch(
            Properties props,
            List<String> topics,
            long fromMillis,
            boolean exitAtEnd,
            AtomicBoolean running,
            PrintStream out) {
        LiveConsole console = new LiveConsole(out, new LiveConsole.Listener() {});
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic);
                if (infos == null || infos.isEmpty())
                    throw new IllegalArgumentException("topic '" + topic + "' does not exist on "
                            + props.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
                for (PartitionInfo p : infos) partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> at = new HashMap<>();
            for (TopicPartition tp : partitions) at.put(tp, Math.max(0, fromMillis));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp o = offsets.get(tp);
                consumer.seek(tp, o == null ? ends.get(tp) : o.offset());
            }
            console.printHeader();
            console.follow(
                    consumer,
                    topics.get(0),
                    topics.get(1),
                    topics.size() > 2 ? topics.get(2) : null,
                    () -> running.get() && !(exitAtEnd && caughtUp(consumer, ends)));
        }
        out.flush();
    }
}
