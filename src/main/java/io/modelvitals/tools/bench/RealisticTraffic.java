package io.modelvitals.tools.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Multi-model traffic like issue 22's, seeded and deterministic, for the {@code replay} benchmark phases: three
 * models — a five-class recommender reporting per-class {@code scores}, a binary fraud classifier reporting the
 * positive class's {@code score}, and an ETA regressor — each with a champion {@code v1} (95%) and a challenger
 * {@code v2} (5%), segments by country and device, serving latency, labels after an exponential delay (8% never, 1%
 * of them sent twice), an impression per recommendation and plays of some of them. Records come
 * out in event-time order per stream, as JSON lines. docs/benchmarks.md says how it is made and what it yields.
 *
 * <p>With {@code models = 1} only the recommender is generated (one hot model; with {@code versions = 1}, one
 * version too): the traffic for the spread-of-work measurement.
 */
final class RealisticTraffic {
    static final String[] CLASSES = {"drama", "comedy", "action", "documentary", "kids"};
    private static final double[] PRIORS = {0.35, 0.25, 0.20, 0.12, 0.08};
    private static final String[] COUNTRIES = {"US", "GB", "DE", "BR", "IN"};
    private static final double[] COUNTRY_SHARES = {0.50, 0.15, 0.15, 0.10, 0.10};
    private static final String[] DEVICES = {"mobile", "tv", "web"};
    private static final double[] DEVICE_SHARES = {0.60, 0.25, 0.15};
    /** Shares of the traffic: recommender, fraud, eta. */
    private static final double[] MODEL_SHARES = {0.5, 0.3, 0.2};

    static final double CHALLENGER_SHARE = 0.05;
    static final double UNLABELED_SHARE = 0.08;
    static final double DUPLICATED_LABEL_SHARE = 0.01;
    static final long START = 1_793_606_400_000L; // 2026-11-02T08:00:00Z

    private final Random random;
    private final int models;
    private final int versions;
    private final long spanMs;
    private final double predictionsPerSecond;
    private long sequence;

    /** Counts of what was written, by kind. */
    long predictions, labels, duplicatedLabels, impressions, plays, failures;

    RealisticTraffic(long seed, int models, int versions, long spanMs, double predictionsPerSecond) {
        if (models != 1 && models != 3) throw new IllegalArgumentException("models: 1 or 3");
        this.random = new Random(seed);
        this.models = models;
        this.versions = versions;
        this.spanMs = spanMs;
        this.predictionsPerSecond = predictionsPerSecond;
    }

    long records() {
        return predictions + labels + impressions + plays;
    }

    private static final class Pending implements Comparable<Pending> {
        final long ts;
        final long order;
        final int stream; // 0 predictions, 1 labels, 2 business events
        final String json;

        Pending(long ts, long order, int stream, String json) {
            this.ts = ts;
            this.order = order;
            this.stream = stream;
            this.json = json;
        }

        @Override
        public int compareTo(Pending o) {
            return ts != o.ts ? Long.compare(ts, o.ts) : Long.compare(order, o.order);
        }
    }

