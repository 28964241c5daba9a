package io.modelvitals.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.Args;
import io.modelvitals.config.Durations;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.tools.EmbeddedKafka;
import io.modelvitals.tools.console.LiveConsole;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The one-command demo: a real Kafka broker in this JVM, the job on a local Flink environment (with
 * the web UI when flink-runtime-web is on the classpath), the simulator's traffic with its incident,
 * and a live table of vitals and alerts read back from the output topics.
 */
public final class Demo {
    /** What the demo saw on the output topics. */
    public static final class Result implements LiveConsole.Listener {
        public final List<JsonNode> alerts = Collections.synchronizedList(new ArrayList<>());
        public volatile long vitals;
        public volatile long deadLetters;
        /** The latest window end of any vital read so far: how far the job has got through the traffic. */
        public volatile long latestWindowEnd = Long.MIN_VALUE;

        @Override
        public void vital(JsonNode vital) {
            vitals++;
            latestWindowEnd = Math.max(latestWindowEnd, vital.path("window_end").asLong(Long.MIN_VALUE));
        }

        @Override
        public void alert(JsonNode alert) {
            alerts.add(alert);
        }

        @Override
        public void deadLetter(JsonNode deadLetter) {
            deadLetters++;
        }
    }

    private Demo() {}

    public static void run(Args flags) throws Exception {
        Duration duration = Durations.parse(flags.get("duration", "60s"));
        long seed = Long.parseLong(flags.get("seed", "42"));
        MonitorSpec spec = flags.has("spec") ? SpecLoader.load(Path.of(flags.required("spec"))) : bundledSpec();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            running.set(false);
            try {
                main.join(15_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        Result result = run(spec, seed, duration, running, System.out, true);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is already running and waits for us.
        }
        System.out.printf(
                "%ndemo: %d vitals, %d alert changes, %d dead letters. Bye.%n",
                result.vitals, result.alerts.size(), result.deadLetters);
    }

    public static MonitorSpec bundledSpec() throws IOException {
        try (InputStream in = Demo.class.getResourceAsStream("/demo-spec.yaml")) {
            return SpecLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "demo-spec.yaml");
        }
    }

