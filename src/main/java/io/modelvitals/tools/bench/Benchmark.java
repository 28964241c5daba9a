package io.modelvitals.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.config.Args;
import io.modelvitals.config.JobSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.tools.EmbeddedKafka;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark harness ({@code benchmark} command): generates traffic into a real broker on loopback,
 * then measures in one run the raw consumer ceiling, the job's throughput with heap and RocksDB state,
 * sliding against tumbling windows, state per pending prediction, and alert latency. Prints a table
 * and writes the figures as JSON. See docs/benchmarks.md.
 */
public final class Benchmark implements AutoCloseable {
    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    /** Warm-up runs before the JIT's share can end the warm-up: the first run compiles, the second shows the rest. */
    private static final int MIN_WARMUP_RUNS = 2;

    private static final String TUMBLING = "{size: 10m}";
    private static final String SLIDING = "{size: 10m, slide: 1m}";

    private final Map<String, Object> figures = new java.util.LinkedHashMap<>();
    private final EmbeddedKafka kafka;
    private final int partitions;
    private final int parallelism;
    /** Started by the first measured run, closed at the end: see {@link #cluster()}. */
    private MiniCluster cluster;

    /** RocksDB's timer store (Flink's default ROCKSDB, or HEAP), for the RocksDB phase; unset: Flink's default. */
    private String rocksdbTimers;
    /** Unset: no warm-up (the phase list has no {@code warmup}). */
    private WarmUp warmUp;
    /** Per configuration warmed up: its runs and their JIT shares, the JSON's {@code warmup}. */
    private final Map<String, Object> warmups = new java.util.LinkedHashMap<>();

    /** The full job's checkpoint interval (the spec's default, 10 s, unless --checkpoint-interval says otherwise). */
    private String checkpointInterval;
    /** taskmanager.memory.managed.size: RocksDB's block cache and write buffers. */
    private String managedMemory;

    private boolean partitionedIndex;

    @Override
    public void close() throws Exception {
        if (cluster != null) cluster.close();
    }

    private Benchmark(EmbeddedKafka kafka, int partitions, int parallelism) {
        this.kafka = kafka;
        this.partitions = partitions;
        this.parallelism = parallelism;
    }

