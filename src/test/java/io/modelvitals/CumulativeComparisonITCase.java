package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cumulative comparison on a real broker. 1,000 predictions a one-minute window for 16 windows: the champion v1
 * gets 950, the challenger v2 50 (5%, every twentieth). Each prediction is shown once (an impression 100 ms later) and
 * three in ten are played for 60 s, five seconds later, inside the same window (so the test holds whether KPIs count by
 * event time or by the prediction's window). In the incident run, from window 6 on only 9 of v2's 50 predictions are
 * played: its take-rate falls 40%, 0.30 → 0.18. The rule on kpi_cumulative_difference (confidence sequence wholly
 * below 0) must alert, in the window the formulas worked out here say; in the control run, where both stay at 0.30, it
 * must not. Neither run can alert by chance: the traffic is deterministic.
 */
class CumulativeComparisonITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;
    private static final int WINDOWS = 16;
    private static final int FALL_FROM = 6;

    private static final String SPEC = String.join(
            "\n",
            "job: {max_out_of_orderness: 1s, idleness: 1h, checkpoint_interval: 500ms}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: rec",
            "    window: {size: 1m}",
            "    label_horizon: 5m",
            "    champion: v1",
            "    traffic_split: {v1: 0.95, v2: 0.05}",
            "    attribution_window: 2m",
            "    experiment: {effect: 0.1, alpha: 0.05, min_samples: 50}",
            "    kpis:",
            "      - name: take_rate",
            "        numerator: {events: [play], where: 'value >= 30'}",
            "        denominator: {events: [impression]}",
            "    rules:",
            "      - {name: challenger-worse-cumulative, vital: kpi_cumulative_difference, class: take_rate,",
            "         op: '<', threshold: 0, gate: confidence_interval, min_samples: 100, severity: critical}",
            "      - {name: sample-ratio-mismatch-cumulative, vital: sample_ratio_cumulative_p_value, op: '<',",
            "         threshold: 0.0005, min_samples: 100}",
            "");

    private static List<String> events(boolean incident, List<String> predictions) {
        List<String> events = new ArrayList<>();
        for (int k = 0; k < WINDOWS; k++) {
            int champion = 0, challenger = 0;
            for (int i = 0; i < 1000; i++) {
                boolean v2 = i % 20 == 0;
                int j = v2 ? challenger++ : champion++; // index within the version's window
                long ts = T0 + k * MINUTE + i * 50L;
                String id = "p-" + k + "-" + i;
                predictions.add(String.format(
                        Locale.ROOT,
                        "{\"prediction_id\":\"%s\",\"model\":\"rec\",\"version\":\"%s\",\"ts\":%d,\"label\":\"a\"}",
                        id,
                        v2 ? "v2" : "v1",
                        ts));
                events.add(event("imp-" + id, id, "impression", ts + 100, null));
                boolean played = v2 && incident && k >= FALL_FROM ? j % 50 < 9 : j % 10 < 3;
                if (played) events.add(event("play-" + id, id, "play", ts + 5_000, 60.0));
            }
        }
        return events;
    }

    private static String event(String eventId, String predictionId, String type, long ts, Double value) {
        return String.format(
                Locale.ROOT,
                "{\"event_id\":\"%s\",\"prediction_id\":\"%s\",\"type\":\"%s\",\"ts\":%d%s}",
                eventId,
                predictionId,
                type,
                ts,
                value == null ? "" : ",\"value\":" + value);
    }

    /** Runs the job on the traffic; returns {vitals, alerts}. */
    private static List<List<JsonNode>> run(boolean incident) throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        List<String> predictions = new ArrayList<>();
        List<String> events = events(incident, predictions);
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.businessEvents, KafkaTestSupport.utf8(events));
        KafkaTestSupport.runToEnd(spec, "cumulative comparison it");
        return List.of(
                KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals),
                KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.alerts));
    }

    private static List<JsonNode> cumulative(List<JsonNode> vitals) {
        return vitals.stream()
                .filter(v -> v.path("vital").asText().equals("kpi_cumulative_difference")
                        && v.path("segment").asText().equals("all"))
                .sorted((a, b) -> Long.compare(
                        a.path("window_end").asLong(), b.path("window_end").asLong()))
                .collect(Collectors.toList());
    }

    /**
     * The first window whose confidence sequence is below 0, worked out from the formulas: after window k the
     * challenger has x plays of 50(k + 1) impressions, the champion 0.3 exactly; one impression per prediction, so each
     * version's variance is the larger of the binomial p(1 − p)/(n − 1) and the H0-restricted (x(1 − r̄)² + (n −
     * x)r̄²)/n² at the pooled r̄; τ = 0.1 × 0.3 (fixed at window 0); half-width √(V(V + τ²)/τ² (2 ln 20 + ln((V +
     * τ²)/V))). min_samples 50: the challenger's first window is a look.
     */
    private static double binomial(double x, double n, double pooled) {
        double p = x / n;
        return Math.max(p * (1 - p) / (n - 1), (x * (1 - pooled) * (1 - pooled) + (n - x) * pooled * pooled) / (n * n));
    }

    private static int firstAlertWindow() {
        for (int k = 0; k < WINDOWS; k++) {
            double x = 15.0 * Math.min(k + 1, FALL_FROM) + 9.0 * Math.max(0, k + 1 - FALL_FROM);
            double n1 = 50.0 * (k + 1), p1 = x / n1;
            double n0 = 950.0 * (k + 1), x0 = 0.3 * n0, pooled = (x + x0) / (n1 + n0);
            double v = binomial(x, n1, pooled) + binomial(x0, n0, pooled), tau2 = 0.03 * 0.03;
            double upper = p1 - 0.3 + Math.sqrt(v * (v + tau2) / tau2 * (2 * Math.log(20) + Math.log((v + tau2) / v)));
            if (upper < 0) return k;
        }
        return -1;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aChallengerWhoseTakeRateFalls40PercentAtFivePercentTrafficAlertsOnTheCumulativeTest() throws Exception {
        List<List<JsonNode>> out = run(true);
        List<JsonNode> cumulative = cumulative(out.get(0));
        assertEquals(WINDOWS, cumulative.size(), cumulative.toString());
        JsonNode last = cumulative.get(WINDOWS - 1);
        // 15·6 + 9·10 = 180 plays of 800 impressions against 0.3.
        assertEquals(180.0 / 800 - 0.3, last.path("value").asDouble(), 1e-12);
        assertEquals("v2", last.path("version").asText());
        assertEquals("champion", last.path("reference").asText());
        assertEquals(800, last.path("n").asLong());

        int k = firstAlertWindow();
        assertEquals(11, k, "six fallen windows (worked out by hand in docs/business-kpis.md)");
        assertTrue(cumulative.get(k - 1).path("ci_upper").asDouble() > 0);
        assertTrue(cumulative.get(k).path("ci_upper").asDouble() < 0);
        assertTrue(cumulative.get(k).path("p_value").asDouble() < 0.05, "p ≤ α where the sequence excludes 0");

        List<JsonNode> firing = out.get(1).stream()
                .filter(a -> a.path("status").asText().equals("firing"))
                .collect(Collectors.toList());
        assertTrue(
                firing.stream()
                        .allMatch(
                                a -> a.path("labels").path("alertname").asText().equals("challenger-worse-cumulative")),
                firing.toString());
        JsonNode alert = firing.stream()
                .filter(a -> a.path("labels").path("segment").asText().equals("all"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert: " + out.get(1)));
        assertEquals("v2", alert.path("labels").path("version").asText());
        assertEquals(T0 + (k + 1) * MINUTE, alert.path("window_end").asLong());
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aChallengerAsGoodAsTheChampionNeverAlerts() throws Exception {
        List<List<JsonNode>> out = run(false);
        List<JsonNode> cumulative = cumulative(out.get(0));
        assertEquals(WINDOWS, cumulative.size(), cumulative.toString());
        for (JsonNode v : cumulative) {
            assertEquals(0.0, v.path("value").asDouble(), 1e-12, v.toString());
            assertEquals(1.0, v.path("p_value").asDouble(), 0.0, v.toString());
        }
        List<JsonNode> srm = out.get(0).stream()
                .filter(v -> v.path("vital").asText().equals("sample_ratio_cumulative_p_value"))
                .collect(Collectors.toList());
        assertEquals(WINDOWS, srm.size());
        assertTrue(srm.stream().allMatch(v -> Math.abs(v.path("value").asDouble() - 1.0) < 1e-9), "exactly 95/5");
        assertEquals(List.of(), out.get(1), "no alert of any kind");
    }
}
