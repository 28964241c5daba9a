package io.modelvitals.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The live view of the output topics, for the demo and for {@code watch} on any deployment: one row per
 * model version and window (whole population) once the window's vitals are committed, and a line per
 * alert as it fires or resolves, printed after the rows of the window that raised it. The columns hold for
 * any spec: the model's main quality vital (accuracy, else the first regression error present) with its
 * interval, label coverage and delay, output drift against the champion, and every KPI by name.
 */
public final class LiveConsole {
    /** What the console saw, for callers that count (the demo's summary and tests). */
    public interface Listener {
        default void vital(JsonNode vital) {}

        default void alert(JsonNode alert) {}

        default void deadLetter(JsonNode deadLetter) {}
    }

    /** The quality vital a row shows: the first of these the window has. */
    static final List<String> QUALITY = List.of("accuracy", "mae", "rmse", "roc_auc", "log_loss");

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final String ROW = "%-11s  %-22s %7s  %-27s %8s %9s %9s  %s%n";

    private final PrintStream out;
    private final Listener listener;
    private final ObjectMapper mapper = new ObjectMapper();
    /** (window end, model/version) → vital → record; printed when a later window of that version shows up. */
    private final TreeMap<String, Map<String, JsonNode>> pending = new TreeMap<>();

    private final Map<String, Long> latestWindow = new TreeMap<>();
    /** The latest window printed per version, and the alerts waiting for their window's rows. */
    private final Map<String, Long> printed = new TreeMap<>();

    private final TreeMap<String, JsonNode> queuedAlerts = new TreeMap<>();
    /** Orders the alerts of one window as they came; never reused (the queue's size was, and overwrote alerts). */
    private long alertsSeen;

    public LiveConsole(PrintStream out, Listener listener) {
        this.out = out;
        this.listener = listener;
    }

    public void printHeader() {
        out.printf(
                Locale.ROOT,
                ROW,
                "window end",
                "model/version",
                "labeled",
                "quality [95% CI]",
                "coverage",
                "delay p50",
                "PSI champ",
                "KPIs");
    }

