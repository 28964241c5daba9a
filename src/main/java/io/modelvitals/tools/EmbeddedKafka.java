package io.modelvitals.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, broker + controller) inside this JVM, bound to 127.0.0.1,
 * with its logs in a temporary directory removed on close. For the demo and the tests; the job on a
 * cluster talks to an external Kafka, and this class's dependencies are not in the job jar.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final Path dir;
    private final Properties props;
    private KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(Path dir, Properties props, KafkaRaftServer server, String bootstrapServers) {
        this.dir = dir;
        this.props = props;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    public static EmbeddedKafka start() {
        try {
            Path dir = Files.createTempDirectory("model-vitals-kafka");
            int brokerPort = freePort();
            int controllerPort = freePort();
            Properties props = brokerProperties(dir.resolve("logs"), brokerPort, controllerPort);
            Path config = dir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(config)) {
                props.store(out, "model-vitals embedded broker");
            }
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {
                        "format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", config.toString()
                    },
                    quiet);
            if (rc != 0) throw new IllegalStateException("formatting the Kafka storage failed with code " + rc);
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(dir, props, server, "127.0.0.1:" + brokerPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the broker, keeping its logs: an outage, for tests. */
    public void stop() {
        server.shutdown();
        server.awaitShutdown();
    }

    /** Starts the broker again after {@link #stop}, on the same ports and logs. */
    public void restart() {
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
    }

    /**
     * A single-node KRaft broker (broker and controller) on 127.0.0.1, sized for one machine: replication
     * factor 1 everywhere, a small log-cleaner buffer. Also what the cluster test's broker process runs with.
     */
    public static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // The default dedupe buffer reserves 128 MiB of heap for log compaction we do not need here.
        props.put("log.cleaner.dedupe.buffer.size", "2097152");
        props.put("auto.create.topics.enable", "true");
        return props;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public void createTopics(int partitions, String... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) newTopics.add(new NewTopic(t, partitions, (short) 1));
            admin.createTopics(newTopics).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics", e);
        }
    }

    /** Waits until the job's consumer group has committed (at a checkpoint) every offset of the topics. */
    public void awaitCommitted(String group, Iterable<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
                KafkaConsumer<byte[], byte[]> probe = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : topics)
                for (PartitionInfo p : probe.partitionsFor(t)) tps.add(new TopicPartition(t, p.partition()));
            Map<TopicPartition, Long> ends = probe.endOffsets(tps);
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get();
                boolean done = ends.entrySet().stream()
                        .allMatch(e -> e.getValue() == 0
                                || (committed.get(e.getKey()) != null
                                        && committed.get(e.getKey()).offset() >= e.getValue()));
                if (done) return;
                Thread.sleep(500);
            }
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is not worth failing a shutdown for
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
