package io.modelvitals.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.tools.demo.Demo;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {

    @Test
    void appliesDefaults() {
        MonitorSpec spec = SpecLoader.parse(
                String.join(
                        "\n",
                        "defaults:",
                        "  window: {size: 10m, slide: 5m}",
                        "  label_horizon: 2d",
                        "models:",
                        "  - name: fraud",
                        "    segments: [country]",
                        "    rules:",
                        "      - name: low-accuracy",
                        "        vital: accuracy",
                        "        op: '<'",
                        "        threshold: 0.9",
                        "  - name: churn",
                        "    task: regression",
                        "    window: {size: 1h}",
                        ""),
                "spec.yaml");
        ModelSpec fraud = spec.model("fraud");
        assertEquals(600_000, fraud.windowSizeMs());
        assertEquals(300_000, fraud.windowSlideMs());
        assertEquals(2 * 86_400_000L, fraud.labelHorizonMs());
        assertEquals("classification", fraud.task);
        assertEquals(List.of("country"), fraud.segments);
        assertEquals(100L, fraud.rules.get(0).minSamples);
        assertEquals(1, fraud.rules.get(0).forWindows);
        assertEquals("warning", fraud.rules.get(0).severity);
        assertEquals(3_000_000, fraud.alertStaleAfterMs(), "10 slides by default");
        ModelSpec churn = spec.model("churn");
        assertEquals(3_600_000, churn.windowSlideMs(), "tumbling when no slide is given");
        assertSame(spec.defaults, spec.model("undeclared"));
        assertEquals(2 * 86_400_000L, spec.maxLabelHorizonMs());
        assertEquals("predictions", spec.kafka.topics.predictions);
    }

    @Test
    void undeclaredModelsCanBeRefused() {
        MonitorSpec spec = SpecLoader.parse("job: {monitor_undeclared_models: false}\n", "spec.yaml");
        assertNull(spec.model("anything"));
    }

    @Test
    void anUnknownFieldNamesItsLineAndPath() {
        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.join("\n", "models:", "  - name: fraud", "    windw: {size: 10m}", ""), "spec.yaml"));
        assertTrue(e.getMessage().contains("spec.yaml line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("models[0].windw"), e.getMessage());
    }

    @Test
    void aWrongTypeNamesItsLine() {
        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.join("\n", "job:", "  monitor_undeclared_models: sometimes", ""), "spec.yaml"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("job.monitor_undeclared_models"), e.getMessage());
    }

    @Test
    void invalidValuesAreAllReportedByField() {
        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.join(
                                "\n",
                                "models:",
                                "  - name: fraud",
                                "    window: {size: 10 minutes}",
                                "    rules:",
                                "      - name: r1",
                                "        vital: recall",
                                "        op: '=='",
                                "        threshold: 0.9",
                                "        for: 0",
                                "      - name: r1",
                                "        vital: happiness",
                                "        op: '<'",
                                "        threshold: 1",
                                "  - name: fraud",
                                ""),
                        "spec.yaml"));
        String m = e.getMessage();
        assertTrue(m.contains("models[0].window.size: '10 minutes' is not a duration"), m);
        assertTrue(m.contains("models[0].rules[0].class: required for the per-class vital recall"), m);
        assertTrue(m.contains("models[0].rules[0].op: must be one of"), m);
        assertTrue(m.contains("models[0].rules[0].for: must be ≥ 1 window"), m);
        assertTrue(m.contains("models[0].rules[1].name: rule 'r1' is declared twice"), m);
        assertTrue(m.contains("models[0].rules[1].vital: unknown vital 'happiness'"), m);
        assertTrue(m.contains("models[1].name: model 'fraud' is declared twice"), m);
    }

    @Test
    void rulesOnlyTakeAClassOrReferenceWhereTheVitalHasOne() {
        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.join(
                                "\n",
                                "models:",
                                "  - name: m",
                                "    window: {size: 10m}",
                                "    alert_stale_after: 5m",
                                "    rules:",
                                "      - {name: r1, vital: accuracy, class: cat, op: '<', threshold: 0.9}",
                                "      - {name: r2, vital: accuracy, reference: previous, op: '<', threshold: 0.9}",
                                ""),
                        "spec.yaml"));
        String m = e.getMessage();
        assertTrue(m.contains("models[0].rules[0].class: accuracy is not a per-class vital"), m);
        assertTrue(m.contains("models[0].rules[1].reference: accuracy is not a drift vital"), m);
        assertTrue(m.contains("models[0].alert_stale_after: must be at least two window slides"), m);
    }

    @Test
    void slideMustDivideSize() {
        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse("defaults: {window: {size: 10m, slide: 3m}}\n", "spec.yaml"));
        assertTrue(e.getMessage().contains("defaults.window: size must be a multiple of slide"), e.getMessage());
    }

    @Test
    void theBundledDemoSpecIsValid() throws Exception {
        MonitorSpec spec = Demo.bundledSpec();
        assertEquals(8, spec.model("recommender").rules.size());
        assertEquals(EstimationSpec.CONFIDENCE, spec.model("recommender").estimation.score);
        assertEquals(2, spec.model("recommender").goals.size());
        assertEquals("v1", spec.model("recommender").champion);
    }

    @Test
    void driftDefaultsAndValidation() {
        MonitorSpec spec = SpecLoader.parse(
                "models: [{name: m}, {name: n, drift: {baseline: {class_shares: {a: 1}}}}]\n", "spec.yaml");
        assertEquals(List.of("previous", "fixed", "champion"), spec.model("m").drift.references);
        assertEquals(List.of("previous", "fixed", "champion", "baseline"), spec.model("n").drift.references);
        assertEquals(100L, spec.model("n").drift.minSamples);

        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.join(
                                "\n",
                                "models:",
                                "  - name: m",
                                "    drift:",
                                "      references: [baseline, yesterday]",
                                "      histogram_edges: [1, 0]",
                                "    rules:",
                                "      - {name: r1, vital: class_psi, op: '>', threshold: 0.25}",
                                "      - {name: r2, vital: class_psi, reference: champion, op: '>', threshold: 0.25}",
                                "  - name: n",
                                "    drift: {baseline: {bin_edges: [0, 1, 2], bin_counts: [5]}}",
                                ""),
                        "spec.yaml"));
        String m = e.getMessage();
        assertTrue(m.contains("models[0].drift.references: unknown reference 'yesterday'"), m);
        assertTrue(m.contains("models[0].drift.baseline: required when references include baseline"), m);
        assertTrue(m.contains("models[0].drift.histogram_edges: must be finite and strictly increasing"), m);
        assertTrue(m.contains("models[0].rules[0].reference: required for the drift vital class_psi"), m);
        assertTrue(
                m.contains("models[0].rules[1].reference: 'champion' is not among this model's drift.references"), m);
        assertTrue(m.contains("models[1].drift.baseline.bin_counts: needs one count per bin (2)"), m);
    }

    @Test
    void aMultiClassCalibrationBaselineIsReadPerClass(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // Columns in another order than `classes`; 2 bins. A's scores 0.8 (A: hit), 0.1, 0.4 (A: hit): bin 0 two, one
        // hit; bin 1 one, one hit. B's 0.2, 0.9 (B: hit), 0.6: bin 0 one, no hit; bin 1 two, one hit.
        java.nio.file.Files.writeString(dir.resolve("cal.csv"), "label,B,A\nA,0.2,0.8\nB,0.9,0.1\n\nA,0.6,0.4\n");
        java.nio.file.Files.writeString(
                dir.resolve("spec.yaml"),
                "models: [{name: m, estimation: {score: scores, classes: [A, B], bins: 2,"
                        + " calibration: {file: cal.csv}}}]\n");
        EstimationSpec.Calibration c = SpecLoader.load(dir.resolve("spec.yaml")).model("m").estimation.calibration;
        assertEquals(EstimationSpec.BASELINE, c.source);
        assertEquals(List.of(2L, 1L, 1L, 2L), c.baselineCounts);
        assertEquals(List.of(1L, 1L, 0L, 1L), c.baselineHits);

        java.nio.file.Files.writeString(dir.resolve("cal2.csv"), "label,A\nA,0.5\n");
        java.nio.file.Files.writeString(
                dir.resolve("bad.yaml"),
                "models: [{name: m, estimation: {score: scores, classes: [A, B], calibration: {file: cal2.csv}}}]\n");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(dir.resolve("bad.yaml")));
        assertTrue(e.getMessage().contains("naming every class of [A, B]"), e.getMessage());
    }

    @Test
    void aBaselineSampleFileIsReadRelativeToTheSpec(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("scores.txt"), "0.1\n0.25\n\n0.9\n");
        java.nio.file.Files.writeString(
                dir.resolve("spec.yaml"), "models: [{name: m, drift: {baseline: {sample_file: scores.txt}}}]\n");
        MonitorSpec spec = SpecLoader.load(dir.resolve("spec.yaml"));
        assertEquals(List.of(0.1, 0.25, 0.9), spec.model("m").drift.baseline.sample);

        java.nio.file.Files.writeString(dir.resolve("bad.txt"), "0.1\nlots\n");
        java.nio.file.Files.writeString(
                dir.resolve("bad.yaml"), "models: [{name: m, drift: {baseline: {sample_file: bad.txt}}}]\n");
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(dir.resolve("bad.yaml")));
        assertTrue(e.getMessage().contains("bad.txt line 2: not a finite number: 'lots'"), e.getMessage());
    }

    @Test
    void kpisDefaultsAndValidation() {
        MonitorSpec spec = SpecLoader.parse(
                String.join(
                        "\n",
                        "models:",
                        "  - name: rec",
                        "    champion: v1",
                        "    traffic_split: {v1: 0.9, v2: 0.1}",
                        "    kpis:",
                        "      - {name: take_rate, numerator: {events: [play], where: 'value >= 30'}, denominator: {events: [impression]}}",
                        "      - {name: revenue, numerator: {events: [purchase], measure: sum}, denominator: {events: [prediction]}}",
                        "    discrepancies:",
                        "      - {quality: accuracy, kpi: take_rate}",
                        "    rules:",
                        "      - {name: worse, vital: kpi_difference, class: take_rate, op: '<', threshold: 0, gate: significance}",
                        "      - {name: srm, vital: sample_ratio_p_value, op: '<', threshold: 0.001}",
                        "      - {name: disagree, vital: discrepancy, class: take_rate, reference: accuracy, op: '>=', threshold: 1}",
                        ""),
                "spec.yaml");
        ModelSpec rec = spec.model("rec");
        assertEquals(3_600_000, rec.attributionWindowMs(), "one hour by default");
        assertEquals("count", rec.kpi("take_rate").denominator.measure);
        assertTrue(rec.kpi("take_rate").proportion());
        assertTrue(!rec.kpi("revenue").proportion());
        assertEquals(6, rec.discrepancies.get(0).windows);
        assertEquals(0.05, rec.discrepancies.get(0).alpha);
        assertTrue(spec.hasKpis() && spec.hasDiscrepancies());

        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.join(
                                "\n",
                                "models:",
                                "  - name: rec",
                                "    attribution_window: soon",
                                "    traffic_split: {v1: 1.0}",
                                "    kpis:",
                                "      - {name: take_rate, numerator: {events: [play], where: 'value > thirty'}, denominator: {events: []}}",
                                "      - {name: revenue, numerator: {events: [purchase], measure: total}, denominator: {events: [prediction]}}",
                                "      - {name: spend, numerator: {events: [purchase], measure: sum}, denominator: {events: [prediction]}}",
                                "    discrepancies:",
                                "      - {quality: macro_f1, kpi: take_rate}",
                                "      - {quality: recall, kpi: spend, windows: 0}",
                                "    rules:",
                                "      - {name: a, vital: kpi, op: '<', threshold: 0.2}",
                                "      - {name: b, vital: kpi_difference, class: ctr, op: '<', threshold: 0}",
                                "      - {name: c, vital: kpi, class: take_rate, op: '<', threshold: 0.2, gate: significance}",
                                "      - {name: d, vital: kpi, class: take_rate, reference: champion, op: '<', threshold: 0.2}",
                                "      - {name: f, vital: discrepancy, class: revenue, reference: accuracy, op: '>=', threshold: 1}",
                                ""),
                        "spec.yaml"));
        String m = e.getMessage();
        for (String expected : List.of(
                "models[0].attribution_window:",
                "models[0].traffic_split: needs at least two versions",
                "models[0].kpis[0].numerator.where: 'thirty' is not a number",
                "models[0].kpis[0].denominator.events: a list of event types",
                "models[0].kpis[1].numerator.measure: count or sum",
                "models[0].discrepancies[0].quality: one of [accuracy, precision, recall]",
                "models[0].discrepancies[1].quality_class: required for recall",
                "models[0].discrepancies[1].kpi: 'spend' is not a proportion",
                "models[0].discrepancies[1].windows: must be ≥ 1",
                "models[0].rules[0].class: required for kpi",
                "models[0].rules[1].class: 'ctr' is not one of this model's kpis",
                "models[0].rules[2].gate: kpi has no p-value",
                "models[0].rules[3].reference: kpi has no reference",
                "models[0].rules[4].reference: no discrepancy compares the kpi 'revenue' with 'accuracy'")) {
            assertTrue(m.contains(expected), "expected '" + expected + "' in:\n" + m);
        }
    }

    @Test
    void goalsAndAbsenceValidation() {
        MonitorSpec spec = SpecLoader.parse(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    optimization_metric: macro_f1",
                        "    absence: {predictions: 10m}",
                        "    goals:",
                        "      - {name: few-errors, vital: error_rate, op: '<', threshold: 0.001}",
                        "    rules:",
                        "      - {name: goal-twice, vital: goal, class: few-errors, op: '>=', threshold: 0.01, for: 3}",
                        ""),
                "spec.yaml");
        ModelSpec m = spec.model("m");
        assertEquals(100L, m.goal("few-errors").minSamples);
        assertEquals(600_000, m.absence.afterMs("predictions"));
        assertEquals(0, m.absence.afterMs("labels"), "labels are not watched");
        assertTrue(spec.hasGoals() && spec.hasAbsence());

        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.join(
                                "\n",
                                "models:",
                                "  - name: m",
                                "    optimization_metric: recall",
                                "    absence: {predictions: 1s, labels: often}",
                                "    goals:",
                                "      - {name: r, vital: recall, op: '>=', threshold: 0.9}",
                                "      - {name: e, vital: error_rate, top_classes: 5, op: '<', threshold: 0.01}",
                                "      - {name: s, vital: prediction_silence_s, op: '<', threshold: 60}",
                                "      - {name: x, vital: accuracy, op: '=', threshold: 1}",
                                "      - {name: d, vital: class_psi, op: '<', threshold: 0.2}",
                                "    rules:",
                                "      - {name: x, vital: accuracy, op: '<', threshold: 0.5}",
                                "      - {name: g, vital: goal, class: nope, op: '<', threshold: 0.5}",
                                ""),
                        "spec.yaml"));
        String msg = e.getMessage();
        for (String expected : List.of(
                "models[0].optimization_metric: 'recall' is not a vital of the whole window",
                "models[0].absence.predictions: at least 2s",
                "models[0].absence.labels:",
                "models[0].goals[0]: a per-class vital needs exactly one of class or top_classes",
                "models[0].goals[1]: error_rate is not per class",
                "models[0].goals[2].vital: a vital of each window",
                "models[0].goals[3].name: 'x' is already the name of a rule or goal",
                "models[0].goals[3].op: must be one of",
                "models[0].rules[1].class: the name of one of the model's goals",
                "models[0].goals[4].vital: a vital of each window, not 'class_psi'")) {
            assertTrue(msg.contains(expected), "expected '" + expected + "' in:\n" + msg);
        }
    }

    @Test
    void aNullDocumentIsAnEmptySpec() {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("~\n", "e.yaml"));
        assertEquals("e.yaml: the spec is empty", e.getMessage());
    }

    @Test
    void invalidSpecErrorsAreListedOnePerLine() {
        SpecException e = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse("models: [{name: m, top_k: 0, calibration_bins: 0}]\n", "s.yaml"));
        assertEquals(
                "s.yaml: invalid spec:\n  - models[0].top_k: must be ≥ 1\n"
                        + "  - models[0].calibration_bins: between 1 and 1000",
                e.getMessage());
    }

    @Test
    void baselineSampleFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("blank.txt"), "\n  \n");
        SpecException empty = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        "models: [{name: m, drift: {baseline: {sample_file: blank.txt}}}]\n", "s.yaml", dir));
        assertEquals(dir.resolve("blank.txt") + ": the baseline sample is empty", empty.getMessage());

        java.nio.file.Files.writeString(dir.resolve("nan.txt"), "1\nNaN\n");
        SpecException nan = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        "models: [{name: m, drift: {baseline: {sample_file: nan.txt}}}]\n", "s.yaml", dir));
        assertEquals(dir.resolve("nan.txt") + " line 2: not a finite number: 'NaN'", nan.getMessage());

        SpecException missing = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        "models: [{name: m, drift: {baseline: {sample_file: missing.txt}}}]\n", "s.yaml", dir));
        assertTrue(
                missing.getMessage().startsWith("cannot read baseline sample_file " + dir.resolve("missing.txt")),
                missing.getMessage());

        MonitorSpec inline = SpecLoader.parse(
                "models: [{name: m, drift: {baseline: {sample: [2.5], sample_file: missing.txt}}}]\n", "s.yaml", dir);
        assertEquals(List.of(2.5), inline.model("m").drift.baseline.sample, "an inline sample wins; no file read");

        SpecException invalid = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        "models: [{name: m, top_k: 0, drift: {baseline: {sample_file: missing.txt}}}]\n",
                        "s.yaml",
                        dir));
        assertEquals(
                "s.yaml: invalid spec:\n  - models[0].top_k: must be ≥ 1",
                invalid.getMessage(),
                "no file is read for an invalid spec");
    }

    private static final String RULE_SPEC = String.join(
            "\n", "job: {monitor_undeclared_models: false}", "models: [{name: m, window: {size: 10m}}]", "");

    @Test
    void aRuleSetGetsTheRuleDefaults() {
        MonitorSpec spec = SpecLoader.parse(RULE_SPEC, "spec.yaml");
        RuleSet set = SpecLoader.parseRuleSet(
                "{\"model\": \"m\", \"rules\": [{\"name\": \"r\", \"vital\": \"accuracy\", \"op\": \"<\","
                        + " \"threshold\": 0.9, \"severity\": \"page\"}]}",
                spec);
        assertEquals("m", set.model);
        RuleSpec r = set.rules.get(0);
        assertEquals(100L, r.minSamples);
        assertEquals(1, r.forWindows);
        assertEquals("page", r.severity);
        assertEquals(false, r.perSegment);
        assertEquals(List.of(), SpecLoader.parseRuleSet("model: m\n", spec).rules, "no rules: none");
        assertEquals(
                "*",
                SpecLoader.parseRuleSet("{model: '*', rules: []}", spec).model,
                "the defaults take rule sets even when undeclared models are not monitored");
    }

    @Test
    void aRuleSetIsRefusedWithWhatIsWrong() {
        MonitorSpec spec = SpecLoader.parse(RULE_SPEC, "spec.yaml");
        assertEquals(
                "rule set: 'model' is required",
                assertThrows(SpecException.class, () -> SpecLoader.parseRuleSet("{rules: []}", spec))
                        .getMessage());
        assertEquals(
                "rule set: model 'other' is not monitored"
                        + " (undeclared, and job.monitor_undeclared_models is false)",
                assertThrows(SpecException.class, () -> SpecLoader.parseRuleSet("{model: other}", spec))
                        .getMessage());
        assertEquals(
                "rule set: rules[1] is empty",
                assertThrows(
                                SpecException.class,
                                () -> SpecLoader.parseRuleSet(
                                        "{model: m, rules: [{name: r, vital: accuracy, op: '<', threshold: 0.9}, null]}",
                                        spec))
                        .getMessage());
        SpecException invalid = assertThrows(
                SpecException.class,
                () -> SpecLoader.parseRuleSet(
                        String.join(
                                "\n",
                                "model: m",
                                "rules:",
                                "  - {name: r, vital: recall, op: '<', threshold: 0.9}",
                                "  - {name: r, vital: accuracy, op: '<', threshold: 0.9}",
                                ""),
                        spec));
        assertEquals(
                "rule set for 'm'.rules[0].class: required for the per-class vital recall; "
                        + "rule set for 'm'.rules[1].name: rule 'r' is declared twice",
                invalid.getMessage());
        SpecException unknown =
                assertThrows(SpecException.class, () -> SpecLoader.parseRuleSet("model: m\nrulez: []\n", spec));
        assertTrue(unknown.getMessage().startsWith("rule set line 2, column "), unknown.getMessage());
        assertTrue(unknown.getMessage().contains(" (rulez): "), unknown.getMessage());
        SpecException garbled = assertThrows(SpecException.class, () -> SpecLoader.parseRuleSet("{model: m", spec));
        assertTrue(garbled.getMessage().startsWith("rule set: not JSON or YAML: "), garbled.getMessage());
    }
}