    /**
     * Reads the consumer (read_committed, subscribed or assigned to the vitals, alerts and dead-letter
     * topics) while {@code running} says so, then prints what is still held back.
     */
    public void follow(
            KafkaConsumer<String, String> consumer,
            String vitalsTopic,
            String alertsTopic,
            String deadLettersTopic,
            BooleanSupplier running) {
        while (running.getAsBoolean()) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                JsonNode node = parse(record.value());
                if (node == null) continue;
                if (record.topic().equals(vitalsTopic)) vital(node);
                else if (record.topic().equals(alertsTopic)) alert(node);
                else if (record.topic().equals(deadLettersTopic)) listener.deadLetter(node);
            }
        }
        flush();
    }

    /** Prints every row and alert still held back (at the end: no later window will come). */
    public void flush() {
        pending.keySet().forEach(k -> printRow(k, pending.get(k)));
        pending.clear();
        queuedAlerts.values().forEach(this::printAlert);
        queuedAlerts.clear();
    }

    private JsonNode parse(String value) {
        if (value == null) return null;
        try {
            return mapper.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    public void vital(JsonNode v) {
        listener.vital(v);
        if (!"all".equals(v.path("segment").asText())) return;
        // Quality by prediction time comes a label horizon later: its window's row was printed long ago.
        if (v.has("timeline")) return;
        String version = v.path("model").asText() + "/" + v.path("version").asText();
        long windowEnd = v.path("window_end").asLong();
        String key = String.format("%015d|%s", windowEnd, version);
        pending.computeIfAbsent(key, k -> new TreeMap<>())
                .put(
                        v.path("vital").asText() + "|" + v.path("class").asText("")
                                + v.path("reference").asText(""),
                        v);
        Long latest = latestWindow.get(version);
        if (latest == null || windowEnd > latest) {
            latestWindow.put(version, windowEnd);
            // A window's vitals come from several operators (quality, outputs and drift, KPIs), which may be
            // committed a checkpoint apart: a row is printed once this version is two windows further on.
            for (String k : List.copyOf(
                    pending.headMap(String.format("%015d|", windowEnd)).keySet())) {
                if (!k.endsWith("|" + version)) continue;
                long end = Long.parseLong(k.substring(0, k.indexOf('|')));
                if (latest != null && end < latest) printRow(k, pending.remove(k));
            }
            printDueAlerts();
        }
    }

    private void printRow(String key, Map<String, JsonNode> vitals) {
        String[] parts = key.split("\\|", 2);
        printed.merge(parts[1], Long.parseLong(parts[0]), Math::max);
        Instant end = Instant.ofEpochMilli(Long.parseLong(parts[0]));
        String qualityName = null;
        for (String q : QUALITY)
            if (vitals.containsKey(q + "|")) {
                qualityName = q;
                break;
            }
        JsonNode quality = qualityName == null ? null : vitals.get(qualityName + "|");
        JsonNode coverage = vitals.get("label_coverage|");
        JsonNode delay = vitals.get("label_delay_p50_ms|");
        JsonNode labeled = vitals.get("labeled_count|");
        JsonNode drift = vitals.containsKey("class_psi|champion")
                ? vitals.get("class_psi|champion")
                : vitals.get("value_psi|champion");
        List<String> kpis = new ArrayList<>();
        vitals.forEach((k, v) -> {
            if (k.startsWith("kpi|") && !v.has("reference"))
                kpis.add(v.path("class").asText() + " " + number(v.path("value").asDouble()));
        });
        if (quality == null && coverage == null) return; // only late or duplicate-label counts: nothing to show
        out.printf(
                Locale.ROOT,
                ROW,
                TIME.format(end),
                parts[1],
                labeled == null ? "-" : String.valueOf(labeled.path("value").asLong()),
                quality == null ? "-" : quality(qualityName, quality),
                coverage == null ? "-" : number(coverage.path("value").asDouble()),
                delay == null
                        ? "-"
                        : String.format(
                                Locale.ROOT, "%.1f min", delay.path("value").asDouble() / 60000),
                drift == null ? "" : number(drift.path("value").asDouble()),
                String.join(", ", kpis));
    }

    /** 0.812 [0.790, 0.830] for accuracy; other vitals say their name: mae 1.23 [1.10, 1.36]. */
    static String quality(String name, JsonNode v) {
        String value = number(v.path("value").asDouble());
        if (v.has("ci_lower"))
            value += " [" + number(v.path("ci_lower").asDouble()) + ", "
                    + number(v.path("ci_upper").asDouble()) + "]";
        return name.equals("accuracy") ? value : name + " " + value;
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    public void alert(JsonNode a) {
        listener.alert(a);
        // Held until the rows of its window are out, so the alert reads after the numbers that raised it.
        queuedAlerts.put(String.format("%015d|%012d", a.path("window_end").asLong(), alertsSeen++), a);
        printDueAlerts();
    }

    /** Alerts whose window every version's rows have passed. */
    private void printDueAlerts() {
        long printedUpTo = printedUpTo();
        while (!queuedAlerts.isEmpty() && Long.parseLong(queuedAlerts.firstKey().substring(0, 15)) <= printedUpTo) {
            printAlert(queuedAlerts.pollFirstEntry().getValue());
        }
    }

    private long printedUpTo() {
        if (printed.isEmpty()) return Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (long end : printed.values()) min = Math.min(min, end);
        return min;
    }

    private void printAlert(JsonNode a) {
        JsonNode labels = a.path("labels");
        boolean firing = "firing".equals(a.path("status").asText());
        out.printf(
                Locale.ROOT,
                "%s %-8s %s [%s] %s %s %s: %s%n",
                firing ? ">>" : "<<",
                firing ? "FIRING" : "RESOLVED",
                labels.path("alertname").asText(),
                labels.path("severity").asText(),
                labels.path("model").asText(),
                labels.path("version").asText(),
                labels.path("segment").asText(),
                a.path("annotations").path("summary").asText());
    }
}
