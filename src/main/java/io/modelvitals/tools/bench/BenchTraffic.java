package io.modelvitals.tools.bench;

import java.util.ArrayDeque;
import java.util.Random;

/**
 * Fast, seeded benchmark traffic: predictions of several models and versions with segments, a label
 * for 90% of them about a minute later (event time), and an impression for each. One prediction per
 * {@code 1000 / predictionsPerSecond} ms of event time; records come out in event-time order.
 */
final class BenchTraffic {
    interface Sink {
        void send(String stream, String key, String json);
    }

    private static final String[] CLASSES = {"a", "b", "c", "d", "e"};
    private static final String[] COUNTRIES = {"US", "GB", "DE", "BR", "IN", "FR", "JP", "MX"};
    private static final String[] DEVICES = {"mobile", "tv", "web"};

    private final Random random;
    private final int models;
    private final int versions;
    private final long start;
    private final double stepMs;
    private final boolean withLabels;

    BenchTraffic(long seed, int models, int versions, long start, double predictionsPerSecond, boolean withLabels) {
        this.random = new Random(seed);
        this.models = models;
        this.versions = versions;
        this.start = start;
        this.stepMs = 1000.0 / predictionsPerSecond;
        this.withLabels = withLabels;
    }

    /** Writes predictions (and their labels and impressions) until {@code records} records were sent; returns the count. */
    long run(long records, Sink sink) {
        ArrayDeque<long[]> labels =
                new ArrayDeque<>(); // {labelTs, predictionIndex, truthClass}: ~FIFO, delays are near-constant
        long sent = 0;
        StringBuilder sb = new StringBuilder(256);
        for (long i = 0; sent < records; i++) {
            long ts = start + (long) (i * stepMs);
            while (!labels.isEmpty() && labels.peek()[0] <= ts && sent < records) {
                long[] l = labels.poll();
                sb.setLength(0);
                sb.append("{\"prediction_id\":\"b")
                        .append(l[1])
                        .append("\",\"ts\":")
                        .append(l[0])
                        .append(",\"label\":\"")
                        .append(CLASSES[(int) l[2]])
                        .append("\"}");
                sink.send("labels", "b" + l[1], sb.toString());
                sent++;
            }
            if (sent >= records) break;
            int model = pickModel();
            int version = random.nextDouble() < 0.9 ? 0 : 1 + random.nextInt(Math.max(1, versions - 1));
            if (versions == 1) version = 0;
            int truth = random.nextInt(CLASSES.length);
            int predicted = random.nextDouble() < 0.8 ? truth : random.nextInt(CLASSES.length);
            String id = "b" + i;
            sb.setLength(0);
            sb.append("{\"prediction_id\":\"")
                    .append(id)
                    .append("\",\"model\":\"model-")
                    .append(model)
                    .append("\",\"version\":\"v")
                    .append(version + 1)
                    .append("\",\"ts\":")
                    .append(ts)
                    .append(",\"label\":\"")
                    .append(CLASSES[predicted])
                    .append("\",\"score\":")
                    .append(Math.round(random.nextDouble() * 1000) / 1000.0)
                    .append(",\"latency_ms\":")
                    .append(5 + random.nextInt(40))
                    .append(",\"segment\":{\"country\":\"")
                    .append(COUNTRIES[random.nextInt(COUNTRIES.length)])
                    .append("\",\"device\":\"")
                    .append(DEVICES[random.nextInt(DEVICES.length)])
                    .append("\"}}");
            sink.send("predictions", id, sb.toString());
            sent++;
            if (sent < records) {
                sb.setLength(0);
                sb.append("{\"event_id\":\"i")
                        .append(i)
                        .append("\",\"ts\":")
                        .append(ts + 100)
                        .append(",\"type\":\"impression\",\"prediction_id\":\"")
                        .append(id)
                        .append("\"}");
                sink.send("business-events", id, sb.toString());
                sent++;
            }
            if (withLabels && random.nextDouble() < 0.9) labels.add(new long[] {ts + 60_000, i, truth});
        }
        return sent;
    }

    /** The first model carries half the traffic: the hot key that two-phase aggregation is for. */
    private int pickModel() {
        return models == 1 || random.nextBoolean() ? 0 : 1 + random.nextInt(models - 1);
    }
}
