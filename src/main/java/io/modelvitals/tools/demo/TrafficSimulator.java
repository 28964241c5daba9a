package io.modelvitals.tools.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelvitals.config.Args;
import io.modelvitals.config.Durations;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Production-like traffic for a recommendation model, seeded and deterministic: a champion version
 * with most of the traffic and a challenger in a 4% rollout, five classes with realistic priors,
 * scores, segments (country, device), serving latency, labels that arrive after an exponential delay
 * (8% never), and an impression per recommendation plus plays with watch time. Between
 * {@code incidentStart} and {@code incidentEnd} the challenger's accuracy collapses and its outputs
 * shift towards one class, while the champion stays healthy.
 *
 * <p>Event time starts at {@link #START} (or at {@link #startingAt}) and runs for {@code span}; {@link #run}
 * paces it to the wall clock at {@code span / wallDuration} (hours of traffic in about a minute), or as fast as
 * possible.
 */
public final class TrafficSimulator {
    public static final Instant START = Instant.parse("2026-11-02T08:00:00Z");
    public static final String MODEL = "recommender";
    public static final String CHAMPION = "v1";
    public static final String CHALLENGER = "v2";

    static final String[] CLASSES = {"drama", "comedy", "action", "documentary", "kids"};
    static final double[] PRIORS = {0.35, 0.25, 0.20, 0.12, 0.08};
    static final String[] COUNTRIES = {"US", "GB", "DE", "BR", "IN"};
    static final double[] COUNTRY_SHARES = {0.50, 0.15, 0.15, 0.10, 0.10};
    static final String[] DEVICES = {"mobile", "tv", "web"};
    static final double[] DEVICE_SHARES = {0.60, 0.25, 0.15};

    static final double CHALLENGER_SHARE = 0.04;
    static final double CHAMPION_ACCURACY = 0.82;
    static final double CHALLENGER_ACCURACY = 0.84;
    static final double INCIDENT_ACCURACY = 0.45;
    static final double UNLABELED_SHARE = 0.08;
    static final double MEAN_LABEL_DELAY_S = 600;

    /** Where generated records go: one call per record, in event-time order. */
    public interface RecordSink {
        void send(String stream, String key, String json) throws IOException;
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Random random;
    private final Duration span;
    private final Duration incidentStart;
    private final Duration incidentEnd;
    private final Duration businessIncidentStart;
    private final Duration businessIncidentEnd;
    private final double predictionsPerSecond;
    private long sequence;
    private Instant start = START;
    private String idTag = "";

    /**
     * Between {@code businessIncidentStart} and {@code businessIncidentEnd} the challenger's recommendations
     * are as accurate as ever but played far less (a broken thumbnail in its app build, say): the business
     * metric falls while the model metric holds.
     */
    public TrafficSimulator(
            long seed,
            Duration span,
            Duration incidentStart,
            Duration incidentEnd,
            Duration businessIncidentStart,
            Duration businessIncidentEnd,
            double predictionsPerSecond) {
        this.random = new Random(seed);
        this.span = span;
        this.incidentStart = incidentStart;
        this.incidentEnd = incidentEnd;
        this.businessIncidentStart = businessIncidentStart;
        this.businessIncidentEnd = businessIncidentEnd;
        this.predictionsPerSecond = predictionsPerSecond;
    }

    /**
     * The demo's traffic: 5 hours at 8 predictions per second; the model incident from 1h40 to 3h00,
     * the business-only incident from 3h40 to 4h30.
     */
    public static TrafficSimulator demo(long seed) {
        return new TrafficSimulator(
                seed,
                Duration.ofHours(5),
                Duration.ofMinutes(100),
                Duration.ofMinutes(180),
                Duration.ofMinutes(220),
                Duration.ofMinutes(270),
                8);
    }

    /**
     * Event time from {@code start} instead of {@link #START}: a live deployment's traffic in the present, not on a
     * fixed day its job's watermark left behind long ago. The ids carry the start, so a second run (a restarted
     * container) never reuses the ids of the first.
     */
    public TrafficSimulator startingAt(Instant start) {
        this.start = start;
        this.idTag = Long.toString(start.getEpochSecond(), 36) + "-";
        return this;
    }

    public Instant startsAt() {
        return start;
    }

    public Instant businessIncidentStartsAt() {
        return start.plus(businessIncidentStart);
    }

    public Instant businessIncidentEndsAt() {
        return start.plus(businessIncidentEnd);
    }

    public Instant incidentStartsAt() {
        return start.plus(incidentStart);
    }

    public Instant incidentEndsAt() {
        return start.plus(incidentEnd);
    }

    public Instant endsAt() {
        return start.plus(span);
    }

    private static final class Pending implements Comparable<Pending> {
        final long ts;
        final long order;
        final String stream;
        final String key;
        final String json;

        Pending(long ts, long order, String stream, String key, String json) {
            this.ts = ts;
            this.order = order;
            this.stream = stream;
            this.key = key;
            this.json = json;
        }

        @Override
        public int compareTo(Pending o) {
            return ts != o.ts ? Long.compare(ts, o.ts) : Long.compare(order, o.order);
        }
    }

    /**
     * Generates all the traffic into {@code sink}. With a {@code wallDuration} the event clock is paced
     * to the wall clock; {@code keepGoing} is polled once per event second to stop early.
     */
    public void run(RecordSink sink, Duration wallDuration, BooleanSupplier keepGoing)
            throws IOException, InterruptedException {
        PriorityQueue<Pending> delayed = new PriorityQueue<>();
        long startMs = start.toEpochMilli();
        long endMs = startMs + span.toMillis();
        long wallStart = System.nanoTime();
        double carry = 0;
        for (long second = startMs; second < endMs && keepGoing.getAsBoolean(); second += 1000) {
            carry += predictionsPerSecond;
            int count = (int) carry;
            carry -= count;
            for (int i = 0; i < count; i++) {
                long ts = second + (long) (random.nextDouble() * 1000);
                generate(ts, delayed);
            }
            while (!delayed.isEmpty() && delayed.peek().ts < second + 1000) {
                Pending p = delayed.poll();
                sink.send(p.stream, p.key, p.json);
            }
            if (wallDuration != null) {
                double progress = (double) (second + 1000 - startMs) / span.toMillis();
                long dueNanos = wallStart + (long) (progress * wallDuration.toNanos());
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        // Labels and plays of the last predictions still come, as they would in production, so the
        // last horizons do not look unlabeled just because the traffic stopped.
        while (!delayed.isEmpty() && keepGoing.getAsBoolean()) {
            Pending p = delayed.poll();
            sink.send(p.stream, p.key, p.json);
        }
    }

    private void generate(long ts, PriorityQueue<Pending> delayed) {
        String id = "p-" + idTag + Long.toString(++sequence, 36);
        boolean challenger = random.nextDouble() < CHALLENGER_SHARE;
        String version = challenger ? CHALLENGER : CHAMPION;
        boolean incident = challenger
                && ts >= start.plus(incidentStart).toEpochMilli()
                && ts < start.plus(incidentEnd).toEpochMilli();
        String truth = CLASSES[pick(PRIORS)];
        double accuracy = incident ? INCIDENT_ACCURACY : challenger ? CHALLENGER_ACCURACY : CHAMPION_ACCURACY;
        String predicted;
        if (random.nextDouble() < accuracy) {
            predicted = truth;
        } else if (incident && random.nextDouble() < 0.6) {
            predicted = "kids"; // the incident's output shift: a broken feature pushes everything to one row
        } else {
            predicted = otherThan(truth);
        }
        ObjectNode p = mapper.createObjectNode();
        p.put("prediction_id", id);
        p.put("model", MODEL);
        p.put("version", version);
        p.put("ts", ts);
        p.put("label", predicted);
        p.put(
                "score",
                round(predicted.equals(truth) ? 0.55 + 0.4 * random.nextDouble() : 0.25 + 0.45 * random.nextDouble()));
        p.put("latency_ms", round(Math.exp(Math.log(challenger ? 24 : 18) + 0.35 * random.nextGaussian())));
        ObjectNode segment = p.putObject("segment");
        segment.put("country", COUNTRIES[pick(COUNTRY_SHARES)]);
        segment.put("device", DEVICES[pick(DEVICE_SHARES)]);
        // One call in 500 times out: the server reports the failure and nothing else follows from it
        // (derived from the sequence, not the random stream, so the rest of the traffic is unchanged).
        boolean failed = sequence % 500 == 1;
        if (failed) p.put("error", "timeout");
        delayed.add(new Pending(ts, ++sequence, "predictions", id, p.toString()));

        ObjectNode impression = mapper.createObjectNode();
        impression.put("event_id", "e-" + idTag + Long.toString(++sequence, 36));
        impression.put("ts", ts + 200);
        impression.put("type", "impression");
        impression.put("prediction_id", id);
        if (!failed) delayed.add(new Pending(ts + 200, sequence, "business-events", id, impression.toString()));
        double takeRate = predicted.equals(truth) ? 0.45 : 0.08;
        boolean businessIncident = challenger
                && ts >= start.plus(businessIncidentStart).toEpochMilli()
                && ts < start.plus(businessIncidentEnd).toEpochMilli();
        if (businessIncident) takeRate *= 0.4;
        if (random.nextDouble() < takeRate) {
            long playTs = ts + 5_000 + (long) (random.nextDouble() * 60_000);
            ObjectNode play = mapper.createObjectNode();
            play.put("event_id", "e-" + idTag + Long.toString(++sequence, 36));
            play.put("ts", playTs);
            play.put("type", "play");
            play.put("prediction_id", id);
            play.put("value", round(60 + 1800 * random.nextDouble()));
            if (!failed) delayed.add(new Pending(playTs, sequence, "business-events", id, play.toString()));
        }
        if (random.nextDouble() >= UNLABELED_SHARE) {
            long labelTs = ts + (long) (-Math.log(1 - random.nextDouble()) * MEAN_LABEL_DELAY_S * 1000);
            ObjectNode label = mapper.createObjectNode();
            label.put("prediction_id", id);
            label.put("ts", labelTs);
            label.put("label", truth);
            ++sequence;
            if (!failed) delayed.add(new Pending(labelTs, sequence, "labels", id, label.toString()));
        }
    }

    private int pick(double[] shares) {
        double u = random.nextDouble();
        for (int i = 0; i < shares.length - 1; i++) {
            u -= shares[i];
            if (u < 0) return i;
        }
        return shares.length - 1;
    }

    private String otherThan(String truth) {
        while (true) {
            String c = CLASSES[pick(PRIORS)];
            if (!c.equals(truth)) return c;
        }
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }

    /** Writes the whole traffic, unpaced, as three JSONL files (for replay). */
    public void writeFiles(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try (BufferedWriter predictions =
                        Files.newBufferedWriter(dir.resolve("predictions.jsonl"), StandardCharsets.UTF_8);
                BufferedWriter labels = Files.newBufferedWriter(dir.resolve("labels.jsonl"), StandardCharsets.UTF_8);
                BufferedWriter events =
                        Files.newBufferedWriter(dir.resolve("business-events.jsonl"), StandardCharsets.UTF_8)) {
            Map<String, BufferedWriter> writers =
                    Map.of("predictions", predictions, "labels", labels, "business-events", events);
            run(
                    (stream, key, json) -> {
                        BufferedWriter w = writers.get(stream);
                        w.write(json);
                        w.newLine();
                    },
                    null,
                    () -> true);
        }
    }

    /** The {@code simulate} command: the demo traffic into any Kafka, or into JSONL files with --out-dir. */
    public static void command(Args flags) throws Exception {
        TrafficSimulator simulator = demo(Long.parseLong(flags.get("seed", "42")));
        if (flags.has("start")) simulator.startingAt(parseStart(flags.required("start"), Instant.now()));
        if (flags.has("out-dir")) {
            simulator.writeFiles(Path.of(flags.required("out-dir")));
            return;
        }
        Duration wall = flags.has("fast") ? null : Durations.parse(flags.get("duration", "60s"));
        Map<String, String> topics = Map.of(
                "predictions", flags.get("predictions-topic", "predictions"),
                "labels", flags.get("labels-topic", "labels"),
                "business-events", flags.get("business-events-topic", "business-events"));
        try (KafkaProducer<String, String> producer = producer(flags.required("bootstrap-servers"))) {
            long[] sent = {0};
            simulator.run(
                    (stream, key, json) -> {
                        producer.send(new ProducerRecord<>(topics.get(stream), key, json));
                        sent[0]++;
                    },
                    wall,
                    () -> true);
            producer.flush();
            System.out.printf(
                    "simulate: %d records written, event time %s to %s%n",
                    sent[0], simulator.startsAt(), simulator.endsAt());
        }
    }

    /**
     * The {@code --start} flag: an ISO-8601 instant, {@code now}, or {@code now-DURATION} ({@code now-290m} with
     * {@code --duration 10m} replays the five hours of traffic so that they end at the present as they end).
     */
    static Instant parseStart(String text, Instant now) {
        if (text.equals("now")) return now;
        if (text.startsWith("now-")) return now.minus(Durations.parse(text.substring(4)));
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--start '" + text + "': use an ISO-8601 instant (2026-11-02T08:00:00Z), now or now-DURATION");
        }
    }

    /** A producer for simulated traffic: keyed by prediction_id, so a prediction and its events share a partition. */
    public static KafkaProducer<String, String> producer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props);
    }
}
