package io.modelvitals.estimation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.EstimationSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.EstimationAccumulator;
import io.modelvitals.vitals.ScoreBins;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Windows of 60 s, label horizon 2 min, 4 score bins; calibration from window 0 (ready once its labels are final:
 * 60 s + 120 s + one window = 240 s). The numbers are those worked by hand in PerformanceEstimationTest.
 */
class PerformanceEstimatorTest {
    private static final long W = 60_000;
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "models:",
                    "  - name: m",
                    "    window: {size: 1m}",
                    "    label_horizon: 2m",
                    "    estimation: {bins: 4, min_samples: 10, calibration: {windows: 1, min_labels: 20}}",
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

    private static void add(ScoreBins s, String cls, int bin, int times, int hits) {
        for (int i = 0; i < times; i++) s.add(cls, bin, i < hits);
    }

    /** 10 predictions of "1" in each of bins 2 and 3, 10 of "0" in each of bins 0 and 1. */
    private static EstimationAccumulator predictions() {
        EstimationAccumulator acc = new EstimationAccumulator();
        for (int i = 0; i < 10; i++) {
            acc.predictions.add("1", 2);
            acc.predictions.add("1", 3);
            acc.predictions.add("0", 0);
            acc.predictions.add("0", 1);
        }
        return acc;
    }

    private List<VitalRecord> out(String vital) {
        return harness.extractOutputValues().stream()
                .filter(v -> v.vital.equals(vital))
                .collect(Collectors.toList());
    }

    @Test
    void estimatesOnceCalibratedThenComparesWithTheFinalOutcomeAndForgets() throws Exception {
        // Window 0: 40 predictions, and their labels (arriving in it): 1, 3, 6, 9 hits of 10 in bins 0 to 3.
        EstimationAccumulator w0 = predictions();
        ScoreBins labelled = w0.outcomesOf(0);
        add(labelled, "0", 0, 10, 1);
        add(labelled, "0", 1, 10, 3);
        add(labelled, "1", 2, 10, 6);
        add(labelled, "1", 3, 10, 9);
        summary(0, w0);
        summary(1, predictions()); // closes before the calibration is ready (240 s): not estimated
        harness.processWatermark(new Watermark(4 * W - 1));
        summary(4, predictions());
        List<VitalRecord> accuracy = out("estimated_accuracy");
        assertEquals(1, accuracy.size(), harness.extractOutputValues().toString());
        assertEquals(4 * W, accuracy.get(0).windowStart);
        assertEquals(31.0 / 40, accuracy.get(0).value, 1e-9);
        assertEquals(40, accuracy.get(0).n);
        assertEquals(4, out("estimated_confusion").size());

        // Window 4's labels come in windows 5 and 6: 20 right, then 10 of 20 right: realized 30/40.
        EstimationAccumulator w5 = new EstimationAccumulator();
        add(w5.outcomesOf(4 * W), "1", 3, 10, 10);
        add(w5.outcomesOf(4 * W), "0", 0, 10, 0);
        summary(5, w5);
        EstimationAccumulator w6 = new EstimationAccumulator();
        add(w6.outcomesOf(4 * W), "1", 2, 10, 5);
        add(w6.outcomesOf(4 * W), "0", 1, 10, 5);
        summary(6, w6);
        harness.processWatermark(new Watermark(8 * W - 2));
        assertTrue(out("realized_accuracy").isEmpty(), "labels of window 4 are final at 5 + 2 + 1 minutes");
        harness.processWatermark(new Watermark(8 * W - 1));
        VitalRecord realized = out("realized_accuracy").get(0);
        assertEquals(0.75, realized.value, 1e-12);
        assertEquals(40, realized.n);
        VitalRecord error = out("estimation_error_accuracy").get(0);
        assertEquals(31.0 / 40 - 0.75, error.value, 1e-12);
        assertEquals(accuracy.get(0).ciLower - 0.75, error.ciLower, 1e-12);
        assertEquals(4 * W, error.windowStart);
        // TP = 10 + 5 of 20 predicted positive, FN = 5 of 20 predicted negative: recall of "1" = 15/20.
        assertEquals(
                15.0 / 20,
                out("realized_recall").stream()
                        .filter(v -> v.cls.equals("1"))
                        .findFirst()
                        .orElseThrow()
                        .value,
                1e-12);

        harness.processWatermark(new Watermark(30 * W));
        assertEquals(1, harness.numKeyedStateEntries(), "only the version's calibration stays");
        assertEquals(0, harness.numEventTimeTimers());
    }

