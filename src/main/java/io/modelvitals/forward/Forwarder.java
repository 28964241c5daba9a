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
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
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
    private final Consumer<byte[], byte[]> consumer; // the consumer thread's alone (after construction)
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
    private String kafkaTrouble; // the retriable error of the current streak, said once

    // For the metrics endpoint.
    final AtomicLong invalidRecords = new AtomicLong();
    final AtomicLong invalidResolvedRecords = new AtomicLong();
    final AtomicLong outdatedRecords = new AtomicLong();
    volatile int firingCount;
    volatile Map<TopicPartition, Long> lag = Map.of();
    volatile boolean ready;

    private Forwarder(ForwarderConfig config, Consumer<byte[], byte[]> consumer, HttpClient http) {
        this.config = config;
        for (URI uri : config.alertmanagers()) {
            instances.add(new AlertmanagerInstance(uri, config.resendInterval(), lock, firing, http));
        }
        this.consumer = consumer;
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
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Forwarder f = new Forwarder(config, new KafkaConsumer<>(consumerProperties(config)), http);
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

    /**
     * Stops reading and delivering; returns when the consumer is closed and the senders have stopped. A request in
     * flight is given its timeout to be answered, then abandoned; nothing more is sent.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) return;
        running = false;
        try {
            consumer.wakeup();
        } catch (RuntimeException e) {
            // Already closed by a consumer thread that failed: the metrics endpoint must still be closed below.
        }
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
                } catch (RetriableException e) {
                    // Kafka unreachable for a while, a leader moving: the rebuild starts over (the latest record by
                    // event time wins, so re-reading is harmless) rather than the forwarder giving up.
                    LOG.warn("rebuilding the firing set: {}; starting over", e.toString());
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
        AlertmanagerInstance.stopAll(instances);
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
        } catch (RetriableException e) {
            return null;
        }
        return out;
    }

    /**
     * Reads every partition from its beginning up to the group's committed offset into the firing set (the latest
     * record per fingerprint by event time wins: the partitions are read in no fixed order), then positions the
     * consumer at the committed offsets, where delivery goes on.
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
            Long offset = c == null ? null : c.offset();
            if (offset != null && Policy.usableCommitted(offset, end.get(tp)) == null) {
                LOG.warn(
                        "the committed offset {} of {} is beyond its end {} (the topic was recreated?): reading it"
                                + " from its beginning, as if nothing had been committed",
                        offset,
                        tp,
                        end.get(tp));
            }
            start.put(tp, Policy.startOffset(offset, beginning.get(tp), end.get(tp)));
            until.put(tp, Policy.rebuildUntil(offset, end.get(tp)));
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

    private void loop() throws InterruptedException {
        long nextLagMs = 0;
        long nextPartitionsMs = System.currentTimeMillis() + PARTITION_REFRESH_MS;
        while (running) {
            for (AlertmanagerInstance i : instances) {
                Throwable died = i.died();
                // Without its sender an instance never acknowledges again: stop, so the process is restarted.
                if (died != null)
                    throw new IllegalStateException("the sender of Alertmanager " + i.name + " died", died);
            }
            try {
                step();
                if (kafkaTrouble != null) LOG.warn("Kafka answers again");
                kafkaTrouble = null;
            } catch (RetriableException e) {
                // A broker outage or a leader moving: nothing is lost (a batch is applied in the step that polled
                // it), so the next step simply tries again. Said once per streak.
                if (kafkaTrouble == null) LOG.warn("reading {}: {}; retrying", config.topic(), e.toString());
                kafkaTrouble = e.toString();
                // A call that fails at once must not turn this into a busy loop.
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
                continue;
            }
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

    /** One poll: its records into the firing set and the queues, then the commit of what is acknowledged. */
    private void step() {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
        Map<TopicPartition, Long> positions = new HashMap<>();
        RetriableException trouble = null;
        try {
            for (TopicPartition tp : consumer.assignment()) positions.put(tp, consumer.position(tp, KAFKA_CALL));
        } catch (RetriableException e) {
            // The batch is applied all the same (poll has moved past it); only the offsets read are not known
            // now, and are taken at the next step: until then its records are not counted as read.
            positions = null;
            trouble = e;
        }
        Set<TopicPartition> rewound = positions == null ? Set.of() : Policy.rewound(read, positions);
        synchronized (lock) {
            for (ConsumerRecord<byte[], byte[]> r : batch) apply(r, true);
            for (AlertmanagerInstance i : instances) {
                for (TopicPartition tp : rewound) i.rewound(tp);
                if (positions != null) i.readUpTo(positions);
            }
            firingCount = firing.size();
            if (!batch.isEmpty()) lock.notifyAll();
        }
        for (TopicPartition tp : rewound) {
            // What was committed belongs to the old log: kept, it would hold every commit back until the new one
            // grows past it.
            LOG.warn(
                    "{} went back from offset {} to {} (the topic was recreated?): reading it again from there",
                    tp,
                    read.get(tp),
                    positions.get(tp));
            committed.remove(tp);
        }
        if (trouble != null) throw trouble;
        read.putAll(positions);
        commit();
    }

    /** Holding lock: one record into the firing set and, unless rebuilding, into every instance's queue. */
    private void apply(ConsumerRecord<byte[], byte[]> r, boolean deliver) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        Applied a = apply(firing, key, r.value());
        switch (a.kind()) {
            case INVALID:
            case INVALID_RESOLVED:
                invalidRecords.incrementAndGet();
                LOG.warn("skipping record {}-{} at offset {}: {}", r.topic(), r.partition(), r.offset(), a.reason());
                if (a.kind() == Applied.Kind.INVALID_RESOLVED) {
                    invalidResolvedRecords.incrementAndGet();
                    LOG.warn(
                            "the record says it resolves alert {}, which is firing: resolved with the labels of its"
                                    + " firing record",
                            a.fingerprint());
                }
                break;
            case OUTDATED:
                outdatedRecords.incrementAndGet();
                LOG.debug(
                        "record {}-{} at offset {} is older than the state of alert {}: ignored",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        a.fingerprint());
                break;
            default:
                break;
        }
        if (deliver && a.deliver()) for (AlertmanagerInstance i : instances) i.offer(a.fingerprint(), a.state());
    }

    /** What one record did: what to deliver (the state, null for a tombstone), and why, for counting and logging. */
    record Applied(Kind kind, String fingerprint, AlertState state, String reason) {
        enum Kind {
            /** A state or a tombstone, applied to the firing set: delivered. */
            APPLIED,
            /** Older than what the set has for its fingerprint (Policy.compare): ignored. */
            OUTDATED,
            /** Unusable: skipped. */
            INVALID,
            /** Unusable, but it says it resolves an alert that fires: the alert is resolved. */
            INVALID_RESOLVED,
            /** A tombstone without a key: nothing to forget. */
            NOTHING
        }

        boolean deliver() {
            return kind == Kind.APPLIED || kind == Kind.INVALID_RESOLVED;
        }
    }

    /**
     * Holding lock: one record's value (null: a tombstone) into the firing set. A record that cannot be used but still
     * reads as {@code "status":"resolved"} for a fingerprint that fires resolves that alert, with the labels of its
     * firing record, unless its readable event time is older: left in place, a firing alert whose resolution cannot
     * be parsed would be re-sent for ever. Any other unusable record changes nothing: an alert is never ended on a
     * guess, and a tombstone for the key clears it.
     */
    static Applied apply(FiringSet firing, String key, byte[] value) {
        if (value == null) {
            // A tombstone (compaction's delete marker): the alert is forgotten; a firing copy in Alertmanager ends
            // at its last endsAt.
            if (key == null) return new Applied(Applied.Kind.NOTHING, null, null, null);
            firing.apply(key, null);
            return new Applied(Applied.Kind.APPLIED, key, null, null);
        }
        AlertState state;
        try {
            state = AlertState.parse(key, value);
        } catch (IllegalArgumentException e) {
            AlertState.Unusable u = AlertState.unusableResolved(key, value);
            AlertState current = u == null ? null : firing.get(u.fingerprint());
            if (current != null) {
                AlertState resolved = current.resolvedBy(u);
                if (firing.apply(u.fingerprint(), resolved)) {
                    return new Applied(Applied.Kind.INVALID_RESOLVED, u.fingerprint(), resolved, e.getMessage());
                }
            }
            return new Applied(Applied.Kind.INVALID, u == null ? key : u.fingerprint(), null, e.getMessage());
        }
        if (!firing.apply(state.fingerprint(), state)) {
            return new Applied(Applied.Kind.OUTDATED, state.fingerprint(), null, null);
        }
        return new Applied(Applied.Kind.APPLIED, state.fingerprint(), state, null);
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
