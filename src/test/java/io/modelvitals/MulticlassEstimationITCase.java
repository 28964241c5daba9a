package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.testing.KafkaTestSupport;
import io.modelvitals.vitals.IsotonicCalibration;
import io.modelvitals.vitals.MulticlassEstimation;
import io.modelvitals.vitals.PerformanceEstimation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Multi-class estimation from full score vectors ({@code score: scores}) on the real broker. A 3-class model whose
 * scores are Dirichlet(α) draws and calibrated (the actual class is drawn from the scores), α = (2, 2, 2) for six
 * windows of ten minutes, then moving to (6, 2, 1): class A's prior rises from ⅓ to about ⅔ while P(y | x) stays. The
 * calibration (one-vs-rest per class) is learned from the first three windows, ready once their labels are final;
 * every label is stamped after its window's end, so each window's estimate, at its end, is made before any of its
 * labels. The realized accuracy and macro-F1 are counted here from the generated records; the estimate's interval
 * must cover the realized value in most windows (the count is reported in docs/estimation.md).
 */
class MulticlassEstimationITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = KafkaTestSupport.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z
    static final long WINDOW = 600_000;
    static final int WINDOWS = 16, SHIFT_FROM = 6, PER_WINDOW = 2_000, K = 3, BINS = 20;
    static final String[] CLASSES = {"A", "B", "C"};

    static final String SPEC = String.join(
            "\n",
            "job:",
            "  max_out_of_orderness: 1s",
            "  idleness: 1h",
            "  checkpoint_interval: 500ms",
            "kafka:",
            "  start_from: earliest",
            "models:",
            "  - name: m",
            "    window: {size: 10m}",
            "    label_horizon: 20m",
            "    late_label_grace: 5m",
            "    estimation:",
            "      score: scores",
            "      classes: [A, B, C]",
            "      bins: 20",
            "      min_samples: 100",
            "      calibration: {windows: 3, min_labels: 1000}",
            "");

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void estimatesFromScoreVectorsBeforeTheLabelsAndTheRealizedValuesFollow() throws Exception {
        MonitorSpec spec = KafkaTestSupport.onFreshTopics(SpecLoader.parse(SPEC, "test"), KAFKA.kafka());
        // Seed 1: the same generator, run through the Flink-free code for seeds 1-10, covered the realized accuracy
        // in 8-10 of the 10 windows (20261202, the unit simulation's seed, is an outlier at 4: docs/estimation.md).
        RandomGenerator rng = new Well19937c(Long.getLong("multiclass.it.seed", 1L));
        List<String> predictions = new ArrayList<>();
        List<long[]> labelTimes = new ArrayList<>();
        List<String> labelLines = new ArrayList<>();
        long[][][] confusion = new long[WINDOWS][K][K];
        long earliestLabel = Long.MAX_VALUE;
        // The test's own record of what the job must have learned and estimated: per-class one-vs-rest counts of
        // windows 0-2, and each window's predictions by (predicted class, score bins).
        long[][] calCounts = new long[K][BINS], calHits = new long[K][BINS];
        List<Map<String, MulticlassEstimation.Group>> groups = new ArrayList<>();
        for (int k = 0; k < WINDOWS; k++) {
            double t = k < SHIFT_FROM ? 0 : (k - SHIFT_FROM + 1) / (double) (WINDOWS - SHIFT_FROM);
            GammaDistribution[] g = {
                new GammaDistribution(rng, 2 + 4 * t, 1),
                new GammaDistribution(rng, 2, 1),
                new GammaDistribution(rng, 2 - t, 1)
            };
            long end = T0 + (k + 1) * WINDOW;
            Map<String, MulticlassEstimation.Group> windowGroups = new HashMap<>();
            groups.add(windowGroups);
            for (int i = 0; i < PER_WINDOW; i++) {
                long ts = T0 + k * WINDOW + 300L * i;
                double[] s = new double[K];
                double sum = 0;
                for (int j = 0; j < K; j++) sum += s[j] = g[j].sample();
                int top = 0;
                for (int j = 0; j < K; j++) {
                    s[j] /= sum;
                    if (s[j] > s[top]) top = j;
                }
                int actual = K - 1;
                double u = rng.nextDouble(), c = 0;
                for (int j = 0; j < K - 1; j++)
                    if (u < (c += s[j])) {
                        actual = j;
                        break;
                    }
                confusion[k][top][actual]++;
                int[] bins = new int[K];
                for (int j = 0; j < K; j++) {
                    bins[j] = Math.min(BINS - 1, (int) Math.floor(s[j] * BINS));
                    if (k < 3) {
                        calCounts[j][bins[j]]++;
                        if (actual == j) calHits[j][bins[j]]++;
                    }
                }
                final int predicted = top;
                windowGroups.computeIfAbsent(
                                top + Arrays.toString(bins), x -> new MulticlassEstimation.Group(predicted, bins, 0))
                        .count++;
                String id = "p-" + k + "-" + i;
                predictions.add(String.format(
                        Locale.ROOT,
                        "{\"prediction_id\":\"%s\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,\"label\":\"%s\","
                                + "\"scores\":{\"A\":%.17g,\"B\":%.17g,\"C\":%.17g}}",
                        id,
                        ts,
                        CLASSES[top],
                        s[0],
                        s[1],
                        s[2]));
                // Every label after its window's end (and within the 20-minute horizon).
                long labelTs = end + 1_000 + rng.nextInt(480_000);
                earliestLabel = Math.min(earliestLabel, labelTs - end);
                labelTimes.add(new long[] {labelTs, labelLines.size()});
                labelLines.add(String.format(
                        "{\"prediction_id\":\"%s\",\"ts\":%d,\"label\":\"%s\"}", id, labelTs, CLASSES[actual]));
            }
        }
        assertTrue(earliestLabel > 0, "no label inside its own window");
        labelTimes.sort(Comparator.comparingLong(x -> x[0]));
        List<String> labels =
                labelTimes.stream().map(x -> labelLines.get((int) x[1])).collect(Collectors.toList());
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.predictions, KafkaTestSupport.utf8(predictions));
        KafkaTestSupport.produce(KAFKA.kafka(), spec.kafka.topics.labels, KafkaTestSupport.utf8(labels));

        KafkaTestSupport.runToEnd(spec, "multi-class estimation it");

        List<JsonNode> vitals = KafkaTestSupport.committedJson(KAFKA.kafka(), spec.kafka.topics.vitals);
        // Calibration from windows 0-2, ready at 0:30 + horizon 0:20 + one window = 1:00: window 5 ends then and is
        // not estimated, windows 6 to 15 are.
        IsotonicCalibration[] calibrations = new IsotonicCalibration[K];
        for (int j = 0; j < K; j++) calibrations[j] = IsotonicCalibration.fit(calCounts[j], calHits[j]);
        int estimated = 0, accuracyCovered = 0, macroCovered = 0;
        StringBuilder table = new StringBuilder();
        for (int k = 0; k < WINDOWS; k++) {
            long end = T0 + (k + 1) * WINDOW;
            List<JsonNode> est = find(vitals, "estimated_accuracy", null, end);
            if (k < 6) {
                assertTrue(est.isEmpty(), "window " + k + " ends before the calibration is ready");
                continue;
            }
            assertEquals(1, est.size(), "window " + k);
            estimated++;
            JsonNode e = est.get(0);
            assertEquals(PER_WINDOW, e.path("n").asLong());
            // What the job computed from its state equals the estimate of the test's own calibration and groups.
            for (PerformanceEstimation.Value v : MulticlassEstimation.estimate(
                    List.of(CLASSES), new ArrayList<>(groups.get(k).values()), calibrations, 1.959963984540054)) {
                if (!v.metric.equals("accuracy") && !v.metric.equals("macro_f1")) continue;
                JsonNode job = find(vitals, "estimated_" + v.metric, null, end).get(0);
                assertEquals(v.value, job.path("value").asDouble(), 1e-9, v.metric + " of window " + k);
                assertEquals(v.lower, job.path("ci_lower").asDouble(), 1e-9, v.metric + " of window " + k);
                assertEquals(v.upper, job.path("ci_upper").asDouble(), 1e-9, v.metric + " of window " + k);
            }
            long[][] c = confusion[k];
            double realized = (c[0][0] + c[1][1] + c[2][2]) / (double) PER_WINDOW;
            double macro = 0;
            for (int j = 0; j < K; j++) {
                long predicted = 0, actual = 0;
                for (int x = 0; x < K; x++) {
                    predicted += c[j][x];
                    actual += c[x][j];
                }
                macro += 2.0 * c[j][j] / (predicted + actual) / K;
            }
            assertEquals(
                    realized,
                    find(vitals, "realized_accuracy", null, end)
                            .get(0)
                            .path("value")
                            .asDouble(),
                    1e-12,
                    "realized accuracy of window " + k);
            assertEquals(
                    macro,
                    find(vitals, "realized_macro_f1", null, end)
                            .get(0)
                            .path("value")
                            .asDouble(),
                    1e-12,
                    "realized macro-F1 of window " + k);
            JsonNode err = find(vitals, "estimation_error_accuracy", null, end).get(0);
            // Every prediction is labelled, so the estimate compared is the window's own.
            assertEquals(
                    e.path("value").asDouble() - realized, err.path("value").asDouble(), 1e-9);
            if (e.path("ci_lower").asDouble() <= realized
                    && realized <= e.path("ci_upper").asDouble()) accuracyCovered++;
            JsonNode m = find(vitals, "estimated_macro_f1", null, end).get(0);
            if (m.path("ci_lower").asDouble() <= macro
                    && macro <= m.path("ci_upper").asDouble()) macroCovered++;
            table.append(String.format(
                    Locale.ROOT,
                    "%n window %d: estimated accuracy %.3f [%.3f, %.3f], realized %.3f; macro-F1 %.3f [%.3f, %.3f],"
                            + " realized %.3f",
                    k,
                    e.path("value").asDouble(),
                    e.path("ci_lower").asDouble(),
                    e.path("ci_upper").asDouble(),
                    realized,
                    m.path("value").asDouble(),
                    m.path("ci_lower").asDouble(),
                    m.path("ci_upper").asDouble(),
                    macro));
            // Per class: precision, recall and F1 of each, and the nine expected confusion cells.
            for (String cls : CLASSES) {
                for (String metric : List.of("estimated_precision", "estimated_recall", "estimated_f1"))
                    assertEquals(1, find(vitals, metric, cls, end).size(), metric + " " + cls + " window " + k);
            }
            assertEquals(
                    9,
                    vitals.stream()
                            .filter(v -> v.path("vital").asText().equals("estimated_confusion")
                                    && v.path("window_end").asLong() == end)
                            .count());
        }
        System.out.println("multi-class estimation through the job:" + table + "\n accuracy covered " + accuracyCovered
                + " of " + estimated + ", macro-F1 " + macroCovered + " of " + estimated);
        assertEquals(10, estimated);
        // At a nominal 95%, 8 or more of 10 windows covered has probability 0.99 (binomial); the interval leaves out
        // the calibration's own error (docs/estimation.md), so the bar is that, not 95%.
        assertTrue(accuracyCovered >= 8, "accuracy covered in " + accuracyCovered + " of 10:" + table);
        assertTrue(macroCovered >= 8, "macro-F1 covered in " + macroCovered + " of 10:" + table);
    }

    private static List<JsonNode> find(List<JsonNode> vitals, String vital, String cls, long windowEnd) {
        return vitals.stream()
                .filter(v -> v.path("segment").asText().equals("all")
                        && v.path("vital").asText().equals(vital)
                        && (cls == null || v.path("class").asText().equals(cls))
                        && v.path("window_end").asLong() == windowEnd)
                .collect(Collectors.toList());
    }
}
