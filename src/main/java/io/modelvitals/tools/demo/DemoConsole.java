package io.modelvitals.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.config.MonitorSpec;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The demo's live view: one row per model version and window (whole population) once the window's
 * vitals are committed, and a line per alert as it fires or resolves.
 */
final class DemoConsole {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final Demo.Result result;
    private final ObjectMapper mapper = new ObjectMapper();
    /** (window end, model/version) → vital → record; printed when a later window of that version shows up. */
    private final TreeMap<String, Map<String, JsonNode>> pending = new TreeMap<>();

    private final Map<String, Long> latestWindow = new TreeMap<>();
    /** The latest window printed per version, and the alerts waiting for their window's rows. */
    private final Map<String, Long> printed = new TreeMap<>();

    private final TreeMap<String, JsonNode> queuedAlerts = new TreeMap<>();

    DemoConsole(PrintStream out, Demo.Result result) {
        this.out = out;
        this.result = result;
    }

    void printHeader() {
        out.printf(
                "%-11s  %-16s %7s  %-22s %8s %8s %9s %9s %10s%n",
                "window end",
                "model/version",
                "labeled",
                "accuracy [95% CI]",
                "macro-F1",
                "coverage",
                "delay p50",
                "take-rate",
                "PSI vs v1");
    }

    void follow(String bootstrapServers, MonitorSpec spec, AtomicBoolean running) {
        try (KafkaConsumer<String, String> consumer = Demo.outputConsumer(bootstrapServers, "demo-console")) {
            consumer.subscribe(
                    List.of(spec.kafka.topics.vitals, spec.kafka.topics.alerts, spec.kafka.topics.deadLetters));
            while (running.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode node = Demo.parse(mapper, record);
                    if (node == null) continue;
                    if (record.topic().equals(spec.kafka.topics.vitals)) vital(node);
                    else if (record.topic().equals(spec.kafka.topics.alerts)) alert(node);
                    else result.deadLetters++;
                }
            }
            pending.keySet().forEach(k -> printRow(k, pending.get(k)));
            pending.clear();
            queuedAlerts.values().forEach(this::printAlert);
            queuedAlerts.clear();
        }
    }

    private void vital(JsonNode v) {
        result.vitals++;
        if (!"all".equals(v.path("segment").asText())) return;
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
        String[] parts = key.split("\\|");
        printed.merge(parts[1], Long.parseLong(parts[0]), Math::max);
        Instant end = Instant.ofEpochMilli(Long.parseLong(parts[0]));
        JsonNode accuracy = vitals.get("accuracy|");
        JsonNode f1 = vitals.get("macro_f1|");
        JsonNode coverage = vitals.get("label_coverage|");
        JsonNode delay = vitals.get("label_delay_p50_ms|");
        JsonNode labeled = vitals.get("labeled_count|");
        JsonNode drift = vitals.get("class_psi|champion");
        JsonNode takeRate = vitals.get("kpi|take_rate");
        if (accuracy == null && coverage == null) return; // only late or duplicate-label counts: nothing to show
        out.printf(
                Locale.ROOT,
                "%-11s  %-16s %7s  %-22s %8s %8s %9s %9s %10s%n",
                TIME.format(end),
                parts[1],
                labeled == null ? "-" : String.valueOf(labeled.path("value").asLong()),
                accuracy == null
                        ? "-"
                        : String.format(
                                Locale.ROOT,
                                "%.3f [%.3f, %.3f]",
                                accuracy.path("value").asDouble(),
                                accuracy.path("ci_lower").asDouble(),
                                accuracy.path("ci_upper").asDouble()),
                f1 == null
                        ? "-"
                        : String.format(Locale.ROOT, "%.3f", f1.path("value").asDouble()),
                coverage == null
                        ? "-"
                        : String.format(
                                Locale.ROOT, "%.3f", coverage.path("value").asDouble()),
                delay == null
                        ? "-"
                        : String.format(
                                Locale.ROOT, "%.1f min", delay.path("value").asDouble() / 60000),
                takeRate == null
                        ? "-"
                        : String.format(
                                Locale.ROOT, "%.3f", takeRate.path("value").asDouble()),
                drift == null
                        ? ""
                        : String.format(Locale.ROOT, "%.3f", drift.path("value").asDouble()));
    }

    private void alert(JsonNode a) {
        result.alerts.add(a);
        // Held until the rows of its window are out, so the alert reads after the numbers that raised it.
        queuedAlerts.put(String.format("%015d|%06d", a.path("window_end").asLong(), queuedAlerts.size()), a);
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
