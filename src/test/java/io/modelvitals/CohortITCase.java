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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KPIs and quality on the prediction's timeline, on a real broker. One version, one-minute windows, a three-minute
 * attribution window and a four-minute label horizon (plus one minute of grace).
 *
 * <p>Minute 0 has ten predictions p0…p9 (at 0, 5, …, 45 s), each shown once (an impression a second later). p0…p5
 * are played for 60 s during minute 1 (at 90–95 s), p2 and p3 a second time (at 102, 103 s), and p5 once more at
 * 170 s, in minute 2. Minutes 1–3 have ten predictions each, only two of them shown, none played.
 *
 * <p>By prediction time, minute 0's take-rate is 6 played of 10 shown: 0.6, with the play that came two minutes later
 * counted and the second plays capped (a prediction counts as played once per impression). By event time, as before,
 * minute 1 would have had 7 plays (p0…p4, and the second plays of p2 and p3) on 2 impressions: 3.5.
 *
 * <p>Labels of minute 0 arrive across four minutes: p0–p2 (correct) at 50 s, p3, p4 (correct) and p7 (wrong) at 70 s,
 * p5 (correct) and p8 (wrong) at 130 s, p6 (correct) and p9 (wrong) at 200 s: 7 correct of 10, so the cohort accuracy
 * of minute 0 is 0.7. Each later minute's own predictions are labelled correctly a second after them, so by label time
 * every minute is at least 11/12: minute 0 has 3/3, minute 1 12/13, minutes 2 and 3 11/12. The model's rules watch
 * the prediction-time view (quality_timeline: prediction): "accuracy below 0.8" fires for minute 0 by prediction time
 * only; no label-time window is below 0.8.
 */
class CohortITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final long T0 = 1767225600000L;
    private static final long S = 1000;
    private static final long MINUTE = 60 * S;

    private static final String SPEC = String.join(
            "\n",
            "job: {max_out_of_orderness: 1s, idleness: 1h, checkpoint_interval: 500ms}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: rec",
            "    window: {size: 1m}",
            "    label_horizon: 4m",
            "    late_label_grace: 1m",
            "    attribution_window: 3m",
            "    quality_timeline: prediction",
            "    kpis:",
            "      - name: take_rate",
            "        numerator: {events: [play], where: 'value >= 30'}",
            "        denominator: {events: [impression]}",
            "    rules:",
            "      - {name: accuracy-low, vital: accuracy, op: '<', threshold: 0.8, min_samples: 5}",
            "");

    private static String prediction(String id, long ts) {
        return String.format(
                Locale.ROOT,
                "{\"prediction_id\":\"%s\",\"model\":\"rec\",\"version\":\"v1\",\"ts\":%d,\"label\":\"a\"}",
                id,
                ts);
    }

    private static String label(String id, long ts, String label) {
        return String.format(Locale.ROOT, "{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"%s\"}", id, ts, label);
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

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void kpisAndQualityCountInTheirPredictionsWindowOnceFinal() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        List<String> predictions = new ArrayList<>(), labels = new ArrayList<>(), events = new ArrayList<>();
        // (window by event time) → [impressions, long plays]: what counting at the event's time would see.
        Map<Long, long[]> byEventTime = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            long ts = T0 + i * 5 * S;
            predictions.add(prediction("p" + i, ts));
            events.add(event("imp-p" + i, "p" + i, "impression", ts + S, null));
            byEventTime.computeIfAbsent((ts + S - T0) / MINUTE, k -> new long[2])[0]++;
        }
        for (int i = 0; i <= 5; i++) {
            long at = i == 5 ? T0 + 170 * S : T0 + (90 + i) * S;
            events.add(event("play-p" + i, "p" + i, "play", at, 60.0));
            byEventTime.computeIfAbsent((at - T0) / MINUTE, k -> new long[2])[1]++;
        }
        for (int i : new int[] {2, 3}) {
            long at = T0 + (100 + i) * S;
            events.add(event("replay-p" + i, "p" + i, "play", at, 60.0));
            byEventTime.computeIfAbsent((at - T0) / MINUTE, k -> new long[2])[1]++;
        }
        long[][] minute0Labels = {
            {0, 50}, {1, 50}, {2, 50}, {3, 70}, {4, 70}, {7, 70}, {5, 130}, {8, 130}, {6, 200}, {9, 200}
        };
        for (long[] l : minute0Labels) labels.add(label("p" + l[0], T0 + l[1] * S, l[0] <= 6 ? "a" : "b"));
        for (int k = 1; k <= 3; k++) {
            for (int i = 0; i < 10; i++) {
                String id = "q" + k + "-" + i;
                long ts = T0 + k * MINUTE + i * 5 * S;
                predictions.add(prediction(id, ts));
                labels.add(label(id, ts + S, "a"));
                if (i < 2) {
                    events.add(event("imp-" + id, id, "impression", ts + S, null));
                    byEventTime.computeIfAbsent((ts + S - T0) / MINUTE, x -> new long[2])[0]++;
                }
            }
        }
        // Counted by event time, minute 1 would be 7 plays on 2 impressions: the nonsense the cohorts remove.
        assertEquals(2, byEventTime.get(1L)[0]);
        assertEquals(7, byEventTime.get(1L)[1]);
        predictions.sort(null);
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.businessEvents, KafkaTestSupport.utf8(events));

        KafkaTestSupport.runToEnd(spec, "cohort it");

        List<JsonNode> vitals = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals);

        Map<Long, JsonNode> takeRate = vitals.stream()
                .filter(v -> v.path("vital").asText().equals("kpi")
                        && v.path("segment").asText().equals("all"))
                .collect(Collectors.toMap(v -> (v.path("window_start").asLong() - T0) / MINUTE, v -> v));
        assertEquals(List.of(0L, 1L, 2L, 3L), new ArrayList<>(new TreeMap<>(takeRate).keySet()), takeRate.toString());
        JsonNode minute0 = takeRate.get(0L);
        assertEquals(10, minute0.path("n").asLong(), "minute 0's ten impressions");
        assertEquals(6.0, minute0.path("numerator").asDouble(), "p0…p5 played, the one at 170 s included");
        assertEquals(0.6, minute0.path("value").asDouble(), 1e-12);
        for (long k = 1; k <= 3; k++) {
            assertEquals(2, takeRate.get(k).path("n").asLong());
            assertEquals(0.0, takeRate.get(k).path("value").asDouble(), "minute " + k + "'s own predictions");
        }
        assertTrue(
                vitals.stream()
                        .filter(v -> v.path("vital").asText().equals("kpi"))
                        .allMatch(v -> v.path("value").asDouble() >= 0
                                && v.path("value").asDouble() <= 1),
                "no take-rate outside [0, 1]");

        Map<String, Double> accuracy = new TreeMap<>();
        for (JsonNode v : vitals) {
            if (!v.path("vital").asText().equals("accuracy")
                    || !v.path("segment").asText().equals("all")) continue;
            String timeline = v.path("timeline").asText("label");
            accuracy.put(
                    timeline + "|" + (v.path("window_start").asLong() - T0) / MINUTE + "|" + v.path("n"),
                    v.path("value").asDouble());
        }
        assertEquals(
                Map.of(
                        "prediction|0|10", 0.7,
                        "prediction|1|10", 1.0,
                        "prediction|2|10", 1.0,
                        "prediction|3|10", 1.0,
                        "label|0|3", 1.0,
                        "label|1|13", 12.0 / 13,
                        "label|2|12", 11.0 / 12,
                        "label|3|12", 11.0 / 12),
                accuracy);

        List<JsonNode> alerts = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.alerts);
        List<String> fired = alerts.stream()
                .filter(a -> a.path("status").asText().equals("firing"))
                .map(a -> a.path("labels").path("alertname").asText() + "@"
                        + (a.path("window_end").asLong() - T0) / MINUTE)
                .collect(Collectors.toList());
        assertEquals(List.of("accuracy-low@1"), fired, "the cohort of minute 0, and nothing by label time");

        List<JsonNode> deadLetters = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.deadLetters);
        assertEquals(List.of(), deadLetters);
    }
}