    /** Window 0 with its labels: 1, 3, 6, 9 hits of 10 in bins 0 to 3 (the calibration of PerformanceEstimationTest). */
    private static EstimationAccumulator calibrationWindow() {
        EstimationAccumulator w0 = predictions();
        ScoreBins labelled = w0.outcomesOf(0);
        add(labelled, "0", 0, 10, 1);
        add(labelled, "0", 1, 10, 3);
        add(labelled, "1", 2, 10, 6);
        add(labelled, "1", 3, 10, 9);
        return w0;
    }

    @Test
    void aWindowEndingAfterReadinessIsEstimatedWhenTheWatermarkJumpsPastBoth() throws Exception {
        summary(0, calibrationWindow());
        // One watermark step from before the readiness (240 s − 1) to past window 4's end: windows 3 and 4 close (their
        // results come before that watermark) while the calibration is still being learned.
        summary(3, predictions()); // ends at 240 s, when the calibration becomes ready: not estimated
        summary(4, predictions()); // ends at 300 s, after it: estimated
        assertTrue(out("estimated_accuracy").isEmpty());
        harness.processWatermark(new Watermark(5 * W - 1));
        List<VitalRecord> accuracy = out("estimated_accuracy");
        assertEquals(1, accuracy.size(), harness.extractOutputValues().toString());
        assertEquals(4 * W, accuracy.get(0).windowStart);
        assertEquals(5 * W, accuracy.get(0).windowEnd);
        assertEquals(31.0 / 40, accuracy.get(0).value, 1e-9);
        assertEquals(4, out("estimated_confusion").size());
        harness.processWatermark(new Watermark(30 * W));
        assertEquals(1, out("estimated_accuracy").size());
        assertEquals(1, harness.numKeyedStateEntries(), "only the version's calibration stays");
        assertEquals(0, harness.numEventTimeTimers());
    }

    @Test
    void theErrorComparesTheEstimateOfTheLabelledPredictionsOnly() throws Exception {
        summary(0, calibrationWindow());
        harness.processWatermark(new Watermark(4 * W - 1));
        summary(4, predictions());
        assertEquals(31.0 / 40, out("estimated_accuracy").get(0).value, 1e-9); // all 40 predictions
        // Only 20 of window 4's 40 predictions get labels, the confident ones: 10 "1" in bin 3, all positive, and 10
        // "0" in bin 0, all negative. Realized accuracy 20/20.
        EstimationAccumulator w5 = new EstimationAccumulator();
        add(w5.outcomesOf(4 * W), "1", 3, 10, 10);
        add(w5.outcomesOf(4 * W), "0", 0, 10, 0);
        summary(5, w5);
        harness.processWatermark(new Watermark(8 * W - 1));
        assertEquals(1.0, out("realized_accuracy").get(0).value, 1e-12);
        // Estimate of those 20: p = 0.1 in bin 0 and 0.9 in bin 3, so 10·0.9 + 10·0.9 = 18 expected right: 0.9.
        // Sampling variance (10·0.09 + 10·0.09)/20²; calibration, bins in blocks of their own, each moving accuracy
        // by ±10/20 per unit of p with Laplace p̃ = 2/12 and 10/12 from 10 labels: 2·¼·(2/12)(10/12)/10.
        double sd = Math.sqrt(1.8 / 400 + 2 * 0.25 * (2 / 12.0) * (10 / 12.0) / 10);
        VitalRecord error = out("estimation_error_accuracy").get(0);
        assertEquals(0.9 - 1.0, error.value, 1e-9);
        assertEquals(0.9 - 1.959963984540054 * sd - 1.0, error.ciLower, 1e-6);
        assertEquals(0.0, error.ciUpper, 1e-9); // the upper end 0.9 + 1.96·sd is clipped at 1
    }
}
