package io.modelvitals.forward;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge from the alerts topic to Prometheus Alertmanager (docs/forwarder.md). One thread reads the topic
 * (read_committed) and keeps the firing set; one thread per Alertmanager instance delivers to it; offsets are
 * committed once every instance that counts has acknowledged the records before them (Policy.counts). On start the
 * firing set is rebuilt from the topic up to the committed offsets, so a restart re-sends what is still firing.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration KAFKA_CALL = Duration.ofSeconds(10);
    private static final long LAG_REFRESH_MS = 5_000;
    private static final long PARTITION_REFRESH_MS = 30_000;

    private final ForwarderConfig config;
    private final Object lock = new Object();
    private final FiringSet firing = new FiringSet(); // guarded by lock
    private final List<AlertmanagerInstance> instances = new ArrayList<>();
    private final KafkaConsumer<byte[], byte[]> consumer; // the consumer thread's alone (after construction)
    private final Thread consumerThread;
    private final ForwarderMetrics metrics;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile Throwable failure;

    // The consumer thread's: what has been read, and what has been committed.
    private final Map<TopicPartition, Long> read = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private boolean commitFailing;

    // For the metrics endpoint.
    final AtomicLong invalidRecords = new AtomicLong();
    volatile int firingCount;
    volatile Map<TopicPartition, Long> lag = Map.of();
    volatile boolean ready;

    private Forwarder(ForwarderConfig config) {
        this.config = config;
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        for (URI uri : config.alertmanagers()) {
            instances.add(new AlertmanagerInstance(uri, config.resendInterval(), lock, firing, http));
        }
        this.consumer = new KafkaConsumer<>(consumerProperties(config));
        try {
            this.metrics = config.metricsPort() == 0
                    ? null
                    : new ForwarderMetrics(config.metricsAddress(), config.metricsPort(), this);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
        this.consumerThread = new Thread(this::runConsumer, "forward-consumer");
    }

    /** Starts reading and delivering in threads of its own; {@link #close} stops them. */
    public static Forwarder start(ForwarderConfig config) {
        Forwarder f = new Forwarder(config);
        f.consumerThread.start();
        return f;
    }

    static Properties consumerProperties(ForwarderConfig config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "model-vitals-forwarder");
        // From the first offset when the group has none: an alert firing since before the forwarder's first start
        // must reach Alertmanager too. Also where a committed offset that retention removed falls back to.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The forwarder must not create the alerts topic (with the broker's defaults, not compacted) by asking.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.putAll(config.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        // Not overridable: the job writes in transactions, and offsets follow delivery, not reading.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /** The port the metrics endpoint is bound to, or -1 when metrics are off. */
    public int metricsPort() {
        return metrics == null ? -1 : metrics.port();
    }

    List<AlertmanagerInstance> instances() {
        return instances;
    }

    ForwarderConfig config() {
        return config;
    }

    /** Blocks until the forwarder stops; throws if it stopped because of an error rather than {@link #close}. */
    public void awaitTermination() throws InterruptedException {
        finished.await();
        Throwable t = failure;
        if (t != null) throw new IllegalStateException("the forwarder stopped: " + t, t);
    }

    /** Stops reading and delivering; returns when the consumer is closed and no request is in flight. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) return;
        running = false;
        consumer.wakeup();
        try {
            if (consumerThread.isAlive()) consumerThread.join();
            else if (consumerThread.getState() == Thread.State.NEW) shutDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (metrics != null) metrics.close();
    }

    private void runConsumer() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            if (partitions.isEmpty()) return;
            consumer.assign(partitions);
            Map<TopicPartition, Long> start = null;
            while (start == null && running) {
                try {
                    start = rebuild(partitions);
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // Kafka unreachable for a while: the rebuild starts over (latest record wins, so re-reading is
                    // harmless) rather than the forwarder giving up.
                    LOG.warn("rebuilding the firing set: {}; starting over", e.getMessage());
                }
            }
            if (!running) return;
            read.putAll(start);
            committed.putAll(start);
            long now = System.currentTimeMillis();
            synchronized (lock) {
                for (AlertmanagerInstance i : instances) i.startAt(start);
                firingCount = firing.size();
            }
            for (AlertmanagerInstance i : instances) i.start(now);
            ready = true;
            LOG.info(
                    "forwarding {} ({} partition(s)), {} alert(s) firing after the rebuild",
                    config.topic(),
                    partitions.size(),
                    firingCount);
            loop();
        } catch (WakeupException e) {
            if (running) failure = e;
        } catch (Throwable t) {
            failure = t;
            LOG.error("the forwarder stopped", t);
        } finally {
            running = false;
            shutDown();
        }
    }

    private void shutDown() {
        for (AlertmanagerInstance i : instances) i.stop();
        try {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.warn("closing the consumer: {}", e.toString());
        }
        finished.countDown();
    }

    /** The topic's partitions, once it exists; empty if closed first. */
    private List<TopicPartition> awaitPartitions() throws InterruptedException {
        String said = null;
        while (running) {
            List<TopicPartition> partitions = partitions();
            if (partitions != null && !partitions.isEmpty()) return partitions;
            String why = partitions == null
                    ? "no answer from Kafka at " + config.bootstrapServers()
                    : "topic " + config.topic() + " does not exist";
            // Said once per reason, not once a second.
            if (!why.equals(said)) LOG.warn("{} (yet); waiting", why);
            said = why;
            TimeUnit.SECONDS.sleep(1);
        }
        return List.of();
    }

    /** The topic's partitions (empty if it does not exist), or null if Kafka did not answer in time. */
    private List<TopicPartition> partitions() {
        List<TopicPartition> out = new ArrayList<>();
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(config.topic(), KAFKA_CALL);
            if (infos != null) for (PartitionInfo p : infos) out.add(new TopicPartition(p.topic(), p.partition()));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return null;
        }
        return out;
    }

    /**
     * Reads every partition from its beginning up to the group's committed offset into the firing set (the latest
     * record per fingerprint wins), then positions the consumer at the committed offsets, where delivery goes on.
     */
    private Map<TopicPartition, Long> rebuild(List<TopicPartition> partitions) {
        consumer.resume(partitions);
        Map<TopicPartition, OffsetAndMetadata> groupOffsets = consumer.committed(new HashSet<>(partitions), KAFKA_CALL);
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, KAFKA_CALL);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KAFKA_CALL);
        Map<TopicPartition, Long> start = new HashMap<>();
        Map<TopicPartition, Long> until = new HashMap<>();
        Set<TopicPartition> reading = new HashSet<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = groupOffsets.get(tp);
            start.put(tp, c == null ? beginning.get(tp) : c.offset());
            until.put(tp, Policy.rebuildUntil(c == null ? null : c.offset(), end.get(tp)));
            if (until.get(tp) > beginning.get(tp)) reading.add(tp);
        }
        List<TopicPartition> idle = new ArrayList<>(partitions);
        idle.removeAll(reading);
        consumer.pause(idle);
        consumer.seekToBeginning(reading);
        long records = 0;
        while (!reading.isEmpty() && running) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
            synchronized (lock) {
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    if (r.offset() >= until.get(new TopicPartition(r.topic(), r.partition()))) continue;
                    apply(r, false);
                    records++;
                }
            }
            for (TopicPartition tp : new ArrayList<>(reading)) {
                // position, not the last record's offset: read_committed skips aborted records and markers.
                if (consumer.position(tp, KAFKA_CALL) >= until.get(tp)) {
                    consumer.pause(List.of(tp));
                    reading.remove(tp);
                }
            }
        }
        consumer.resume(partitions);
        for (TopicPartition tp : partitions) consumer.seek(tp, start.get(tp));
        LOG.info("rebuilt the firing set from {} record(s) up to the committed offsets {}", records, until);
        return start;
    }

    private void loop() {
        long nextLagMs = 0;
        long nextPartitionsMs = System.currentTimeMillis() + PARTITION_REFRESH_MS;
        while (running) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
            Map<TopicPartition, Long> positions = new HashMap<>();
            for (TopicPartition tp : consumer.assignment()) positions.put(tp, consumer.position(tp, KAFKA_CALL));
            synchronized (lock) {
                for (ConsumerRecord<byte[], byte[]> r : batch) apply(r, true);
                for (AlertmanagerInstance i : instances) i.readUpTo(positions);
                firingCount = firing.size();
                if (!batch.isEmpty()) lock.notifyAll();
            }
            read.putAll(positions);
            commit();
            long now = System.currentTimeMillis();
            if (now >= nextLagMs) {
                refreshLag();
                nextLagMs = now + LAG_REFRESH_MS;
            }
            if (now >= nextPartitionsMs) {
                try {
                    addNewPartitions();
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    // Looked at again at the next refresh.
                }
                nextPartitionsMs = now + PARTITION_REFRESH_MS;
            }
        }
    }

    /** Holding lock: one record into the firing set and, unless rebuilding, into every instance's queue. */
    private void apply(ConsumerRecord<byte[], byte[]> r, boolean deliver) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        String fingerprint;
        AlertState state;
        if (r.value() == null) {
            // A tombstone (compaction's delete marker): the alert is forgotten; a firing copy in Alertmanager ends
            // at its last endsAt.
            if (key == null) return;
            fingerprint = key;
            state = null;
        } else {
            try {
                state = AlertState.parse(key, r.value());
            } catch (IllegalArgumentException e) {
                invalidRecords.incrementAndGet();
                LOG.warn(
                        "skipping record {}-{} at offset {}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                return;
            }
            fingerprint = state.fingerprint();
        }
        firing.apply(fingerprint, state);
        if (deliver) for (AlertmanagerInstance i : instances) i.offer(fingerprint, state);
    }

    private void commit() {
        Map<TopicPartition, Long> target;
        synchronized (lock) {
            long now = System.currentTimeMillis();
            List<Map<TopicPartition, Long>> acks = new ArrayList<>();
            for (AlertmanagerInstance i : instances) if (i.counts(now)) acks.add(i.acknowledged());
            target = Policy.committable(read, acks);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
            Long last = committed.get(e.getKey());
            if (last == null || e.getValue() > last) offsets.put(e.getKey(), new OffsetAndMetadata(e.getValue()));
        }
        if (offsets.isEmpty()) return;
        try {
            consumer.commitSync(offsets, KAFKA_CALL);
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
            if (commitFailing) LOG.warn("committing offsets works again");
            commitFailing = false;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // Delivery goes on; the offsets are committed with the next success. Said once per streak.
            if (!commitFailing) LOG.warn("cannot commit offsets (retrying): {}", e.toString());
            commitFailing = true;
        }
    }

    /** Lag as kafka-consumer-groups reports it: the end (last stable offset) minus the committed offset. */
    private void refreshLag() {
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), KAFKA_CALL);
            Map<TopicPartition, Long> out = new HashMap<>();
            ends.forEach((tp, end) -> out.put(tp, Math.max(0, end - committed.getOrDefault(tp, 0L))));
            lag = Map.copyOf(out);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            // Reported again at the next refresh.
        }
    }

    /** Partitions added to the topic while running are read from their beginning: nothing there was sent yet. */
    private void addNewPartitions() {
        List<TopicPartition> all = partitions();
        if (all == null || all.isEmpty()) return;
        Set<TopicPartition> added = new HashSet<>(all);
        added.removeAll(consumer.assignment());
        if (added.isEmpty()) return;
        // Asked before assigning: if Kafka does not answer, the partitions stay new for the next refresh.
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(added, KAFKA_CALL);
        Set<TopicPartition> assignment = new HashSet<>(consumer.assignment());
        assignment.addAll(added);
        consumer.assign(assignment);
        for (TopicPartition tp : added) consumer.seek(tp, beginning.get(tp));
        synchronized (lock) {
            for (AlertmanagerInstance i : instances) i.startAt(beginning);
        }
        read.putAll(beginning);
        committed.putAll(beginning);
        LOG.warn("topic {} has new partition(s) {}: reading them from their beginning", config.topic(), added);
    }
}
