package io.modelvitals.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.Proportions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Rule conditions and lifecycle options, window by window (windows of 60 s), through the evaluator and the lifecycle. */
class AlertConditionsTest {
    private static final long W = 60_000;

    /** Runs accuracy values (with n samples each, window k = index) through a one-rule spec; returns the alerts. */
    private static List<AlertRecord> run(String rule, double[] accuracy, long n) throws Exception {
        MonitorSpec spec = SpecLoader.parse(
                "models:\n  - name: m\n    window: {size: 1m}\n    rules:\n      - " + rule + "\n", "test");
        RuleEvaluator evaluator = new RuleEvaluator(spec);
        try (KeyedOneInputStreamOperatorTestHarness<String, RuleCheck, AlertRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AlertLifecycleFunction()), RuleCheck::alertKey, Types.STRING)) {
            h.open();
            for (int k = 0; k < accuracy.length; k++) {
                VitalRecord v = new VitalRecord("m", "v1", "all", "accuracy", null, accuracy[k], n, k * W, (k + 1) * W);
                double[] ci = Proportions.wilson(Math.round(accuracy[k] * n), n, Proportions.Z95);
                v.ciLower = ci[0];
                v.ciUpper = ci[1];
                List<RuleCheck> checks = new ArrayList<>();
                evaluator.evaluate(v, new ListCollector<>(checks));
                for (RuleCheck c : checks) h.processElement(c, v.windowEnd - 1);
                h.processWatermark(new Watermark(v.windowEnd - 1));
            }
            return h.extractOutputValues();
        }
    }

    private static String statuses(List<AlertRecord> alerts) {
        return alerts.stream().map(a -> a.status + "@" + a.windowEnd / W).collect(Collectors.joining(" "));
    }

    /** Accuracy hovering at 0.9: 0.9 + 0.012·sin(k) + a deterministic wobble; n = 400 per window. */
    private static double[] noisyAtThreshold(int windows) {
        double[] a = new double[windows];
        for (int k = 0; k < windows; k++) a[k] = 0.9 + 0.012 * Math.sin(k * 1.7) + 0.006 * Math.cos(k * 3.1);
        return a;
    }

    @Test
    void gatingAndKeepFiringForStopAFlappingSeries() throws Exception {
        double[] noisy = noisyAtThreshold(200);
        int crossings = 0; // independent count: windows where the naive rule flips from clear to breached
        for (int k = 0; k < noisy.length; k++) if (noisy[k] < 0.9 && (k == 0 || noisy[k - 1] >= 0.9)) crossings++;
        List<AlertRecord> naive =
                run("{name: r, vital: accuracy, op: '<', threshold: 0.9, min_samples: 100}", noisy, 400);
        assertEquals(
                crossings,
                naive.stream().filter(a -> a.status.equals(AlertRecord.FIRING)).count(),
                "the naive rule flaps on every dip");
        assertTrue(crossings >= 40, "the series really hovers: " + crossings);

        List<AlertRecord> trusted = run(
                "{name: r, vital: accuracy, op: '<', threshold: 0.9, min_samples: 100, gate: confidence_interval,"
                        + " for: 2, keep_firing_for: 3m}",
                noisy,
                400);
        assertEquals(0, trusted.size(), "the 95% interval never clears 0.9 on noise: " + statuses(trusted));

        // A real drop (0.80 for five windows, with the same noise around it) fires once and resolves once.
        double[] withDrop = noisy.clone();
        for (int k = 100; k < 105; k++) withDrop[k] = 0.80;
        List<AlertRecord> drop = run(
                "{name: r, vital: accuracy, op: '<', threshold: 0.9, min_samples: 100, gate: confidence_interval,"
                        + " for: 2, keep_firing_for: 3m}",
                withDrop,
                400);
        assertEquals(
                "firing@102 resolved@108",
                statuses(drop),
                "fires after two windows; resolves three minutes after the last breach");
    }

    @Test
    void gateRequiresTheWholeIntervalPastTheThreshold() throws Exception {
        // 0.85 of 50: the Wilson interval is about [0.73, 0.93], so accuracy < 0.9 is not established.
        assertEquals(
                0,
                run(
                                "{name: r, vital: accuracy, op: '<', threshold: 0.9, min_samples: 10, gate: confidence_interval}",
                                new double[] {0.85},
                                50)
                        .size());
        // 0.85 of 2000: about [0.834, 0.865], all below 0.9.
        assertEquals(
                1,
                run(
                                "{name: r, vital: accuracy, op: '<', threshold: 0.9, min_samples: 10, gate: confidence_interval}",
                                new double[] {0.85},
                                2000)
                        .size());
    }

    @Test
    void relativeDropAgainstTheMeanOfPreviousWindows() throws Exception {
        // Window 3: 0.84 against mean(0.9, 0.9, 0.9) is −6.7% → fires. Window 4: 0.84 against
        // mean(0.9, 0.9, 0.84) = 0.88 is −4.5% → clear → resolves.
        List<AlertRecord> alerts = run(
                "{name: r, vital: accuracy, compare: relative_change, reference_windows: 3, op: '<',"
                        + " threshold: -0.05, min_samples: 10}",
                new double[] {0.9, 0.9, 0.9, 0.84, 0.84},
                500);
        assertEquals("firing@4 resolved@5", statuses(alerts));
        assertEquals(0.84, alerts.get(0).value, 1e-12);
    }

    @Test
    void absoluteChangeAgainstATrainingValue() throws Exception {
        List<AlertRecord> alerts = run(
                "{name: r, vital: accuracy, compare: absolute_change, reference_value: 0.9, op: '<',"
                        + " threshold: -0.05, min_samples: 10}",
                new double[] {0.88, 0.84, 0.86},
                500);
        assertEquals(
                "firing@2 resolved@3", statuses(alerts), "0.84 − 0.9 = −0.06 breaches; 0.86 − 0.9 = −0.04 does not");
    }

    /**
     * Warm-up: 0.80 and 0.82 alternating (mean 0.81, sample sd 0.01·√(10/9) = 0.010541). Then 0.78:
     * z = −2.846, S⁻ grows by 2.346 a window: 2.346, 4.692, 7.038 > 5 → alarm on the third. Back at
     * 0.81 (z = 0) S⁻ falls by k = 0.5 a window: 6.538, 6.038, 5.538, 5.038, 4.538 → clear on the fifth.
     */
    @Test
    void cusumDetectsASmallPersistentShiftAndForgetsItAfterwards() throws Exception {
        double[] series = new double[23];
        for (int k = 0; k < 10; k++) series[k] = k % 2 == 0 ? 0.80 : 0.82;
        for (int k = 10; k < 13; k++) series[k] = 0.78;
        for (int k = 13; k < 23; k++) series[k] = 0.81;
        List<AlertRecord> alerts = run(
                "{name: r, vital: accuracy, detector: {type: cusum, k: 0.5, h: 5, warmup: 10}, min_samples: 10}",
                series,
                1000);
        assertEquals("firing@13 resolved@18", statuses(alerts));
    }

    @Test
    void cusumOnAFlatWarmUpDoesNotTurnATinyDipIntoAnEndlessAlarm() throws Exception {
        // Defaults: warm-up 30, k = 0.75, h = 8. Thirty windows at exactly 1.0: no deviation. The floor (0.1% of the
        // level) makes 0.999 one deviation below (S⁻ = 0.25, no alarm). 0.9 is a hundred: S⁻ is capped at 2h = 16,
        // alarms in window 35, then falls by k = 0.75 a window back at 1.0: 15.25 … 8.5 in window 45, 7.75 in
        // window 46, no longer above h → resolved.
        double[] series = new double[60];
        java.util.Arrays.fill(series, 1.0);
        series[32] = 0.999;
        series[35] = 0.9;
        List<AlertRecord> alerts =
                run("{name: r, vital: accuracy, detector: {type: cusum}, min_samples: 10}", series, 1000);
        assertEquals("firing@36 resolved@47", statuses(alerts));
    }

    /**
     * bernoulli_cusum through the evaluator: the window's n reaches the detector. Warm-up 88/100, 87/100: p0 = 0.875;
     * down-alternative at odds ratio 1.5: 0.823529. 80/100 adds 2.046840 to S⁻ (see ChangeDetectorsTest): 2.047,
     * 4.094 > h = 3 → firing in window 3. 87.5/100 adds 87.5·ln(0.823529/0.875) + 12.5·ln(0.176471/0.125) = −0.994140:
     * 3.0995 (still above) → 2.1054 → resolved in window 5.
     */
    @Test
    void bernoulliCusumThroughTheEvaluatorUsesTheWindowsN() throws Exception {
        List<AlertRecord> alerts = run(
                "{name: r, vital: accuracy, detector: {type: bernoulli_cusum, h: 3, warmup: 2}, min_samples: 10}",
                new double[] {0.88, 0.87, 0.80, 0.80, 0.875, 0.875},
                100);
        assertEquals("firing@4 resolved@6", statuses(alerts));
        assertEquals("bernoulli_cusum", alerts.get(0).summary.replaceAll(".*breaching (\\w+) .*", "$1"));
    }

    @Test
    void repeatIntervalReannouncesAFiringAlert() throws Exception {
        List<AlertRecord> alerts = run(
                "{name: r, vital: accuracy, op: '<', threshold: 0.9, min_samples: 10, repeat_interval: 2m}",
                new double[] {0.5, 0.5, 0.5, 0.5, 0.95},
                500);
        assertEquals("firing@1 firing@3 resolved@5", statuses(alerts));
        assertEquals(alerts.get(0).fingerprint, alerts.get(1).fingerprint);
        assertEquals(alerts.get(0).startsAt, alerts.get(1).startsAt, "the same alert, announced again");
    }

    @Test
    void benjaminiHochbergByHand() {
        // m = 8, q = 0.05: critical values i·q/m = 0.00625, 0.0125, 0.01875, …; only the two smallest pass.
        double[] p = {0.039, 0.001, 0.205, 0.008, 0.041, 0.06, 0.074, 0.042};
        assertEquals(0.008, FalseDiscoveryControl.benjaminiHochberg(p, 0.05), 0);
        assertEquals(-1, FalseDiscoveryControl.benjaminiHochberg(new double[] {0.2, 0.5}, 0.05), 0);
        assertFalse(
                FalseDiscoveryControl.benjaminiHochberg(new double[] {0.02, 0.03}, 0.05) < 0.03,
                "both pass: 0.03 ≤ 2·0.05/2");
    }

    @Test
    void falseDiscoveryControlAcrossSegments() throws Exception {
        MonitorSpec spec = SpecLoader.parse(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    window: {size: 1m}",
                        "    segments: [country]",
                        "    rules:",
                        "      - {name: r, vital: accuracy, op: '<', threshold: 0.9, min_samples: 10, per_segment: true, fdr: 0.05}",
                        ""),
                "test");
        RuleEvaluator evaluator = new RuleEvaluator(spec);
        List<RuleCheck> checks = new ArrayList<>();
        // Three segments just below 0.9 on few samples, one far below on many: only the last is a discovery.
        String[] segments = {"all", "country=A", "country=B", "country=C"};
        double[] values = {0.88, 0.87, 0.86, 0.70};
        long[] n = {200, 100, 100, 400};
        for (int i = 0; i < segments.length; i++) {
            VitalRecord v = new VitalRecord("m", "v1", segments[i], "accuracy", null, values[i], n[i], 0, W);
            v.ciLower = 0.0;
            v.ciUpper = 1.0;
            evaluator.evaluate(v, new ListCollector<>(checks));
        }
        assertTrue(checks.stream().allMatch(c -> c.breached), "each breaches 0.9 on its own");
        try (KeyedOneInputStreamOperatorTestHarness<String, RuleCheck, RuleCheck> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new FalseDiscoveryControl()),
                        c -> c.rule + c.model + c.version,
                        Types.STRING)) {
            h.open();
            for (RuleCheck c : checks) h.processElement(c, W - 1);
            assertEquals(0, h.extractOutputValues().size(), "held until the window is complete");
            h.processWatermark(new Watermark(W - 1));
            List<String> breached = h.extractOutputValues().stream()
                    .filter(c -> c.breached)
                    .map(c -> c.segment)
                    .collect(Collectors.toList());
            // The population is its own test; among the three segments only C survives Benjamini-Hochberg.
            assertEquals(List.of("all", "country=C"), breached);
            assertEquals(4, h.extractOutputValues().size());
            assertEquals(0, h.numKeyedStateEntries());
        }
    }
}
