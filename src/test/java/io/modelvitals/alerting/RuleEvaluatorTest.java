package io.modelvitals.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Origin;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.SideOutputs;
import io.modelvitals.events.VitalRecord;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Rule sets from the control topic replace a model's rules; an invalid one is dead-lettered and changes nothing. */
class RuleEvaluatorTest {
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "job: {monitor_undeclared_models: false}",
                    "models:",
                    "  - name: m",
                    "    rules:",
                    "      - {name: low, vital: accuracy, op: '<', threshold: 0.3, min_samples: 4}",
                    ""),
            "test");

    private static VitalRecord accuracy(double value) {
        return new VitalRecord("m", "v1", "all", "accuracy", null, value, 10, 0, 60_000);
    }

    private static List<Boolean> breaches(BroadcastOperatorTestHarness<VitalRecord, ControlRecord, RuleCheck> h) {
        return h.extractOutputValues().stream().map(c -> c.breached).collect(Collectors.toList());
    }

    private static List<DeadLetter> deadLetters(BroadcastOperatorTestHarness<VitalRecord, ControlRecord, RuleCheck> h) {
        return h.getSideOutput(SideOutputs.DEAD_LETTERS) == null
                ? List.of()
                : h.getSideOutput(SideOutputs.DEAD_LETTERS).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    @Test
    void runtimeRulesSurviveARestore() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (BroadcastOperatorTestHarness<VitalRecord, ControlRecord, RuleCheck> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new RuleEvaluator(SPEC), RuleEvaluator.RULE_SETS)) {
            h.processBroadcastElement(
                    new ControlRecord(
                            "{\"model\":\"m\",\"rules\":[{\"name\":\"low\",\"vital\":\"accuracy\",\"op\":\"<\",\"threshold\":0.6,\"min_samples\":4}]}",
                            new Origin("rules", 0, 0)),
                    1);
            snapshot = h.snapshot(1, 2);
        }
        BroadcastOperatorTestHarness<VitalRecord, ControlRecord, RuleCheck> restored =
                new BroadcastOperatorTestHarness<>(
                        new org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator<>(
                                new RuleEvaluator(SPEC), List.of(RuleEvaluator.RULE_SETS)),
                        1,
                        1,
                        0);
        try (restored) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(accuracy(0.4), 3);
            assertEquals(List.of(true), breaches(restored), "the rule set from before the restart is in force");
        }
    }

    @Test
    void aValidRuleSetReplacesTheModelsRulesAndAnInvalidOneDoesNot() throws Exception {
        try (BroadcastOperatorTestHarness<VitalRecord, ControlRecord, RuleCheck> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new RuleEvaluator(SPEC), RuleEvaluator.RULE_SETS)) {
            h.processElement(accuracy(0.4), 1);
            assertEquals(List.of(false), breaches(h), "the spec's rule: 0.4 < 0.3 is false");

            h.processBroadcastElement(
                    new ControlRecord(
                            "{\"model\":\"m\",\"rules\":[{\"name\":\"low\",\"vital\":\"accuracy\",\"op\":\"<\",\"threshold\":0.6,\"min_samples\":4}]}",
                            new Origin("rules", 0, 0)),
                    2);
            h.processBroadcastElement(
                    new ControlRecord(
                            "model: m\nrules:\n  - {name: bad, vital: accuracy, op: '==', threshold: 1}\n",
                            new Origin("rules", 0, 1)),
                    3);
            h.processBroadcastElement(
                    new ControlRecord("{\"model\":\"elsewhere\",\"rules\":[]}", new Origin("rules", 0, 2)), 4);
            h.processBroadcastElement(new ControlRecord("{not json", new Origin("rules", 0, 3)), 5);
            h.processBroadcastElement(
                    new ControlRecord("{\"model\":\"m\",\"rules\":[null]}", new Origin("rules", 0, 4)), 5);
            h.processElement(accuracy(0.4), 6);
            assertEquals(List.of(false, true), breaches(h), "the runtime rule: 0.4 < 0.6");
            assertEquals(0.6, h.extractOutputValues().get(1).threshold);

            List<DeadLetter> rejected = deadLetters(h);
            assertEquals(4, rejected.size());
            assertTrue(rejected.get(3).reason.contains("rules[0] is empty"), rejected.get(3).reason);
            assertTrue(rejected.get(0).reason.contains("rules[0].op: must be one of"), rejected.get(0).reason);
            assertEquals(new Origin("rules", 0, 1), rejected.get(0).origin);
            assertTrue(rejected.get(1).reason.contains("model 'elsewhere' is not monitored"), rejected.get(1).reason);
            assertTrue(rejected.get(2).reason.startsWith("rule set rejected"), rejected.get(2).reason);
            assertFalse(rejected.stream().anyMatch(d -> d.payload == null));
        }
    }

    /**
     * Quality comes on two timelines once the prediction-time view is built: a model's rules watch the one it chose
     * (label time by default), and every other vital (no timeline) as always.
     */
    @Test
    void rulesWatchTheQualityTimelineTheModelChose() {
        MonitorSpec spec = SpecLoader.parse(
                String.join(
                        "\n",
                        "job: {monitor_undeclared_models: false}",
                        "models:",
                        "  - name: m",
                        "    rules:",
                        "      - {name: low, vital: accuracy, op: '<', threshold: 0.3, min_samples: 4}",
                        "      - {name: few, vital: error_rate, op: '>', threshold: 0.5, min_samples: 4}",
                        "  - name: c",
                        "    quality_timeline: prediction",
                        "    rules:",
                        "      - {name: low, vital: accuracy, op: '<', threshold: 0.3, min_samples: 4}",
                        "      - {name: few, vital: error_rate, op: '>', threshold: 0.5, min_samples: 4}",
                        ""),
                "test");
        RuleEvaluator evaluator = new RuleEvaluator(spec);
        List<String> seen = new java.util.ArrayList<>();
        org.apache.flink.util.Collector<RuleCheck> out = new org.apache.flink.util.Collector<>() {
            @Override
            public void collect(RuleCheck c) {
                seen.add(c.model + ":" + c.rule);
            }

            @Override
            public void close() {}
        };
        for (String model : new String[] {"m", "c"}) {
            for (String timeline : new String[] {VitalRecord.LABEL_TIMELINE, VitalRecord.PREDICTION_TIMELINE}) {
                VitalRecord v = new VitalRecord(model, "v1", "all", "accuracy", null, 0.1, 10, 0, 60_000);
                v.timeline = timeline;
                seen.add(model + " " + timeline + ":");
                evaluator.evaluate(v, out);
            }
            seen.add(model + " other:");
            evaluator.evaluate(new VitalRecord(model, "v1", "all", "error_rate", null, 0.9, 10, 0, 60_000), out);
        }
        assertEquals(
                List.of(
                        "m label:",
                        "m:low",
                        "m prediction:",
                        "m other:",
                        "m:few",
                        "c label:",
                        "c prediction:",
                        "c:low",
                        "c other:",
                        "c:few"),
                seen);
    }

    /**
     * A drift alert on a sliding window is not stale between two compared windows: drift comes once per window size
     * (drift.every: window), so it is stale after two sizes, while every other vital keeps the model's 10 slides.
     */
    @Test
    void driftAlertsOnSlidingWindowsGoStaleAfterTwoWindowSizes() {
        String rules = String.join(
                "\n",
                "    rules:",
                "      - {name: drift, vital: class_drift, reference: previous, op: '>=', threshold: 1}",
                "      - {name: few, vital: error_rate, op: '>', threshold: 0.5}",
                "");
        long minute = 60_000;
        for (String every : new String[] {"window", "slide"}) {
            MonitorSpec spec = SpecLoader.parse(
                    "models:\n  - name: m\n    window: {size: 10m, slide: 1m}\n    drift: {every: " + every + "}\n"
                            + rules,
                    "test");
            List<RuleCheck> checks = new java.util.ArrayList<>();
            org.apache.flink.util.Collector<RuleCheck> out = new ListCollector<>(checks);
            RuleEvaluator evaluator = new RuleEvaluator(spec);
            VitalRecord drift = new VitalRecord("m", "v1", "all", "class_drift", null, 1, 500, 0, 10 * minute);
            drift.reference = "previous";
            evaluator.evaluate(drift, out);
            evaluator.evaluate(new VitalRecord("m", "v1", "all", "error_rate", null, 0.9, 500, 0, 10 * minute), out);
            assertEquals(2, checks.size(), every);
            // alert_stale_after's default is 10 slides: 10 minutes; two window sizes are 20.
            assertEquals(("window".equals(every) ? 20 : 10) * minute, checks.get(0).staleAfterMs, every);
            assertEquals(10 * minute, checks.get(1).staleAfterMs, every);
        }
    }

    /**
     * On sliding windows a change detector reads only the windows on the window-size grid (overlapping windows made
     * cusum fire on noise: docs/detection.md), and its alert is stale after two window sizes; a threshold rule on the
     * same vital reads every slide.
     */
    @Test
    void detectorsOnSlidingWindowsReadOneWindowPerWindowSize() {
        MonitorSpec spec = SpecLoader.parse(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    window: {size: 10m, slide: 1m}",
                        "    traffic_split: {v1: 0.5, v2: 0.5}",
                        "    kpis: [{name: k, numerator: {events: [play]}, denominator: {events: [impression]}}]",
                        "    rules:",
                        "      - {name: detector, vital: accuracy, detector: {type: bernoulli_cusum}}",
                        "      - {name: threshold, vital: accuracy, op: '<', threshold: 0.5}",
                        "      - {name: silence, vital: prediction_silence_s, detector: {type: cusum}}",
                        "      - {name: ratio, vital: sample_ratio_cumulative_p_value, detector: {type: cusum}}",
                        ""),
                "test");
        RuleEvaluator evaluator = new RuleEvaluator(spec);
        List<RuleCheck> checks = new java.util.ArrayList<>();
        org.apache.flink.util.Collector<RuleCheck> out = new ListCollector<>(checks);
        long minute = 60_000;
        // Windows ending at minutes 15 to 35: on the grid at 20 and 30.
        for (long end = 15; end <= 35; end++)
            evaluator.evaluate(
                    new VitalRecord("m", "v1", "all", "accuracy", null, 0.9, 500, (end - 10) * minute, end * minute),
                    out);
        // Vitals not on the model's overlapping windows reach a detector whatever their end: silence (windows of its
        // own) and the cumulative sample-ratio test (already once per window size, from the experiment's start).
        evaluator.evaluate(
                new VitalRecord("m", "v1", "all", "prediction_silence_s", null, 30, 0, 1000, 17 * minute + 500), out);
        evaluator.evaluate(
                new VitalRecord(
                        "m", "v1", "all", "sample_ratio_cumulative_p_value", null, 0.5, 900, 13 * minute, 23 * minute),
                out);
        assertEquals(1, checks.stream().filter(c -> c.rule.equals("silence")).count());
        assertEquals(1, checks.stream().filter(c -> c.rule.equals("ratio")).count());
        // The sample-ratio test comes once per window size: stale after two (20 minutes), not 10 slides, plus the
        // KPI pipeline's delay (the attribution window, 1 h by default).
        assertEquals(
                20 * minute + 60 * minute,
                checks.stream().filter(c -> c.rule.equals("ratio")).findFirst().orElseThrow().staleAfterMs);
        checks.removeIf(c -> c.rule.equals("silence") || c.rule.equals("ratio"));
        List<Long> detectorEnds = checks.stream()
                .filter(c -> c.rule.equals("detector"))
                .map(c -> c.windowEnd / minute)
                .collect(java.util.stream.Collectors.toList());
        assertEquals(List.of(20L, 30L), detectorEnds);
        assertEquals(21, checks.stream().filter(c -> c.rule.equals("threshold")).count());
        for (RuleCheck c : checks) assertEquals((c.rule.equals("detector") ? 20 : 10) * minute, c.staleAfterMs, c.rule);
    }

    /**
     * A vital that comes a known delay after its window carries the delay in its stale time: the prediction
     * timeline's quality (label horizon + grace), KPIs (the attribution window); on-time vitals do not.
     */
    @Test
    void lateVitalsCarryTheirDelayInTheirStaleTime() {
        MonitorSpec spec = SpecLoader.parse(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    window: {size: 1h}",
                        "    label_horizon: 2h",
                        "    late_label_grace: 1h",
                        "    quality_timeline: prediction",
                        "    attribution_window: 30m",
                        "    kpis: [{name: k, numerator: {events: [play]}, denominator: {events: [impression]}}]",
                        "    rules:",
                        "      - {name: quality, vital: accuracy, op: '<', threshold: 0.5}",
                        "      - {name: kpi, vital: kpi, class: k, op: '<', threshold: 0.5}",
                        "      - {name: latency, vital: latency_p95_ms, op: '>', threshold: 100}",
                        ""),
                "test");
        RuleEvaluator evaluator = new RuleEvaluator(spec);
        List<RuleCheck> checks = new java.util.ArrayList<>();
        ListCollector<RuleCheck> out = new ListCollector<>(checks);
        long hour = 3_600_000;
        VitalRecord accuracy = new VitalRecord("m", "v1", "all", "accuracy", null, 0.1, 500, 0, hour);
        accuracy.timeline = VitalRecord.PREDICTION_TIMELINE;
        evaluator.evaluate(accuracy, out);
        evaluator.evaluate(new VitalRecord("m", "v1", "all", "kpi", "k", 0.1, 500, 0, hour), out);
        evaluator.evaluate(new VitalRecord("m", "v1", "all", "latency_p95_ms", null, 500, 500, 0, hour), out);
        assertEquals(3, checks.size());
        // alert_stale_after: 10 slides of 1 h; plus 2 h + 1 h of labels, plus 30 min of attribution, plus nothing.
        assertEquals(13 * hour, checks.get(0).staleAfterMs);
        assertEquals(10 * hour + hour / 2, checks.get(1).staleAfterMs);
        assertEquals(10 * hour, checks.get(2).staleAfterMs);
    }
}
