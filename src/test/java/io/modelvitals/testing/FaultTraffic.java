package io.modelvitals.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Traffic for the fault tests (ClusterIT, MidStreamFailureITCase) that keeps its own books: while it writes
 * the records it counts, per window and segment, the predictions and the correct ones, and from those counts
 * alone it works out the accuracy vitals and the alerts the job must write. No part of the job's code takes
 * part, so a topology that is wrong the same way live and in replay cannot pass.
 *
 * <p>Model m, version v1, one-minute windows from T0. Window k holds 100 predictions of "cat" at
 * T0 + k min + i·0.6 s (i = 0..99), each labeled 2 s later; even i are country US, odd DE. Outside an
 * incident the label is "cat" unless i % 10 == 0 (accuracy 0.9); in an incident (ten windows from its start)
 * it is "cat" only when i % 5 == 0 (accuracy 0.2). The rule is accuracy &lt; 0.5 with n ≥ 50 for two windows.
 *
 * <p>A joined pair counts in the window of its label's time (docs/semantics.md: "the later of its two times"),
 * so the last three predictions of each window (i = 97..99, labeled after the minute turns) count in the next
 * one: window 0 has 97 pairs, the others 100, and the first window of an incident has accuracy 0.23.
 */
public final class FaultTraffic {
    public static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z
    public static final long MINUTE = 60_000;
    public static final int PER_WINDOW = 100;
    public static final int INCIDENT_WINDOWS = 10;
    public static final double THRESHOLD = 0.5;
    public static final int MIN_SAMPLES = 50;
    public static final int FOR = 2;
    /** The rule, in the spec's words, for the spec of a test. */
    public static final String RULE = "{name: accuracy-low, vital: accuracy, op: '<', threshold: " + THRESHOLD
            + ", min_samples: " + MIN_SAMPLES + ", for: " + FOR + ", severity: critical}";

    private final int[] incidentStarts;
    /** "segment|window" → {predictions, correct}, counted from the records as they are written. */
    private final Map<String, long[]> counts = new TreeMap<>();

    private int predictionsWritten;

    public FaultTraffic(int... incidentStarts) {
        this.incidentStarts = incidentStarts.clone();
    }

    private boolean incident(int k) {
        for (int s : incidentStarts) if (k >= s && k < s + INCIDENT_WINDOWS) return true;
        return false;
    }

    /** Windows [from, to): their predictions and labels, appended in time order. */
    public void windows(int from, int to, List<String> predictions, List<String> labels) {
        for (int k = from; k < to; k++) {
            for (int i = 0; i < PER_WINDOW; i++) {
                long ts = T0 + k * MINUTE + i * 600L;
                String id = "p-" + k + "-" + i;
                String country = i % 2 == 0 ? "US" : "DE";
                String predicted = "cat";
                String actual = (incident(k) ? i % 5 == 0 : i % 10 != 0) ? "cat" : "dog";
                predictions.add(String.format(
                        "{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"%s\","
                                + "\"segment\":{\"country\":\"%s\"}}",
                        id, ts, predicted, country));
                labels.add(
                        String.format("{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"%s\"}", id, ts + 2_000, actual));
                int correct = predicted.equals(actual) ? 1 : 0;
                long window = (ts + 2_000 - T0) / MINUTE;
                for (String segment : List.of("all", "country=" + country)) {
                    long[] c = counts.computeIfAbsent(segment + "|" + window, x -> new long[2]);
                    c[0]++;
                    c[1] += correct;
                }
                predictionsWritten++;
            }
        }
    }

    /**
     * One prediction and its label per partition at {@code window}: they move the watermark past every window
     * before it and are never counted (their own window stays open on a live job; tests compare only windows
     * that end by {@link #end}).
     */
    public static void closing(int window, int partitions, List<String> predictions, List<String> labels) {
        for (int c = 0; c < partitions; c++) {
            long ts = T0 + window * MINUTE;
            predictions.add(String.format(
                    "{\"prediction_id\":\"closing-%d\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"cat\"}",
                    c, ts));
            labels.add(String.format("{\"prediction_id\":\"closing-%d\",\"ts\":%d,\"label\":\"cat\"}", c, ts));
        }
    }

    public int predictionsWritten() {
        return predictionsWritten;
    }

    /** The end of window k. */
    public static long end(int k) {
        return T0 + (k + 1) * MINUTE;
    }

    /** "segment|window_end" → {n, correct}: what each accuracy vital must say. */
    public Map<String, long[]> expectedAccuracy() {
        Map<String, long[]> out = new TreeMap<>();
        counts.forEach((key, c) -> {
            String[] p = key.split("\\|");
            out.put(p[0] + "|" + end(Integer.parseInt(p[1])), c.clone());
        });
        return out;
    }