    /**
     * Runs the demo: traffic paced over {@code duration}, then a short drain until the last windows'
     * alerts are committed. Stops early when {@code running} turns false.
     */
    public static Result run(
            MonitorSpec spec, long seed, Duration duration, AtomicBoolean running, PrintStream out, boolean webUi)
            throws Exception {
        Result result = new Result();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            spec.kafka.bootstrapServers = kafka.bootstrapServers();
            var topics = spec.kafka.topics;
            kafka.createTopics(2, topics.predictions, topics.labels, topics.businessEvents);
            kafka.createTopics(1, topics.vitals, topics.alerts, topics.deadLetters, topics.rules);
            out.printf("Kafka broker (KRaft) on %s%n", kafka.bootstrapServers());

            // The demo's broker is its own, so its transactions continue nothing: a prefix per run keeps two runs in
            // one JVM (a test and its rerun after a failure) from meeting in the Kafka sink's in-JVM backchannel, which
            // refuses a (subtask, attempt, prefix) it already holds.
            spec.job.transactionalIdPrefix = spec.job.transactionalIdPrefix + "-demo-"
                    + java.util.UUID.randomUUID().toString().substring(0, 8);
            StreamExecutionEnvironment env = localEnvironment(webUi, out);
            KafkaJob.define(env, spec, false);
            JobClient job = env.executeAsync("model-vitals demo");
            try {
                runTraffic(spec, seed, duration, running, out, kafka, result);
            } finally {
                running.set(false);
                try {
                    job.cancel().get();
                } catch (Exception alreadyEnded) {
                    // It failed or was cancelled already: nothing left to stop.
                }
            }
        }
        return result;
    }

    /** The console, the paced traffic and the drain, while the job runs. */
    private static void runTraffic(
            MonitorSpec spec,
            long seed,
            Duration duration,
            AtomicBoolean running,
            PrintStream out,
            EmbeddedKafka kafka,
            Result result)
            throws Exception {
        var topics = spec.kafka.topics;
        LiveConsole console = new LiveConsole(out, result);
        Thread reader = new Thread(
                () -> {
                    try (KafkaConsumer<String, String> consumer =
                            outputConsumer(kafka.bootstrapServers(), "demo-console")) {
                        consumer.subscribe(List.of(topics.vitals, topics.alerts, topics.deadLetters));
                        console.follow(consumer, topics.vitals, topics.alerts, topics.deadLetters, running::get);
                    }
                },
                "demo-console");
        reader.setDaemon(true);
        reader.start();

        TrafficSimulator simulator = TrafficSimulator.demo(seed);
        out.printf(
                "Traffic: %s %s (champion, %.0f%%) and %s (challenger, %.0f%%), event time %s to %s,%n"
                        + "  model incident on the challenger from %s to %s (accuracy and outputs),%n"
                        + "  business incident on the challenger from %s to %s (take-rate only); %s of wall time.%n%n",
                TrafficSimulator.MODEL,
                TrafficSimulator.CHAMPION,
                100 * (1 - TrafficSimulator.CHALLENGER_SHARE),
                TrafficSimulator.CHALLENGER,
                100 * TrafficSimulator.CHALLENGER_SHARE,
                TrafficSimulator.START,
                simulator.endsAt(),
                simulator.incidentStartsAt(),
                simulator.incidentEndsAt(),
                simulator.businessIncidentStartsAt(),
                simulator.businessIncidentEndsAt(),
                duration);
        console.printHeader();
        try (KafkaProducer<String, String> producer = TrafficSimulator.producer(kafka.bootstrapServers())) {
            sendBadRecords(producer, spec);
            simulator.run(
                    (stream, key, json) -> producer.send(new ProducerRecord<>(topicOf(spec, stream), key, json)),
                    duration,
                    running::get);
            producer.flush();
        }
        // On a busy machine the job can lag the paced traffic: wait (bounded) until it has reached the traffic's
        // last window, which closes one slide and the out-of-orderness before the traffic's end.
        long lastWindowEnd = simulator.endsAt().toEpochMilli()
                - Durations.parse(spec.job.maxOutOfOrderness).toMillis()
                - spec.modelOrDefaults(TrafficSimulator.MODEL).windowSlideMs();
        long caughtUpBy = System.currentTimeMillis() + Math.max(60_000, 2 * duration.toMillis());
        while (running.get() && result.latestWindowEnd < lastWindowEnd && System.currentTimeMillis() < caughtUpBy)
            Thread.sleep(200);
        // Let the last windows fire and their transactions commit (a checkpoint or two).
        long drainUntil = System.currentTimeMillis()
                + 3 * Durations.parse(spec.job.checkpointInterval).toMillis()
                + 2000;
        while (running.get() && System.currentTimeMillis() < drainUntil) Thread.sleep(200);
        running.set(false);
        reader.join(10_000);
    }

    private static StreamExecutionEnvironment localEnvironment(boolean webUi, PrintStream out) {
        Configuration conf = new Configuration();
        // Checkpoints on disk: the job manager's memory takes at most 5 MB of state per task, and the demo's
        // two hours of label horizon and grace hold more.
        try {
            conf.set(
                    org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    java.nio.file.Files.createTempDirectory("model-vitals-demo-checkpoints")
                            .toUri()
                            .toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        boolean hasWeb = webUi && Demo.class.getResource("/web/index.html") != null;
        if (hasWeb) {
            conf.set(RestOptions.BIND_PORT, "8081-8099");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            out.println("Flink web UI on http://127.0.0.1:8081 (or the next free port up to 8099)");
            env.setParallelism(2);
            return env;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    /** A few broken records, so the dead-letter topic has something to show. */
    private static void sendBadRecords(KafkaProducer<String, String> producer, MonitorSpec spec) {
        String start = String.valueOf(TrafficSimulator.START.toEpochMilli());
        producer.send(new ProducerRecord<>(spec.kafka.topics.predictions, "bad-1", "{not json"));
        producer.send(new ProducerRecord<>(
                spec.kafka.topics.predictions,
                "bad-2",
                "{\"prediction_id\":\"bad-2\",\"version\":\"v1\",\"ts\":" + start + ",\"label\":\"drama\"}"));
        producer.send(new ProducerRecord<>(
                spec.kafka.topics.labels,
                "bad-3",
                "{\"prediction_id\":\"bad-3\",\"ts\":\"yesterday\",\"label\":\"drama\"}"));
    }

    private static String topicOf(MonitorSpec spec, String stream) {
        switch (stream) {
            case "predictions":
                return spec.kafka.topics.predictions;
            case "labels":
                return spec.kafka.topics.labels;
            default:
                return spec.kafka.topics.businessEvents;
        }
    }

    /** A read_committed consumer of the output topics: what an alerting system downstream would see. */
    static KafkaConsumer<String, String> outputConsumer(String bootstrapServers, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }
}
