package io.modelvitals.testing;

import static io.modelvitals.testing.KnownStreams.MINUTE;
import static io.modelvitals.testing.KnownStreams.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/** Assertions on the job's JSON outputs for {@link KnownStreams}, with the values worked out by hand. */
public final class Outputs {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Outputs() {}

    public static List<JsonNode> parse(List<String> lines) {
        return lines.stream()
                .map(l -> {
                    try {
                        return MAPPER.readTree(l);
                    } catch (java.io.IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .collect(Collectors.toList());
    }

    static JsonNode vital(List<JsonNode> vitals, String segment, String vital, String cls, long windowEnd) {
        List<JsonNode> found = vitals.stream()
                .filter(v -> v.path("segment").asText().equals(segment)
                        && v.path("vital").asText().equals(vital)
                        && v.path("class").asText("").equals(cls == null ? "" : cls)
                        && v.path("window_end").asLong() == windowEnd)
                .collect(Collectors.toList());
        assertEquals(1, found.size(), "exactly one " + vital + "[" + cls + "] for " + segment + " ending " + windowEnd);
        return found.get(0);
    }

    public static void assertKnownVitals(List<JsonNode> vitals) {
        double[] accuracy = {4 / 5.0, 2 / 5.0, 1 / 5.0, 5 / 5.0};
        for (int k = 0; k < 4; k++) {
            long end = T0 + (k + 1) * MINUTE;
            JsonNode a = vital(vitals, "all", "accuracy", null, end);
            assertEquals(accuracy[k], a.path("value").asDouble(), 1e-12);
            assertEquals(5, a.path("n").asLong());
            assertEquals(end - MINUTE, a.path("window_start").asLong());
            assertTrue(a.path("ci_lower").asDouble() <= accuracy[k]
                    && accuracy[k] <= a.path("ci_upper").asDouble());
            // Every prediction says cat: precision of cat is the accuracy, recall of cat is 1.
            assertEquals(
                    accuracy[k],
                    vital(vitals, "all", "precision", "cat", end).path("value").asDouble(),
                    1e-12);
            assertEquals(
                    1.0,
                    vital(vitals, "all", "recall", "cat", end).path("value").asDouble(),
                    1e-12);
            // Labels come 10 s after their predictions.
            assertEquals(
                    10_000.0,
                    vital(vitals, "all", "label_delay_p50_ms", null, end)
                            .path("value")
                            .asDouble(),
                    1e-12);
        }
        // Window 0 by country: US are i = 0, 2, 4 (0 and 2 correct), GB are i = 1, 3 (both correct).
        assertEquals(
                2 / 3.0,
                vital(vitals, "country=US", "accuracy", null, T0 + MINUTE)
                        .path("value")
                        .asDouble(),
                1e-12);
        assertEquals(
                1.0,
                vital(vitals, "country=GB", "accuracy", null, T0 + MINUTE)
                        .path("value")
                        .asDouble(),
                1e-12);
        // Window 1: 2 correct, i = 0 (US) and 1 (GB): US 1/3, GB 1/2. Recall of dog is 0 over 3 dogs.
        assertEquals(
                1 / 3.0,
                vital(vitals, "country=US", "accuracy", null, T0 + 2 * MINUTE)
                        .path("value")
                        .asDouble(),
                1e-12);
        assertEquals(
                1 / 2.0,
                vital(vitals, "country=GB", "accuracy", null, T0 + 2 * MINUTE)
                        .path("value")
                        .asDouble(),
                1e-12);
        JsonNode dogRecall = vital(vitals, "all", "recall", "dog", T0 + 2 * MINUTE);
        assertEquals(0.0, dogRecall.path("value").asDouble(), 1e-12);
        assertEquals(3, dogRecall.path("n").asLong());
        // Coverage where the horizons end: 5 of 6 in window 10, 5 of 5 in windows 11 to 13.
        JsonNode coverage = vital(vitals, "all", "label_coverage", null, T0 + 11 * MINUTE);
        assertEquals(5 / 6.0, coverage.path("value").asDouble(), 1e-12);
        assertEquals(6, coverage.path("n").asLong());
        for (int k = 11; k <= 13; k++) {
            assertEquals(
                    1.0,
                    vital(vitals, "all", "label_coverage", null, T0 + (k + 1) * MINUTE)
                            .path("value")
                            .asDouble(),
                    1e-12);
        }
        assertFalse(vitals.stream().anyMatch(v -> v.path("window_end").asLong() > T0 + 14 * MINUTE));
    }

    public static void assertKnownAlerts(List<JsonNode> alerts) {
        assertEquals(2, alerts.size(), alerts.toString());
        JsonNode firing = alerts.stream()
                .filter(a -> a.path("status").asText().equals("firing"))
                .findFirst()
                .orElseThrow();
        JsonNode resolved = alerts.stream()
                .filter(a -> a.path("status").asText().equals("resolved"))
                .findFirst()
                .orElseThrow();
        assertEquals("accuracy-low", firing.path("labels").path("alertname").asText());
        assertEquals("m", firing.path("labels").path("model").asText());
        assertEquals("v1", firing.path("labels").path("version").asText());
        assertEquals("all", firing.path("labels").path("segment").asText());
        assertEquals("accuracy", firing.path("labels").path("vital").asText());
        assertEquals("critical", firing.path("labels").path("severity").asText());
        assertEquals("0.2", firing.path("annotations").path("value").asText());
        assertEquals("0.6", firing.path("annotations").path("threshold").asText());
        assertEquals("2026-01-01T00:02:00Z", firing.path("startsAt").asText());
        assertTrue(firing.path("endsAt").isMissingNode());
        assertEquals(T0 + 3 * MINUTE, firing.path("window_end").asLong());
        assertEquals("2026-01-01T00:02:00Z", resolved.path("startsAt").asText());
        assertEquals("2026-01-01T00:04:00Z", resolved.path("endsAt").asText());
        assertEquals("1.0", resolved.path("annotations").path("value").asText());
        assertEquals(
                firing.path("fingerprint").asText(),
                resolved.path("fingerprint").asText());
    }
}