    /** Writes predictions.jsonl, labels.jsonl and business-events.jsonl into {@code dir}. */
    void writeFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (BufferedWriter p = Files.newBufferedWriter(dir.resolve("predictions.jsonl"), StandardCharsets.UTF_8);
                BufferedWriter l = Files.newBufferedWriter(dir.resolve("labels.jsonl"), StandardCharsets.UTF_8);
                BufferedWriter e =
                        Files.newBufferedWriter(dir.resolve("business-events.jsonl"), StandardCharsets.UTF_8)) {
            BufferedWriter[] writers = {p, l, e};
            PriorityQueue<Pending> delayed = new PriorityQueue<>();
            double carry = 0;
            for (long second = START; second < START + spanMs; second += 1000) {
                carry += predictionsPerSecond;
                int count = (int) carry;
                carry -= count;
                for (int i = 0; i < count; i++) generate(second + (long) (random.nextDouble() * 1000), delayed);
                while (!delayed.isEmpty() && delayed.peek().ts < second + 1000) write(delayed.poll(), writers);
            }
            // Labels and plays of the last predictions still come.
            while (!delayed.isEmpty()) write(delayed.poll(), writers);
        }
    }

    private static void write(Pending p, BufferedWriter[] writers) throws IOException {
        writers[p.stream].write(p.json);
        writers[p.stream].newLine();
    }

    private void generate(long ts, PriorityQueue<Pending> delayed) {
        int model = models == 1 ? 0 : pick(MODEL_SHARES);
        String id = "p-" + Long.toString(++sequence, 36);
        boolean challenger = versions > 1 && random.nextDouble() < CHALLENGER_SHARE;
        String country = COUNTRIES[pick(COUNTRY_SHARES)];
        String device = DEVICES[pick(DEVICE_SHARES)];
        // One call in 500 fails: the server reports the error and nothing follows from it (as in the demo).
        boolean failed = sequence % 500 == 1;
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"prediction_id\":\"")
                .append(id)
                .append("\",\"model\":\"")
                .append(model == 0 ? "recommender" : model == 1 ? "fraud" : "eta")
                .append("\",\"version\":\"")
                .append(challenger ? "v2" : "v1")
                .append("\",\"ts\":")
                .append(ts);
        String truthJson; // the label record's label or value
        boolean correct;
        if (model == 0) {
            int truth = pick(PRIORS);
            correct = random.nextDouble() < (challenger ? 0.84 : 0.82);
            int predicted = correct ? truth : otherThan(truth);
            // Scores: a random spread over the classes, the predicted class on top.
            double[] w = new double[CLASSES.length];
            double sum = 0;
            for (int c = 0; c < w.length; c++) sum += w[c] = random.nextDouble() * 0.3;
            double top = 0.5 + random.nextDouble() * 1.5;
            w[predicted] += top;
            sum += top;
            sb.append(",\"label\":\"").append(CLASSES[predicted]).append("\",\"scores\":{");
            for (int c = 0; c < w.length; c++) {
                if (c > 0) sb.append(',');
                sb.append('"').append(CLASSES[c]).append("\":").append(round(w[c] / sum));
            }
            sb.append('}');
            truthJson = "\"label\":\"" + CLASSES[truth] + "\"";
        } else if (model == 1) {
            boolean positive = random.nextDouble() < 0.1;
            double mean = positive ? (challenger ? 0.72 : 0.75) : 0.15;
            double score = Math.min(0.999, Math.max(0.001, mean + 0.15 * random.nextGaussian()));
            boolean predictedPositive = score >= 0.5;
            correct = predictedPositive == positive;
            sb.append(",\"label\":\"")
                    .append(predictedPositive ? "1" : "0")
                    .append("\",\"score\":")
                    .append(round(score));
            truthJson = "\"label\":\"" + (positive ? "1" : "0") + "\"";
        } else {
            double actual = Math.exp(Math.log(20) + 0.5 * random.nextGaussian()); // minutes to arrival
            double predicted = actual * (1 + 0.12 * random.nextGaussian()) + (challenger ? 1.0 : 0.3);
            correct = true;
            sb.append(",\"value\":").append(round(predicted));
            truthJson = "\"value\":" + round(actual);
        }
        sb.append(",\"latency_ms\":")
                .append(round(Math.exp(Math.log(model == 2 ? 9 : challenger ? 24 : 18) + 0.35 * random.nextGaussian())))
                .append(",\"segment\":{\"country\":\"")
                .append(country)
                .append("\",\"device\":\"")
                .append(device)
                .append("\"}");
        if (failed) sb.append(",\"error\":\"timeout\"");
        sb.append('}');
        delayed.add(new Pending(ts, ++sequence, 0, sb.toString()));
        predictions++;
        if (failed) {
            failures++;
            return;
        }

        // The recommender's recommendations are shown (an impression each) and some are played; the fraud
        // verdicts and ETAs have no business events (the spec gives them no KPIs: their events would be dead
        // letters).
        if (model == 0) {
            delayed.add(new Pending(
                    ts + 200,
                    ++sequence,
                    2,
                    "{\"event_id\":\"e-" + Long.toString(sequence, 36) + "\",\"ts\":" + (ts + 200)
                            + ",\"type\":\"impression\",\"prediction_id\":\"" + id + "\"}"));
            impressions++;
        }
        if (model == 0 && random.nextDouble() < (correct ? 0.45 : 0.08)) {
            long playTs = ts + 5_000 + (long) (random.nextDouble() * 60_000);
            delayed.add(new Pending(
                    playTs,
                    ++sequence,
                    2,
                    "{\"event_id\":\"e-" + Long.toString(sequence, 36) + "\",\"ts\":" + playTs
                            + ",\"type\":\"play\",\"prediction_id\":\"" + id + "\",\"value\":"
                            + round(60 + 1800 * random.nextDouble()) + "}"));
            plays++;
        }
        if (random.nextDouble() >= UNLABELED_SHARE) {
            // The fraud verdict and the ETA's arrival take longer than a viewer's choice.
            double meanDelayS = model == 0 ? 600 : 1200;
            long labelTs = ts + (long) (-Math.log(1 - random.nextDouble()) * meanDelayS * 1000);
            String label = "{\"prediction_id\":\"" + id + "\",\"ts\":" + labelTs + "," + truthJson + "}";
            delayed.add(new Pending(labelTs, ++sequence, 1, label));
            labels++;
            if (random.nextDouble() < DUPLICATED_LABEL_SHARE) {
                // A retried delivery: the same label again, up to a minute later.
                long againTs = labelTs + (long) (random.nextDouble() * 60_000);
                delayed.add(new Pending(
                        againTs,
                        ++sequence,
                        1,
                        "{\"prediction_id\":\"" + id + "\",\"ts\":" + againTs + "," + truthJson + "}"));
                labels++;
                duplicatedLabels++;
            }
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

    private int otherThan(int truth) {
        while (true) {
            int c = pick(PRIORS);
            if (c != truth) return c;
        }
    }

    private static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
