package io.modelvitals.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.GoalSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.RuleSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.VitalRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Goals "error rate < 0.1%" and "recall ≥ 0.97 for each of the 3 most frequent classes", by hand. */
class GoalEvaluatorTest {
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "models:",
                    "  - name: m",
                    "    window: {size: 1m}",
                    "    optimization_metric: macro_f1",
                    "    goals:",
                    "      - {name: few-errors, vital: error_rate, op: '<', threshold: 0.001, min_samples: 1000, severity: critical}",
                    "      - {name: top-recall, vital: recall, top_classes: 3, op: '>=', threshold: 0.97, for: 2}",
                    ""),
            "test");

    private static VitalRecord vital(String vital, String cls, double value, long n) {
        return new VitalRecord("m", "v1", "all", vital, cls, value, n, 0, 60_000);
    }

    /** Recall of five classes: the three most frequent are a (500), b (300), c (120); d and e are rare. */
    private static List<VitalRecord> window(double recallOfC) {
        List<VitalRecord> w = new ArrayList<>();
        w.add(vital("recall", "a", 0.99, 500));
        w.add(vital("recall", "b", 0.98, 300));
        w.add(vital("recall", "c", recallOfC, 120));
        w.add(vital("recall", "d", 0.50, 40)); // rare: not among the top 3, so its low recall does not count
        w.add(vital("recall", "e", 0.10, 10));
        w.add(vital("error_rate", null, 0.0004, 5_000));
        w.add(vital("macro_f1", null, 0.71, 970));
        return w;
    }

    @Test
    void topClassesAreTheMostFrequentAndTheWorstOfThemCounts() {
        GoalSpec top = SPEC.model("m").goal("top-recall");
        VitalRecord met = GoalEvaluator.evaluate(top, window(0.975));
        assertTrue(met.met);
        assertEquals(0.975, met.value, "the worst of a, b, c");
        assertEquals(120, met.n, "the smallest n among them");
        assertEquals("recall:top3", met.reference);
        VitalRecord missed = GoalEvaluator.evaluate(top, window(0.96));
        assertFalse(missed.met);
        assertEquals(0.96, missed.value);

        VitalRecord errors = GoalEvaluator.evaluate(SPEC.model("m").goal("few-errors"), window(0.99));
        assertTrue(errors.met);
        assertEquals(0.0004, errors.value);
        assertNull(
                GoalEvaluator.evaluate(top, List.of(vital("error_rate", null, 0.1, 10))),
                "no recall in the window: nothing to judge");
    }

    @Test
    void aGoalIsARuleThatFiresWhenItIsNotMet() {
        ModelSpec m = SPEC.model("m");
        RuleSpec rule = m.goal("few-errors").rule();
        assertEquals(">=", rule.op, "fires when the error rate is not below 0.1%");
        assertEquals("critical", rule.severity);
        assertEquals(1000L, rule.minSamples);
        assertEquals(2, m.goal("top-recall").rule().forWindows);

        VitalRecord missed =
                GoalEvaluator.evaluate(m.goal("few-errors"), List.of(vital("error_rate", null, 0.002, 5_000)));
        List<RuleCheck> checks = new ArrayList<>();
        new RuleEvaluator(SPEC).evaluate(missed, new Collector<>() {
            @Override
            public void collect(RuleCheck c) {
                checks.add(c);
            }

            @Override
            public void close() {}
        });
        assertEquals(1, checks.size());
        assertEquals("few-errors", checks.get(0).rule);
        assertTrue(checks.get(0).breached);
    }

    @Test
    void reportsEachGoalAndTheOptimizationMetricOncePerWindow() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, VitalRecord, VitalRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new GoalEvaluator(SPEC)), GoalEvaluator::key, Types.STRING)) {
            h.open();
            for (VitalRecord v : window(0.96)) {
                if (GoalEvaluator.watches(SPEC, v)) h.processElement(new StreamRecord<>(v, 59_999));
            }
            h.processWatermark(new Watermark(59_999));
            List<VitalRecord> out = h.extractOutputValues();
            assertEquals(3, out.size(), out.toString());
            VitalRecord optimization = out.stream()
                    .filter(v -> v.vital.equals("optimization_metric"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("macro_f1", optimization.cls);
            assertEquals(0.71, optimization.value);
            assertEquals(2, out.stream().filter(v -> v.vital.equals("goal")).count());
            assertEquals(0, h.numKeyedStateEntries(), "the window is forgotten once judged");
        }
    }
}