    public static void command(Args flags) throws Exception {
        long events = Long.parseLong(flags.get("events", "1000000"));
        int models = Integer.parseInt(flags.get("models", "4"));
        int versions = Integer.parseInt(flags.get("versions", "2"));
        int partitions = Integer.parseInt(flags.get("partitions", "2"));
        int parallelism = Integer.parseInt(flags.get("parallelism", "2"));
        // Predictions per second of event time: 100 spreads 1M events over about an hour, so windows fire and
        // predictions expire during the run; production rates (10,000 and more) keep them all pending.
        double rate = Double.parseDouble(flags.get("rate", "100"));
        // Run-to-run noise on a shared 2-core virtual machine is large: each throughput figure is the median of this
        // many runs.
        int repeats = Integer.parseInt(flags.get("repeat", "3"));
        // Warm-up runs until the JIT compiler's threads take less than this share of a run's CPU, at most this many:
        // after two runs the compiler still took a fifth of every measured run and the code kept getting faster for
        // five more (docs/benchmarks.md, "The JIT settled").
        int warmupRuns = Integer.parseInt(flags.get("warmup-runs", "10"));
        double warmupJitShare = Double.parseDouble(flags.get("warmup-jit-share", "0.1"));
        long pending = Long.parseLong(flags.get("pending-predictions", "200000"));
        int latencySeconds = Integer.parseInt(flags.get("latency-seconds", "60"));
        // An alert is readable once the checkpoint after it commits the Kafka transaction: the interval bounds the
        // latency.
        long latencyCheckpointMs = Long.parseLong(flags.get("latency-checkpoint-ms", "100"));
        long latencyBufferTimeoutMs = Long.parseLong(flags.get("latency-buffer-timeout-ms", "100"));
        // exactly_once (the job's default) or at_least_once: job.alert_delivery of the latency job's spec.
        String latencyAlertDelivery = flags.get("latency-alert-delivery", JobSpec.EXACTLY_ONCE);
        if (!List.of(JobSpec.EXACTLY_ONCE, JobSpec.AT_LEAST_ONCE).contains(latencyAlertDelivery))
            throw new IllegalArgumentException("--latency-alert-delivery: exactly_once or at_least_once");
        // Flink settings for the latency job only, "key=value;key=value" (a state backend, changelog, incremental
        // checkpoints: what the checkpoint an exactly-once alert waits for depends on).
        String latencyFlinkConfig = flags.get("latency-flink-config", "");
        List<String> phases = List.of(flags.get("phases", "ceiling,parse,warmup,heap,rocksdb,sliding,state,latency")
                .split(","));
        Path out = Path.of(flags.get("out", "target/benchmark.json"));
        List<String> kafkaPhases =
                List.of("ceiling", "parse", "warmup", "heap", "rocksdb", "sliding", "state", "latency");
        if (phases.stream().noneMatch(kafkaPhases::contains)) {
            // Only replay phases: files and child JVMs, no broker.
            Map<String, Object> figures = new java.util.LinkedHashMap<>();
            figures.put("machine", machine());
            ReplayBenchmark.run(flags, phases, figures);
            write(out, figures);
            return;
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Benchmark b = new Benchmark(kafka, partitions, parallelism)) {
            b.rocksdbTimers = flags.get("rocksdb-timers", null);
            b.checkpointInterval = flags.get("checkpoint-interval", "10s");
            // Local execution gives the TaskManager 128 MB of managed memory, RocksDB's whole block cache: the index
            // blocks of the join's files did not stay cached and every lookup read and decompressed one again (43% of
            // the join's task). 512 MB is 256 MB per slot at p = 2, below deploy/k8s's share (about 680 MB per slot of
            // a 4 GB TaskManager).
            b.managedMemory = flags.get("managed-memory", "512m");
            b.partitionedIndex = flags.has("partitioned-index");
            b.figures.put("machine", machine());
            b.figures.put("events", events);
            b.figures.put("parallelism", parallelism);
            b.figures.put("partitions", partitions);
            b.figures.put("predictions_per_event_second", rate);
            Map<String, String> topics = b.freshTopics("input");
            b.produce(topics, events, models, versions, rate);
            if (phases.contains("ceiling")) b.ceiling(topics, events);
            // The JIT compiles the job's code during the first runs (the C2 compiler alone took a third of a core): the
            // figures are for the job as it runs for days, so unreported runs warm it up first, the heap job's before
            // anything is measured and each other configuration's (RocksDB's state backend, the sliding combiners:
            // code the heap job never ran) before its own runs.
            if (phases.contains("warmup")) {
                b.warmUp = new WarmUp(warmupRuns, warmupJitShare);
                b.figures.put("warmup", b.warmups);
                b.warmUpConfiguration("heap_tumbling", topics, events, "hashmap", TUMBLING);
            }
            // After the warm-up, which compiled the parsing code too.
            if (phases.contains("parse")) b.parseOnly(topics, events, repeats);
            if (phases.contains("heap")) b.job("heap_tumbling", topics, events, "hashmap", TUMBLING, repeats);
            if (phases.contains("rocksdb")) b.job("rocksdb_tumbling", topics, events, "rocksdb", TUMBLING, repeats);
            if (phases.contains("sliding")) b.job("heap_sliding", topics, events, "hashmap", SLIDING, repeats);
            if (phases.contains("state")) {
                b.statePerPrediction("hashmap", pending, models, versions);
                b.statePerPrediction("rocksdb", pending, models, versions);
            }
            if (phases.contains("latency"))
                b.alertLatency(
                        latencySeconds,
                        latencyCheckpointMs,
                        latencyBufferTimeoutMs,
                        latencyAlertDelivery,
                        latencyFlinkConfig);
            b.summarize();
            // The replay phases after the broker's: they run in JVMs of their own.
            ReplayBenchmark.run(flags, phases, b.figures);
            write(out, b.figures);
        }
    }

    private static Map<String, Object> machine() {
        return Map.of(
                "cores",
                Runtime.getRuntime().availableProcessors(),
                "max_heap_mb",
                Runtime.getRuntime().maxMemory() >> 20,
                "java",
                System.getProperty("java.version"),
                "load_average_at_start",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private static void write(Path out, Map<String, Object> figures) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(
                out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
        System.out.println("figures written to " + out);
    }

    /**
     * The parse-only ceiling: the job's Kafka sources (deserializing, parsing and validating every record) and its
     * record routers, the output discarded, {@code repeats} times. The full job is reported as a share of it.
     */
    private void parseOnly(Map<String, String> topics, long events, int repeats) throws Exception {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 1; i <= repeats; i++) {
            MonitorSpec spec = spec(TUMBLING, "1h", "10s", "");
            spec.kafka.topics.predictions = topics.get("predictions");
            spec.kafka.topics.labels = topics.get("labels");
            spec.kafka.topics.businessEvents = topics.get("business-events");
            StreamExecutionEnvironment env = environment("hashmap");
            ParseOnly.define(env, io.modelvitals.io.KafkaIO.sources(spec, true));
            runs.add(measure("parse-only " + i + "/" + repeats, env, events));
        }
        figures.put("parse_only", median(runs));
    }

    private Map<String, String> freshTopics(String prefix) {
        String suffix = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        Map<String, String> topics = new HashMap<>();
        for (String t : List.of("predictions", "labels", "business-events")) topics.put(t, t + "-" + suffix);
        kafka.createTopics(partitions, topics.values().toArray(new String[0]));
        return topics;
    }

    private void produce(Map<String, String> topics, long events, int models, int versions, double rate) {
        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = producer()) {
            long sent = new BenchTraffic(7, models, versions, START, rate, true)
                    .run(
                            events,
                            (stream, key, json) -> producer.send(new ProducerRecord<>(topics.get(stream), key, json)));
            producer.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            progress("produced %,d records in %.1f s (%,.0f records/s)", sent, seconds, sent / seconds);
        }
    }

