package io.modelvitals.tools.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelvitals.testing.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code watch} on the real broker: the test writes a model's vitals and alerts in a committed transaction
 * (after an aborted one that must never show), and expects one row per version and window, computed here
 * from the values written, with the alert printed after the rows of its window.
 */
class WatchITCase {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final long W = 600_000;
    private static final String[] TIMES = {"03-01 10:00", "03-01 10:10", "03-01 10:20", "03-01 10:30"};

    /** Window w of version v (1 or 2): accuracy, its interval, n, coverage, delay and the KPI. */
    private static double accuracy(int v, int w) {
        return v == 1 ? 0.9 : 0.8 - 0.1 * w;
    }

    private static long n(int v, int w) {
        return 100L * v + 10 * w;
    }

    private static double coverage(int v, int w) {
        return 0.5 + 0.1 * w;
    }

    private static double delayMs(int v, int w) {
        return 60_000 * (5 + w + v);
    }

    private static double kpi(int v, int w) {
        return 0.25 + 0.01 * v;
    }

    private static double psi(int w) {
        return 0.05 * w;
    }

    private static String vital(int v, int w, String vital, String extra, double value, String segment) {
        return String.format(
                Locale.ROOT,
                "{\"model\":\"fraud-detector\",\"version\":\"v%d\",\"segment\":\"%s\",\"vital\":\"%s\"%s,"
                        + "\"value\":%s,\"n\":%d,\"window_start\":%d,\"window_end\":%d}",
                v,
                segment,
                vital,
                extra,
                value,
                n(v, w),
                T + (w - 1) * W,
                T + w * W);
    }

    private static List<String> windowOf(int v, int w) {
        List<String> out = new ArrayList<>();
        double a = accuracy(v, w);
        out.add(vital(v, w, "accuracy", ",\"ci_lower\":" + (a - 0.05) + ",\"ci_upper\":" + (a + 0.04), a, "all"));
        out.add(vital(v, w, "labeled_count", "", n(v, w), "all"));
        out.add(vital(v, w, "label_coverage", "", coverage(v, w), "all"));
        out.add(vital(v, w, "label_delay_p50_ms", "", delayMs(v, w), "all"));
        out.add(vital(v, w, "kpi", ",\"class\":\"approval_rate\"", kpi(v, w), "all"));
        if (v == 2) out.add(vital(v, w, "class_psi", ",\"reference\":\"champion\"", psi(w), "all"));
        // A segment's vitals are not the version's row.
        out.add(vital(v, w, "accuracy", "", 0.0, "country=US"));
        return out;
    }

    private static String alert(String name, String status, long windowEnd) {
        return "{\"status\":\"" + status + "\",\"labels\":{\"alertname\":\"" + name + "\",\"model\":\"fraud-detector\","
                + "\"segment\":\"all\",\"severity\":\"critical\",\"version\":\"v2\",\"vital\":\"accuracy\"},"
                + "\"annotations\":{\"summary\":\"accuracy of fraud-detector v2 is low\"},"
                + "\"startsAt\":\"2026-03-01T10:10:00Z\",\"fingerprint\":\"f\",\"window_end\":" + windowEnd + "}";
    }

    /** What the row of (v, w) must read, whitespace collapsed. */
    private static String row(int v, int w) {
        double a = accuracy(v, w);
        return String.join(
                                " ",
                                TIMES[w],
                                "fraud-detector/v" + v,
                                String.valueOf(n(v, w)),
                                String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", a, a - 0.05, a + 0.04),
                                String.format(Locale.ROOT, "%.3f", coverage(v, w)),
                                String.format(Locale.ROOT, "%.1f min", delayMs(v, w) / 60_000),
                                v == 2 ? String.format(Locale.ROOT, "%.3f", psi(w)) + " " : "")
                        .trim()
                + " " + String.format(Locale.ROOT, "approval_rate %.3f", kpi(v, w));
    }

    @Test
    @Timeout(120)
    void rowsPerVersionAndWindowWithTheAlertAfterItsWindow() throws Exception {
        KAFKA.kafka().createTopics(1, "w-vitals", "w-alerts", "w-dead-letters");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.kafka().bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "watch-test");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            // Aborted: a later window with absurd accuracy and an alert; read_committed never shows them.
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("w-vitals", vital(1, 5, "accuracy", "", 0.111, "all")));
            producer.send(new ProducerRecord<>("w-alerts", alert("phantom", "firing", T + 5 * W)));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            for (int w = 0; w < 4; w++)
                for (int v = 1; v <= 2; v++)
                    for (String line : windowOf(v, w)) producer.send(new ProducerRecord<>("w-vitals", line));
            producer.send(new ProducerRecord<>("w-alerts", alert("accuracy-low", "firing", T + W)));
            producer.send(new ProducerRecord<>("w-dead-letters", "{\"reason\":\"not json\"}"));
            producer.commitTransaction();
        }

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        // Everything committed is read, then the watcher stops (--exit-at-end): rows of 10:00 and 10:10 are
        // printed live (each once its version is two windows further on), then the alert of the window
        // ending 10:10, then, at the end, the rows still held back.
        WatchCommand.watch(
                WatchCommand.consumerProperties(KAFKA.kafka().bootstrapServers()),
                WatchCommand.topics("w-vitals,w-alerts,w-dead-letters"),
                System.currentTimeMillis() - 3_600_000,
                true,
                new AtomicBoolean(true),
                out);

        List<String> lines = Arrays.stream(
                        buffer.toString(StandardCharsets.UTF_8).split("\n"))
                .map(l -> l.trim().replaceAll("\\s+", " "))
                .collect(Collectors.toList());
        List<String> expected = new ArrayList<>();
        expected.add("window end model/version labeled quality [95% CI] coverage delay p50 PSI champ KPIs");
        for (int w = 0; w < 2; w++) for (int v = 1; v <= 2; v++) expected.add(row(v, w));
        expected.add(">> FIRING accuracy-low [critical] fraud-detector v2 all: accuracy of fraud-detector v2 is low");
        for (int w = 2; w < 4; w++) for (int v = 1; v <= 2; v++) expected.add(row(v, w));
        assertEquals(String.join("\n", expected), String.join("\n", lines));
    }
}
