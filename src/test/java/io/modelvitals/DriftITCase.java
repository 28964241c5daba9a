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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Output drift on a real broker, without a single label: 240 one-minute windows of 300 predictions.
 * Class priors are stationary (0.4, 0.3, 0.2, 0.1, the training baseline) except in windows 210 to
 * 219, where they shift to (0.2, 0.3, 0.2, 0.3): PSI 0.2·ln 2 + 0.2·ln 3 ≈ 0.36 against the baseline.
 * The rule (class PSI vs baseline > 0.1 for 2 windows) must stay quiet for the 210 stationary windows,
 * fire at the end of window 211 and resolve at the end of window 220.
 */
class DriftITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    private static final long T0 = 1767225600000L;
    private static final long MINUTE = 60_000;
    private static final int WINDOWS = 240;
    private static final int SHIFT_FROM = 210;
    private static final int SHIFT_TO = 220;
    private static final String[] CLASSES = {"a", "b", "c", "d"};

    private static final String SPEC = String.join(
            "\n",
            "job: {max_out_of_orderness: 1s, idleness: 1h, checkpoint_interval: 500ms}",
            "kafka: {start_from: earliest}",
            "models:",
            "  - name: ranker",
            "    window: {size: 1m}",
            "    drift:",
            "      min_samples: 100",
            "      baseline: {class_shares: {a: 0.4, b: 0.3, c: 0.2, d: 0.1}}",
            "    rules:",
            "      - name: output-shift",
            "        vital: class_psi",
            "        reference: baseline",
            "        op: '>'",
            "        threshold: 0.1",
            "        min_samples: 100",
            "        for: 2",
            "        severity: warning",
            "");

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static List<String> predictions() {
        Random random = new Random(2026);
        double[] stationary = {0.4, 0.3, 0.2, 0.1};
        double[] shifted = {0.2, 0.3, 0.2, 0.3};
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < WINDOWS; k++) {
            double[] priors = k >= SHIFT_FROM && k < SHIFT_TO ? shifted : stationary;
            for (int i = 0; i < 300; i++) {
                double u = random.nextDouble();
                int c = 0;
                while (c < 3 && (u -= priors[c]) >= 0) c++;
                lines.add(String.format(
                        Locale.ROOT,
                        "{\"prediction_id\":\"q-%d-%d\",\"model\":\"ranker\",\"version\":\"v1\",\"ts\":%d,\"label\":\"%s\",\"score\":%.3f}",
                        k,
                        i,
                        T0 + k * MINUTE + i * 200L,
                        CLASSES[c],
                        random.nextDouble()));
            }
        }
        return lines;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void stationaryTrafficStaysQuietAndAShiftFiresWithinTwoWindowsThenResolves() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions()));

        KafkaTestSupport.runToEnd(spec, "drift it");

        List<JsonNode> vitals = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals);
        List<JsonNode> psi = vitals.stream()
                .filter(v -> v.path("vital").asText().equals("class_psi")
                        && v.path("reference").asText().equals("baseline"))
                .collect(Collectors.toList());
        assertEquals(WINDOWS, psi.size(), "one PSI against the baseline per window");
        double stationaryMax = psi.stream()
                .filter(v -> !shifted(v))
                .mapToDouble(v -> v.path("value").asDouble())
                .max()
                .orElseThrow();
        double shiftedMin = psi.stream()
                .filter(DriftITCase::shifted)
                .mapToDouble(v -> v.path("value").asDouble())
                .min()
                .orElseThrow();
        assertTrue(stationaryMax < 0.1, "stationary windows stay under the threshold: max PSI " + stationaryMax);
        assertTrue(shiftedMin > 0.2, "shifted windows are far above it: min PSI " + shiftedMin);

        List<JsonNode> alerts = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.alerts);
        assertEquals(2, alerts.size(), "exactly one firing and one resolved: " + alerts);
        JsonNode firing = alerts.stream()
                .filter(a -> a.path("status").asText().equals("firing"))
                .findFirst()
                .orElseThrow();
        JsonNode resolved = alerts.stream()
                .filter(a -> a.path("status").asText().equals("resolved"))
                .findFirst()
                .orElseThrow();
        assertEquals("baseline", firing.path("labels").path("reference").asText());
        assertEquals(
                T0 + (SHIFT_FROM + 2) * MINUTE,
                firing.path("window_end").asLong(),
                "fires at the end of the second shifted window");
        assertEquals(
                T0 + (SHIFT_TO + 1) * MINUTE,
                resolved.path("window_end").asLong(),
                "resolves at the end of the first window after the shift");
        assertEquals(
                java.time.Instant.ofEpochMilli(T0 + (SHIFT_FROM + 1) * MINUTE).toString(),
                firing.path("startsAt").asText());
    }

    private static boolean shifted(JsonNode v) {
        long k = (v.path("window_start").asLong() - T0) / MINUTE;
        return k >= SHIFT_FROM && k < SHIFT_TO;
    }
}
