package io.modelvitals.estimation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.EstimationSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.EstimationAccumulator;
import io.modelvitals.vitals.ScoreBins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code score: scores} through the estimator, classes [A, B], 10 bins, windows of 60 s, label horizon 2 min,
 * calibration from window 0 (ready at 240 s). Window 0's labels: for each a = 0…9, nine predictions with score bins
 * (a, 9 − a), a of them actually A: class A calibrates one-vs-rest to p_A(a) = a/9, class B to p_B(b) = b/9.
 *
 * <p>Window 4, by hand: 3 × predicted A with bins (7, 2) → p̂ = (7/9, 2/9); 1 × predicted A with bins (7, 7) → p̃ = (7/9,
 * 7/9), normalised (½, ½); 2 × predicted B with bins (3, 6) → (1/3, 2/3). Expected confusion (rows predicted): A:
 * (7/3 + ½, 2/3 + ½) = (17/6, 7/6); B: (2/3, 4/3). Accuracy (17/6 + 4/3)/6 = 25/36; precision A 17/24, recall A
 * (17/6)/(21/6) = 17/21, F1 A 2·(17/6)/(4 + 21/6) = 34/45; precision B 2/3, recall B (4/3)/(15/6) = 8/15, F1 B
 * (8/3)/(2 + 15/6) = 16/27; macro-F1 (34/45 + 16/27)/2 = 91/135. Var accuracy = Σ p_ii(1 − p_ii)/36 = (3·(7/9)(2/9) +
 * ¼ + 2·(1/3)(2/3))/36. The labels (A, A, B for the first three, B, then B, A): observed A row (2, 2), B row (1, 1).
 */