    /**
     * The alerts, from the counts of segment "all" and the rule read by hand: a window breaches when
     * n ≥ MIN_SAMPLES and correct / n &lt; THRESHOLD; the second breach in a row fires (startsAt = the end of
     * the first breaching window), the first window that does not breach resolves (endsAt = its end). Each
     * alert as "status startsAt endsAt window_end value", sorted.
     */
    public List<String> expectedAlerts() {
        List<Integer> windows = counts.keySet().stream()
                .filter(k -> k.startsWith("all|"))
                .map(k -> Integer.parseInt(k.substring(4)))
                .sorted()
                .collect(Collectors.toList());
        List<String> alerts = new ArrayList<>();
        int run = 0;
        long startsAt = 0;
        boolean firing = false;
        for (int k : windows) {
            long[] c = counts.get("all|" + k);
            double accuracy = c[1] / (double) c[0];
            boolean breach = c[0] >= MIN_SAMPLES && accuracy < THRESHOLD;
            run = breach ? run + 1 : 0;
            if (run == 1) startsAt = end(k);
            if (run == FOR && !firing) {
                firing = true;
                alerts.add(alert("firing", startsAt, null, end(k), accuracy));
            } else if (!breach && firing) {
                firing = false;
                alerts.add(alert("resolved", startsAt, end(k), end(k), accuracy));
            }
        }
        java.util.Collections.sort(alerts);
        return alerts;
    }

    private static String alert(String status, long startsAt, Long endsAt, long windowEnd, double value) {
        return status + " " + Instant.ofEpochMilli(startsAt) + " "
                + (endsAt == null ? "-" : Instant.ofEpochMilli(endsAt).toString()) + " " + windowEnd + " " + value;
    }

    /** The job's alerts in the form of {@link #expectedAlerts}. */
    public static List<String> alertSummaries(List<JsonNode> alerts) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : alerts) {
            assertEquals("accuracy-low", a.path("labels").path("alertname").asText(), a.toString());
            assertEquals("all", a.path("labels").path("segment").asText(), a.toString());
            out.add(a.path("status").asText() + " " + a.path("startsAt").asText() + " "
                    + a.path("endsAt").asText("-") + " " + a.path("window_end").asLong() + " "
                    + a.path("annotations").path("value").asText());
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** Vitals whose window ends by {@code lastEnd}: the windows the traffic closed. */
    public static List<JsonNode> upTo(List<JsonNode> vitals, long lastEnd) {
        return vitals.stream()
                .filter(v -> v.path("window_end").asLong() <= lastEnd)
                .collect(Collectors.toList());
    }

    /**
     * Every accuracy vital of model m, v1 whose window ends by {@code lastEnd}, once, with the n and the value the
     * counts give; none other.
     */
    public void assertAccuracy(List<JsonNode> vitals, long lastEnd) {
        Map<String, long[]> expected = new TreeMap<>(expectedAccuracy());
        expected.keySet().removeIf(k -> Long.parseLong(k.substring(k.indexOf('|') + 1)) > lastEnd);
        vitals = upTo(vitals, lastEnd);
        Map<String, JsonNode> seen = new HashMap<>();
        for (JsonNode v : vitals) {
            if (!v.path("vital").asText().equals("accuracy")) continue;
            String key = v.path("segment").asText() + "|" + v.path("window_end").asLong();
            assertTrue(seen.put(key, v) == null, "accuracy twice for " + key);
            long[] c = expected.get(key);
            assertTrue(c != null, "an accuracy the traffic did not make: " + v);
            assertEquals("m", v.path("model").asText());
            assertEquals("v1", v.path("version").asText());
            assertEquals(c[0], v.path("n").asLong(), key);
            assertEquals(c[1] / (double) c[0], v.path("value").asDouble(), 1e-12, key);
        }
        assertEquals(
                expected.keySet(),
                new java.util.TreeSet<>(seen.keySet()),
                "an accuracy vital for every window and segment");
    }

    /** No two vitals for the same model, version, segment, vital, class, reference and window. */
    public static void assertNoDuplicateVitals(List<JsonNode> vitals) {
        Map<String, Integer> keys = new HashMap<>();
        for (JsonNode v : vitals) {
            ObjectNode key = v.deepCopy();
            for (String field : List.of("value", "n", "ci_lower", "ci_upper", "numerator", "p_value", "met"))
                key.remove(field);
            keys.merge(key.toString(), 1, Integer::sum);
        }
        List<String> repeated = keys.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
        assertTrue(repeated.isEmpty(), "vitals written more than once: " + repeated);
    }
}