    private KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(props);
    }

    /** The ceiling: a plain consumer draining the same topics, twice (the second is reported). */
    private void ceiling(Map<String, String> topics, long events) {
        double best = 0;
        for (int round = 0; round < 2; round++) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                List<TopicPartition> tps = new ArrayList<>();
                for (String t : topics.values()) {
                    for (PartitionInfo p : consumer.partitionsFor(t)) tps.add(new TopicPartition(t, p.partition()));
                }
                consumer.assign(tps);
                consumer.seekToBeginning(tps);
                long count = 0, bytes = 0, t0 = System.nanoTime();
                while (count < events) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        count++;
                        bytes += r.value().length;
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                best = count / seconds;
                progress(
                        "ceiling round %d: %,d records (%,d MB) in %.2f s = %,.0f records/s",
                        round + 1, count, bytes >> 20, seconds, best);
            }
        }
        figures.put("ceiling_records_per_s", Math.round(best));
    }

    private MonitorSpec spec(String window, String horizon, String checkpoint, String rules) {
        String yaml = String.join(
                "\n",
                "job: {max_out_of_orderness: 5s, idleness: 5s, checkpoint_interval: " + checkpoint
                        + ", max_future_skew: 0s}",
                "kafka: {start_from: earliest}",
                "defaults:",
                "  window: " + window,
                "  label_horizon: " + horizon,
                "  late_label_grace: 10m",
                "  segments: [country, device]",
                rules,
                "");
        MonitorSpec spec = SpecLoader.parse(yaml, "benchmark");
        spec.kafka.bootstrapServers = kafka.bootstrapServers();
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        spec.kafka.groupId = "bench-" + suffix;
        spec.job.transactionalIdPrefix = "bench-" + suffix;
        spec.kafka.topics.vitals = "vitals-" + suffix;
        spec.kafka.topics.alerts = "alerts-" + suffix;
        spec.kafka.topics.deadLetters = "dead-letters-" + suffix;
        spec.kafka.topics.rules = "rules-" + suffix;
        kafka.createTopics(
                1,
                spec.kafka.topics.vitals,
                spec.kafka.topics.alerts,
                spec.kafka.topics.deadLetters,
                spec.kafka.topics.rules);
        return spec;
    }

    private StreamExecutionEnvironment environment(String backend) throws IOException {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("bench-cp").toUri().toString());
        conf.set(
                CheckpointingOptions.SAVEPOINT_DIRECTORY,
                Files.createTempDirectory("bench-sp").toUri().toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(managedMemory));
        // Two-level index and filter blocks, so a small block cache holds the top level only (measured: less gain than
        // a larger cache, docs/benchmarks.md).
        if (partitionedIndex)
            conf.set(
                    ConfigOptions.key("state.backend.rocksdb.memory.partitioned-index-filters")
                            .booleanType()
                            .defaultValue(false),
                    true);
        if (rocksdbTimers != null)
            conf.set(
                    ConfigOptions.key("state.backend.rocksdb.timer-service.factory")
                            .stringType()
                            .noDefaultValue(),
                    rocksdbTimers);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    /**
     * The full job, bounded, on the input topics, {@link #repeats} times: events/s over its net runtime, CPU time per
     * event and peak heap of each run, and the run with the median throughput as the figure.
     */
    private void job(String name, Map<String, String> topics, long events, String backend, String window, int repeats)
            throws Exception {
        if (warmUp != null && !warmups.containsKey(name)) warmUpConfiguration(name, topics, events, backend, window);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 1; i <= repeats; i++)
            runs.add(run(name + (repeats > 1 ? " " + i + "/" + repeats : ""), topics, events, backend, window));
        figures.put(name, median(runs));
    }

    /**
     * Unreported runs of one configuration of the full job until the JIT compiler has done most of its work: until a
     * run's compiler threads take less than {@link WarmUp#settledJitShare} of its CPU (at least {@link
     * #MIN_WARMUP_RUNS} runs, at most {@link WarmUp#maxRuns}). A fixed two runs left the compiler a fifth of every
     * measured run, and the code C2 had not yet compiled ran slower: the same job measured 16-19 µs per event after two
     * runs and 13-14 after seven (docs/benchmarks.md, "The JIT settled").
     */
    private void warmUpConfiguration(
            String name, Map<String, String> topics, long events, String backend, String window) throws Exception {
        List<Double> jitShares = new ArrayList<>();
        boolean settled = false;
        for (int i = 1; i <= warmUp.maxRuns(); i++) {
            Map<String, Object> r = run(name + " warm-up " + i, topics, events, backend, window);
            double share = (Double) r.get("jit_seconds") / (Double) r.get("cpu_seconds");
            jitShares.add(round(share));
            settled = share < warmUp.settledJitShare();
            if (settled && i >= MIN_WARMUP_RUNS) break;
        }
        Map<String, Object> warmup = new java.util.LinkedHashMap<>();
        warmup.put("runs", jitShares.size());
        warmup.put("jit_share_of_cpu_per_run", jitShares);
        // From the share itself, not its rounded figure (0.0996 shows as 0.1 but ended the warm-up).
        warmup.put("settled", settled);
        warmups.put(name, warmup);
    }

    /** How the job is warmed up before a configuration's measured runs: the most runs, and the JIT share that ends it. */
    private record WarmUp(int maxRuns, double settledJitShare) {}

    /** {@code a}'s figure {@code key} over {@code b}'s (a double-valued figure of two runs). */
    private static double ratio(Map<String, Object> a, Map<String, Object> b, String key) {
        return (Double) a.get(key) / (Double) b.get(key);
    }

    /** The run with the median throughput, with the highest peak heap and every run beside it. */
    private static Map<String, Object> median(List<Map<String, Object>> runs) {
        List<Map<String, Object>> byRate = new ArrayList<>(runs);
        byRate.sort(java.util.Comparator.comparingLong(r -> (Long) r.get("events_per_s")));
        Map<String, Object> figure = new java.util.LinkedHashMap<>(byRate.get((byRate.size() - 1) / 2));
        figure.put(
                "peak_heap_mb",
                runs.stream().mapToLong(r -> (Long) r.get("peak_heap_mb")).max().orElse(0));
        figure.put(
                "runs",
                runs.stream()
                        .map(r -> r.get("events_per_s") + " events/s, " + r.get("cpu_us_per_event") + " µs ("
                                + r.get("cpu_us_per_event_without_jit") + " without the JIT)")
                        .collect(Collectors.toList()));
        return figure;
    }

    private Map<String, Object> run(String name, Map<String, String> topics, long events, String backend, String window)
            throws Exception {
        // A KPI on the impressions, so business events go through attribution and the KPI windows too.
        String kpis = String.join(
                "\n",
                "  attribution_window: 10m",
                "  kpis:",
                "    - {name: impressions_per_prediction, numerator: {events: [impression]}, denominator: {events: [prediction]}}");
        MonitorSpec spec = spec(window, "1h", checkpointInterval, kpis);
        spec.kafka.topics.predictions = topics.get("predictions");
        spec.kafka.topics.labels = topics.get("labels");
        spec.kafka.topics.businessEvents = topics.get("business-events");
        StreamExecutionEnvironment env = environment(backend);
        KafkaJob.define(env, spec, true);
        return measure(name, env, events);
    }

    /**
     * The cluster the measured runs are submitted to, started once, as jobs go to a running cluster in production. A
     * local environment per run started a MiniCluster each time, whose RPC system (Pekko, in a class loader of its own)
     * loaded ~1,650 classes again and kept the JIT compiler busy for 4-7 CPU-s per run (docs/benchmarks.md). Each job's
     * state backend and checkpointing come from its own configuration.
     */
    private MiniCluster cluster() throws Exception {
        if (cluster == null) {
            Configuration conf = new Configuration();
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse(managedMemory));
            conf.set(RestOptions.BIND_PORT, "0");
            cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(conf)
                    .setNumTaskManagers(1)
                    .setNumSlotsPerTaskManager(parallelism)
                    .build());
            cluster.start();
        }
        return cluster;
    }

    /** Runs a bounded job: its net runtime, the process's CPU time per event and the peak heap. */
    private Map<String, Object> measure(String name, StreamExecutionEnvironment env, long events) throws Exception {
        // Each run starts from a collected heap, so one run's garbage (and its collections) is not charged to the next.
        System.gc();
        HeapSampler heap = HeapSampler.start();
        progress("%s: running the job over %,d records…", name, events);
        // CPU time of the whole process (job, broker, harness): on a shared virtual machine the wall clock varies from
        // run to run by half, the CPU spent per event less, so it is the figure to compare changes by.
        long cpu0 = processCpuNanos();
        long jit0 = jitMillis();
        JobExecutionResult result =
                cluster().executeJobBlocking(env.getStreamGraph().getJobGraph());
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        // The JIT compiler's threads are in the process's CPU: a job's first runs compile it (a quarter of the CPU
        // of the runs after two warm-ups, async-profiler), which a job running for days pays once. Reported beside.
        double jitSeconds = (jitMillis() - jit0) / 1e3;
        long peakHeap = heap.stop();
        double seconds = result.getNetRuntime() / 1000.0;
        double rate = events / seconds;
        double cpuMicrosPerEvent = cpuSeconds * 1e6 / events;
        progress(
                "%s: %.1f s, %,.0f events/s, %.1f CPU µs per event (JIT compiler %.1f s), peak heap %d MB",
                name, seconds, rate, cpuMicrosPerEvent, jitSeconds, peakHeap >> 20);
        Map<String, Object> run = new java.util.LinkedHashMap<>();
        run.put("seconds", round(seconds));
        run.put("events_per_s", Math.round(rate));
        run.put("cpu_seconds", round(cpuSeconds));
        run.put("cpu_us_per_event", round(cpuMicrosPerEvent));
        run.put("jit_seconds", round(jitSeconds));
        // Closer to the steady state of a job that runs for days: the JIT's long tail (4-6 CPU-s of every 1M-event run
        // after two warm-ups, mostly methods compiled for the first time) is paid once there. jitMillis() counts the
        // compiler threads alive at the end: all of them on 2 cores (one C1, one C2), maybe not on larger machines,
        // where the JVM stops idle ones.
        run.put("cpu_us_per_event_without_jit", round((cpuSeconds - jitSeconds) * 1e6 / events));
        run.put("peak_heap_mb", peakHeap >> 20);
        return run;
    }

    /**
     * CPU time of the JIT compiler's threads so far, in ms, from /proc (Linux; 0 elsewhere). The JVM's own compilation
     * time counts wall time, waits for a core included; these threads are not visible to ThreadMXBean.
     */
    static long jitMillis() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    // "C2 CompilerThre", "C1 CompilerThre": the names Linux keeps of HotSpot's compiler threads.
                    if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) continue;
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                } catch (IOException | RuntimeException gone) {
                    // A compiler thread that ended between the listing and the read.
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            return 0;
        }
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** State per pending prediction: predictions without labels, a 7-day horizon, then a savepoint's size. */
    private void statePerPrediction(String backend, long predictions, int models, int versions) throws Exception {
        Map<String, String> topics = freshTopics("state-" + backend);
        try (KafkaProducer<String, String> producer = producer()) {
            // Only predictions and impressions: every prediction stays pending for its whole horizon.
            new BenchTraffic(11, models, versions, START, 100, false)
                    .run(
                            predictions * 2,
                            (stream, key, json) -> producer.send(new ProducerRecord<>(topics.get(stream), key, json)));
            producer.flush();
        }
        MonitorSpec spec = spec(TUMBLING, "7d", "1s", "");
        spec.kafka.topics.predictions = topics.get("predictions");
        spec.kafka.topics.labels = topics.get("labels");
        spec.kafka.topics.businessEvents = topics.get("business-events");
        StreamExecutionEnvironment env = environment(backend);
        KafkaJob.define(env, spec, false);
        JobClient job = env.executeAsync("benchmark state " + backend);
        kafka.awaitCommitted(spec.kafka.groupId, topics.values());
        SavepointFormatType format =
                backend.equals("rocksdb") ? SavepointFormatType.NATIVE : SavepointFormatType.CANONICAL;
        String savepoint = job.triggerSavepoint(null, format).get();
        long bytes = size(Path.of(java.net.URI.create(savepoint)));
        job.cancel().get();
        double perPrediction = (double) bytes / predictions;
        progress(
                "state (%s, %s savepoint): %,d bytes for %,d pending predictions = %.1f bytes each",
                backend, format, bytes, predictions, perPrediction);
        figures.put(
                "state_" + backend,
                Map.of(
                        "savepoint_bytes",
                        bytes,
                        "pending_predictions",
                        predictions,
                        "bytes_per_pending_prediction",
                        round(perPrediction),
                        "savepoint_format",
                        format.toString()));
    }

    /**
     * Alert latency: live traffic with event time = wall time, one-second windows, and a rule that fires
     * and resolves on alternate windows. Latency = when the alert is readable (read_committed) minus
     * when the watermark could first pass the window's end (window end + out-of-orderness). A second reader
     * (read_uncommitted) sees each alert as soon as the job writes it, before its transaction commits: the
     * difference is what exactly-once costs. The job runs on the benchmark's cluster, warm after the throughput
     * phases, as an alerting job runs for days.
     */
    private void alertLatency(
            int seconds, long checkpointMs, long bufferTimeoutMs, String alertDelivery, String flinkConfig)
            throws Exception {
        Map<String, String> topics = freshTopics("latency");
        String rules = String.join(
                "\n",
                "  rules:",
                "    - {name: share-a, vital: class_share, class: a, op: '>', threshold: 0.5, min_samples: 10, for: 1, severity: info}");
        MonitorSpec spec = spec("{size: 1s}", "1m", checkpointMs + "ms", rules);
        long outOfOrdernessMs = 50;
        spec.job.maxOutOfOrderness = outOfOrdernessMs + "ms";
        spec.job.idleness = "5s";
        spec.job.alertDelivery = alertDelivery;
        spec.kafka.topics.predictions = topics.get("predictions");
        spec.kafka.topics.labels = topics.get("labels");
        spec.kafka.topics.businessEvents = topics.get("business-events");
        StreamExecutionEnvironment env = environment("hashmap");
        // Watermarks every 20 ms. The network buffer timeout is Flink's 100 ms by default (docs/benchmarks.md).
        Configuration latency = new Configuration();
        latency.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(20));
        latency.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(bufferTimeoutMs));
        Map<String, String> extra = new HashMap<>();
        for (String setting : flinkConfig.split(";")) {
            if (setting.isBlank()) continue;
            String[] kv = setting.split("=", 2);
            if (kv.length != 2)
                throw new IllegalArgumentException("--latency-flink-config: key=value;key=value, not " + setting);
            // Job settings only: the cluster is already running.
            extra.put(kv[0].trim(), kv[1].trim());
        }
        latency.addAll(Configuration.fromMap(extra));
        env.configure(latency);
        KafkaJob.define(env, spec, false);
        System.gc(); // the earlier phases' garbage would otherwise be collected, with pauses, during this one
        JobID job =
                cluster().submitJob(env.getStreamGraph().getJobGraph()).get().getJobID();
        Thread.sleep(3000);

        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, List<Long>> latencies = new java.util.LinkedHashMap<>();
        List<Thread> readers = new ArrayList<>();
        for (String isolation : List.of("read_committed", "read_uncommitted")) {
            List<Long> seen = Collections.synchronizedList(new ArrayList<>());
            latencies.put(isolation, seen);
            Thread reader = new Thread(
                    () -> readAlerts(spec.kafka.topics.alerts, isolation, outOfOrdernessMs, running, seen), isolation);
            reader.start();
            readers.add(reader);
        }

        try (KafkaProducer<String, String> producer = producer()) {
            long end = System.currentTimeMillis() + seconds * 1000L;
            long i = 0;
            while (System.currentTimeMillis() < end) {
                long now = System.currentTimeMillis();
                // Class a dominates in even seconds, b in odd ones: the rule flips every window.
                String label = (now / 1000) % 2 == 0 ? (i % 10 < 8 ? "a" : "b") : (i % 10 < 8 ? "b" : "a");
                producer.send(new ProducerRecord<>(
                        topics.get("predictions"),
                        "l" + i,
                        "{\"prediction_id\":\"l" + i + "\",\"model\":\"m\",\"version\":\"v1\",\"ts\":" + now
                                + ",\"label\":\"" + label + "\"}"));
                i++;
                if (i % 2 == 0) Thread.sleep(1); // ~1,000–2,000 predictions per second
            }
            producer.flush();
        }
        Thread.sleep(2000);
        running.set(false);
        for (Thread reader : readers) reader.join();
        Map<String, Object> checkpoints = checkpointStats(job);
        cluster().cancelJob(job).get();
        Map<String, Object> figure = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<Long>> e : latencies.entrySet()) {
            // The first windows include job start-up; skip the first 3 alerts.
            List<Long> all = new ArrayList<>(e.getValue());
            List<Long> steady = all.size() > 6 ? new ArrayList<>(all.subList(3, all.size())) : all;
            Collections.sort(steady);
            long p50 = percentile(steady, 0.5), p99 = percentile(steady, 0.99);
            long max = steady.isEmpty() ? 0 : steady.get(steady.size() - 1);
            progress(
                    "alert latency (%s) over %d alerts: p50 %d ms, p90 %d ms, p99 %d ms, max %d ms",
                    e.getKey(), steady.size(), p50, percentile(steady, 0.9), p99, max);
            if (e.getKey().equals("read_committed")) {
                figure.put("alerts", steady.size());
                figure.put("p50", p50);
                figure.put("p99", p99);
                figure.put("max", max);
            } else {
                figure.put("written_p50", p50);
                figure.put("written_p99", p99);
            }
        }
        figure.put("checkpoint_interval_ms", checkpointMs);
        figure.put("buffer_timeout_ms", bufferTimeoutMs);
        figure.put("alert_delivery", alertDelivery);
        figure.put("flink_config", flinkConfig);
        figure.put("checkpoints", checkpoints);
        figures.put("alert_latency_ms", figure);
    }

    /**
     * The running job's checkpoints, from Flink's REST API: how long they took end to end (the wait an alert's
     * transaction has before it can commit) and, for the last one, which operators took longest and held the most.
     */
    private Map<String, Object> checkpointStats(JobID job) throws Exception {
        java.net.URI rest = cluster().getRestAddress().get();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        ObjectMapper mapper = new ObjectMapper();
        JsonNode stats = ReplayRun.get(http, mapper, rest, "/jobs/" + job + "/checkpoints");
        JsonNode duration = stats.path("summary").path("end_to_end_duration");
        Map<String, Object> figure = new java.util.LinkedHashMap<>();
        figure.put("completed", stats.path("counts").path("completed").asLong());
        figure.put("duration_p50_ms", duration.path("p50").asDouble());
        figure.put("duration_p99_ms", duration.path("p99").asDouble());
        figure.put("duration_max_ms", duration.path("max").asLong());
        figure.put(
                "state_size_p50_bytes",
                stats.path("summary").path("state_size").path("p50").asDouble());
        progress(
                "checkpoints: %d completed, end to end p50 %.0f ms, p99 %.0f ms, max %d ms; state p50 %,.0f bytes",
                figure.get("completed"),
                figure.get("duration_p50_ms"),
                figure.get("duration_p99_ms"),
                figure.get("duration_max_ms"),
                figure.get("state_size_p50_bytes"));
        long last = stats.path("latest").path("completed").path("id").asLong(-1);
        if (last >= 0) {
            Map<String, String> names = new HashMap<>();
            for (JsonNode v : ReplayRun.get(http, mapper, rest, "/jobs/" + job).path("vertices"))
                names.put(v.path("id").asText(), v.path("name").asText());
            JsonNode tasks = ReplayRun.get(http, mapper, rest, "/jobs/" + job + "/checkpoints/details/" + last)
                    .path("tasks");
            Map<String, Object> byVertex = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> t : tasks.properties()) {
                String name = names.getOrDefault(t.getKey(), t.getKey());
                name = name.length() > 60 ? name.substring(0, 60) : name;
                long e2e = t.getValue().path("end_to_end_duration").asLong();
                long size = t.getValue().path("state_size").asLong();
                byVertex.put(name, e2e + " ms, " + size + " bytes");
                progress("  checkpoint %d: %-60s %5d ms %,12d bytes", last, name, e2e, size);
            }
            figure.put("last", byVertex);
        }
        return figure;
    }

    /** Reads the alerts topic at one isolation level: per alert, when it became readable after its window's end. */
    private void readAlerts(
            String topic, String isolation, long outOfOrdernessMs, AtomicBoolean running, List<Long> latencies) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-reader-" + isolation);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        ObjectMapper mapper = new ObjectMapper();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(10))) {
                    long now = System.currentTimeMillis();
                    long windowEnd =
                            mapper.readTree(r.value()).path("window_end").asLong();
                    latencies.add(now - (windowEnd + outOfOrdernessMs));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) return -1;
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
    }

    @SuppressWarnings("unchecked")
    private void summarize() {
        long peakRss = peakRssBytes();
        figures.put("peak_rss_mb", peakRss >> 20);
        System.out.println();
        System.out.println("figure                                   value");
        Object ceiling = figures.get("ceiling_records_per_s");
        if (ceiling != null)
            System.out.printf(Locale.ROOT, "%-40s %,d records/s%n", "raw consumer ceiling", (Long) ceiling);
        for (String run : List.of("heap_tumbling", "rocksdb_tumbling", "heap_sliding")) {
            Map<String, Object> f = (Map<String, Object>) figures.get(run);
            if (f == null) continue;
            long rate = (Long) f.get("events_per_s");
            String ratio = ceiling == null
                    ? ""
                    : String.format(Locale.ROOT, " (%.2f × ceiling)", (double) rate / (Long) ceiling);
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %,d events/s%s, %s CPU µs per event, peak heap %d MB%n",
                    "job, " + run.replace('_', ' '),
                    rate,
                    ratio,
                    f.get("cpu_us_per_event"),
                    f.get("peak_heap_mb"));
        }
        Map<String, Object> tumbling = (Map<String, Object>) figures.get("heap_tumbling");
        Map<String, Object> sliding = (Map<String, Object>) figures.get("heap_sliding");
        Map<String, Object> parse = (Map<String, Object>) figures.get("parse_only");
        Map<String, Object> rocks = (Map<String, Object>) figures.get("rocksdb_tumbling");
        if (parse != null) {
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %,d events/s, %s CPU µs per event%n",
                    "parse-only ceiling",
                    (Long) parse.get("events_per_s"),
                    parse.get("cpu_us_per_event"));
            if (tumbling != null) {
                // Medians' ratio, and by CPU time per event (the steadier figure under load).
                double share = (double) (Long) tumbling.get("events_per_s") / (Long) parse.get("events_per_s");
                double byCpu = ratio(parse, tumbling, "cpu_us_per_event");
                figures.put("heap_vs_parse_only", round(share));
                figures.put("heap_vs_parse_only_by_cpu", round(byCpu));
                figures.put(
                        "heap_vs_parse_only_by_cpu_without_jit",
                        round(ratio(parse, tumbling, "cpu_us_per_event_without_jit")));
                System.out.printf(
                        Locale.ROOT,
                        "%-40s %.2f × (events/s), %.2f × (CPU per event)%n",
                        "full job, heap, vs parse-only",
                        share,
                        byCpu);
            }
        }
        if (rocks != null && tumbling != null) {
            double share = (double) (Long) rocks.get("events_per_s") / (Long) tumbling.get("events_per_s");
            double byCpu = ratio(tumbling, rocks, "cpu_us_per_event");
            figures.put("rocksdb_vs_heap", round(share));
            figures.put("rocksdb_vs_heap_by_cpu", round(byCpu));
            figures.put(
                    "rocksdb_vs_heap_by_cpu_without_jit",
                    round(ratio(tumbling, rocks, "cpu_us_per_event_without_jit")));
            System.out.printf(
                    Locale.ROOT, "%-40s %.2f × (events/s), %.2f × (CPU per event)%n", "RocksDB vs heap", share, byCpu);
        }
        if (tumbling != null && sliding != null) {
            // By CPU time, the steadier figure on a shared machine; the wall-clock ratio is kept beside it.
            double cost = ratio(sliding, tumbling, "cpu_seconds");
            figures.put("sliding_cost_vs_tumbling", round(cost));
            figures.put(
                    "sliding_cost_vs_tumbling_without_jit",
                    round(ratio(sliding, tumbling, "cpu_us_per_event_without_jit")));
            figures.put("sliding_cost_vs_tumbling_wall", round(ratio(sliding, tumbling, "seconds")));
            System.out.printf(
                    Locale.ROOT, "%-40s %.2f × (CPU time)%n", "sliding (10m/1m) cost vs tumbling (10m)", cost);
        }
        for (String backend : List.of("hashmap", "rocksdb")) {
            Map<String, Object> f = (Map<String, Object>) figures.get("state_" + backend);
            if (f != null)
                System.out.printf(
                        Locale.ROOT,
                        "%-40s %s bytes%n",
                        "state per pending prediction, " + backend,
                        f.get("bytes_per_pending_prediction"));
        }
        Map<String, Object> latency = (Map<String, Object>) figures.get("alert_latency_ms");
        if (latency != null)
            System.out.printf(
                    Locale.ROOT,
                    "%-40s p50 %s ms, p99 %s ms%n",
                    "alert latency",
                    latency.get("p50"),
                    latency.get("p99"));
        System.out.printf(Locale.ROOT, "%-40s %d MB%n", "peak RSS (broker + job + harness)", peakRss >> 20);
    }

    private static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (IOException ignored) {
            // not Linux: no RSS figure
        }
        return 0;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    private static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[benchmark] " + format + "%n", args);
    }

    /** Samples the JVM's used heap every 100 ms. */
    private static final class HeapSampler {
        private final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            s.thread = new Thread(
                    () -> {
                        while (s.running.get()) {
                            long used = ManagementFactory.getMemoryMXBean()
                                    .getHeapMemoryUsage()
                                    .getUsed();
                            s.peak.accumulateAndGet(used, Math::max);
                            try {
                                Thread.sleep(100);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "heap-sampler");
            s.thread.setDaemon(true);
            s.thread.start();
            return s;
        }

        long stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return peak.get();
        }
    }
}