class MulticlassEstimatorTest {
    private static final long W = 60_000;
    private static final double Z = 1.959963984540054;
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "models:",
                    "  - name: m",
                    "    window: {size: 1m}",
                    "    label_horizon: 2m",
                    "    estimation: {score: scores, classes: [A, B], bins: 10, min_samples: 4,",
                    "                 calibration: {windows: 1, min_labels: 20}}",
                    ""),
            "test");

    private KeyedOneInputStreamOperatorTestHarness<String, EstimationSummary, VitalRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PerformanceEstimator(SPEC)),
                EstimationSummary::versionKey,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void summary(int k, EstimationAccumulator acc) throws Exception {
        EstimationSummary s = new EstimationSummary();
        s.set("m", "v1", "all", k * W, (k + 1) * W, acc);
        harness.processElement(s, s.windowEnd - 1);
    }

    /** As the aggregator adds a scored record: by the predicted class's bin, and by the whole vector. */
    private static void add(ScoreBins s, String predicted, int[] bins, String actual) {
        int bin = bins[predicted.equals("A") ? 0 : 1];
        if (actual == null) s.add(predicted, bin);
        else s.add(predicted, bin, predicted.equals(actual));
        s.addVector(predicted, bins, actual);
    }

    private static void window4(ScoreBins s, boolean labelled) {
        String[] actual = {"A", "A", "B", "B", "B", "A"};
        int[][] bins = {{7, 2}, {7, 2}, {7, 2}, {7, 7}, {3, 6}, {3, 6}};
        String[] predicted = {"A", "A", "A", "A", "B", "B"};
        for (int i = 0; i < 6; i++) add(s, predicted[i], bins[i], labelled ? actual[i] : null);
    }

    private List<VitalRecord> out(String vital, String cls) {
        return harness.extractOutputValues().stream()
                .filter(v -> v.vital.equals(vital) && (cls == null || cls.equals(v.cls)))
                .collect(Collectors.toList());
    }

    private double value(String vital, String cls) {
        List<VitalRecord> v = out(vital, cls);
        assertEquals(1, v.size(), vital + " " + cls + ": " + harness.extractOutputValues());
        return v.get(0).value;
    }

    /**
     * A baseline file's calibration applies from the first window. Two bins; A's scores (0.8 hit, 0.1, 0.4 hit): p_A =
     * (½, 1); B's (0.2, 0.9 hit, 0.6): p_B = (0, ½). Window 0: A with bins (1, 0) → p̂ = (1, 0); B with bins (0, 1) →
     * p̃ = (½, ½). Accuracy (1 + ½)/2 = 0.75.
     */
    @Test
    void aBaselineFileCalibratesFromTheFirstWindow(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cal.csv"), "label,A,B\nA,0.8,0.2\nB,0.1,0.9\nA,0.4,0.6\n");
        Files.writeString(
                dir.resolve("spec.yaml"),
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    window: {size: 1m}",
                        "    label_horizon: 2m",
                        "    estimation: {score: scores, classes: [A, B], bins: 2, min_samples: 1,"
                                + " calibration: {source: baseline, file: cal.csv}}",
                        ""));
        MonitorSpec spec = SpecLoader.load(dir.resolve("spec.yaml"));
        harness.close();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PerformanceEstimator(spec)),
                EstimationSummary::versionKey,
                Types.STRING);
        harness.open();
        EstimationAccumulator w0 = new EstimationAccumulator();
        w0.predictions.add("A", 1);
        w0.predictions.addVector("A", new int[] {1, 0}, null);
        w0.predictions.add("B", 1);
        w0.predictions.addVector("B", new int[] {0, 1}, null);
        summary(0, w0);
        assertEquals(0.75, value("estimated_accuracy", null), 1e-9);
        assertEquals(1.0, value("estimated_precision", "A"), 1e-9);
        assertEquals(0.5, value("estimated_precision", "B"), 1e-9);
    }

    @Test
    void estimatesFromScoreVectorsOnceCalibratedThenComparesWithTheOutcome() throws Exception {
        EstimationAccumulator w0 = new EstimationAccumulator();
        for (int a = 0; a <= 9; a++)
            for (int i = 0; i < 9; i++)
                add(w0.outcomesOf(0), a >= 5 ? "A" : "B", new int[] {a, 9 - a}, i < a ? "A" : "B");
        summary(0, w0);
        harness.processWatermark(new Watermark(4 * W - 1));
        EstimationAccumulator w4 = new EstimationAccumulator();
        window4(w4.predictions, false);
        summary(4, w4);

        assertEquals(25.0 / 36, value("estimated_accuracy", null), 1e-6);
        VitalRecord accuracy = out("estimated_accuracy", null).get(0);
        double sampling = (3 * (7.0 / 9) * (2.0 / 9) + 0.25 + 2 * (1.0 / 3) * (2.0 / 3)) / 36;
        // The calibrations' error, per class and bin (each bin its own block, 9 labels, Laplace (hits + 1)/11), times
        // (∂ accuracy/∂p)²: p̂_A = p̃_A/(p̃_A + p̃_B) moves by p̃_B/sum² with p̃_A and by −p̃_A/sum² with p̃_B. A in
        // bin 7:
        // (3·2/9 + (7/9)/(14/9)²)/6; A in bin 3: 2·(−2/3)/6; B in bin 2: 3·(−7/9)/6; B in bin 7: −(7/9)/(14/9)²/6;
        // B in bin 6: 2·(1/3)/6.
        double lap7 = (8.0 / 11) * (3.0 / 11) / 9,
                lap3 = (4.0 / 11) * (7.0 / 11) / 9,
                lap2 = (3.0 / 11) * (8.0 / 11) / 9;
        double g = (7.0 / 9) / Math.pow(14.0 / 9, 2);
        double calibration = Math.pow((3 * 2.0 / 9 + g) / 6, 2) * lap7
                + Math.pow(2 * (-2.0 / 3) / 6, 2) * lap3
                + Math.pow(3 * (-7.0 / 9) / 6, 2) * lap2 // bin 2 of B: 2 hits, Laplace 3/11
                + Math.pow(g / 6, 2) * lap7
                + Math.pow(2 * (1.0 / 3) / 6, 2) * lap3; // bin 6 of B: 6 hits, Laplace 7/11
        double sd = Math.sqrt(sampling + calibration);
        assertEquals(25.0 / 36 - Z * sd, accuracy.ciLower, 1e-6);
        assertEquals(1.0, accuracy.ciUpper, 1e-12); // 25/36 + 1.96·0.184 = 1.05, clipped
        assertEquals(6, accuracy.n);
        assertEquals(17.0 / 24, value("estimated_precision", "A"), 1e-6);
        assertEquals(17.0 / 21, value("estimated_recall", "A"), 1e-6);
        assertEquals(34.0 / 45, value("estimated_f1", "A"), 1e-6);
        assertEquals(2.0 / 3, value("estimated_precision", "B"), 1e-6);
        assertEquals(8.0 / 15, value("estimated_recall", "B"), 1e-6);
        assertEquals(16.0 / 27, value("estimated_f1", "B"), 1e-6);
        assertEquals(91.0 / 135, value("estimated_macro_f1", null), 1e-6);
        VitalRecord cell = out("estimated_confusion", "B").stream()
                .filter(v -> "A".equals(v.predictedCls))
                .findFirst()
                .orElseThrow();
        assertEquals(7.0 / 6, cell.value, 1e-6);
        assertEquals(4, out("estimated_confusion", null).size());
        assertTrue(out("estimated_roc_auc", null).isEmpty(), "AUC is binary only");

        // The labels of window 4 arrive in window 5; final at 5 + 2 + 1 minutes.
        EstimationAccumulator w5 = new EstimationAccumulator();
        window4(w5.outcomesOf(4 * W), true);
        summary(5, w5);
        harness.processWatermark(new Watermark(8 * W - 2));
        assertTrue(out("realized_accuracy", null).isEmpty());
        harness.processWatermark(new Watermark(8 * W - 1));
        assertEquals(0.5, value("realized_accuracy", null), 1e-12);
        assertEquals(0.5, value("realized_precision", "A"), 1e-12); // 2 of 4 predicted A
        assertEquals(2.0 / 3, value("realized_recall", "A"), 1e-12); // 2 of 3 actual A
        assertEquals(1.0 / 3, value("realized_recall", "B"), 1e-12); // 1 of 3 actual B
        // F1 A = 2·2/(4 + 3) = 4/7, F1 B = 2·1/(2 + 3) = 2/5.
        assertEquals((4.0 / 7 + 2.0 / 5) / 2, value("realized_macro_f1", null), 1e-12);
        // The labelled predictions are the window's: the same estimate.
        VitalRecord error = out("estimation_error_accuracy", null).get(0);
        assertEquals(25.0 / 36 - 0.5, error.value, 1e-6);
        assertEquals(accuracy.ciLower - 0.5, error.ciLower, 1e-9);

        harness.processWatermark(new Watermark(30 * W));
        assertEquals(1, harness.numKeyedStateEntries(), "only the version's calibration stays");
        assertEquals(0, harness.numEventTimeTimers());
    }
}
