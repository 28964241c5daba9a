package io.modelvitals.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every error of a spec, in order. The messages are written out from the rules they state; where a message
 * lists a {@code Set.of} (whose order varies from run to run), only its beginning is compared (ending in "…").
 */
class SpecValidatorTest {
    private static final String DURATION = " is not a duration: use a number and one of ms, s, m, h, d (e.g. 10m)";
    private static final String WITH_INTERVAL =
            "[accuracy, class_share, error_rate, kpi, kpi_cumulative_difference, kpi_difference,"
                    + " label_coverage, precision, recall, top_k_accuracy]";

    @Test
    void aMinimalSpecIsValid() {
        assertErrors("models: [{name: m}]");
    }

    @Test
    void jobAndKafkaSettings() {
        assertErrors(
                String.join(
                        "\n",
                        "job: {max_out_of_orderness: soon, max_record_bytes: 63, state_backend: memory,"
                                + " alert_delivery: exactly-once}",
                        "kafka: {start_from: beginning}"),
                "job.max_out_of_orderness: 'soon'" + DURATION,
                "job.max_record_bytes: at least 64",
                "job.state_backend: hashmap or rocksdb",
                "job.alert_delivery: exactly_once or at_least_once",
                "kafka.start_from: must be one of …");
        assertErrors("job: {max_record_bytes: 64, state_backend: rocksdb, alert_delivery: at_least_once}\n"
                + "kafka: {start_from: latest}");
    }

    @Test
    void modelSettings() {
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - {name: m, task: ranking, window: {size: 0m}, segment_value_cap: 0, top_k: 0,"
                                + " calibration_bins: 1001}",
                        "  - {name: n, window: {slide: 5m}, calibration_bins: 1000}",
                        "  - {name: o, window: {size: 1h, slide: 1h}, calibration_bins: 1, alert_stale_after: 2h,"
                                + " quality_timeline: event}",
                        "  - {name: p, quality_timeline: prediction}"),
                "models[0].task: must be one of …",
                "models[0].window: size and slide must be > 0",
                "models[0].segment_value_cap: must be ≥ 1",
                "models[0].top_k: must be ≥ 1",
                "models[0].calibration_bins: between 1 and 1000",
                "models[1].window.size: required",
                "models[2].quality_timeline: must be 'label' or 'prediction', not 'event'");
    }

    @Test
    void estimationSettings() {
        assertErrors(String.join(
                "\n",
                "models:",
                "  - {name: a, estimation: {}}",
                "  - {name: b, estimation: {score: confidence, calibration: {source: baseline, file: cal.csv}}}"));
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - {name: m, task: regression, estimation: {score: logit, bins: 1, min_samples: 0,"
                                + " calibration: {windows: 0, min_labels: 0, file: x.csv, source: fixed,"
                                + " refresh: daily}}}",
                        "  - {name: n, positive_class: yes, estimation: {negative_class: yes,"
                                + " calibration: {source: baseline}}}",
                        "  - {name: o, estimation: {calibration: {source: rolling}}}"),
                "models[0].estimation: only for classification models",
                "models[0].estimation.score: positive_probability, confidence or scores, not 'logit'",
                "models[0].estimation.bins: between 2 and 1000",
                "models[0].estimation.min_samples: must be ≥ 1",
                "models[0].estimation.calibration.windows: must be ≥ 1",
                "models[0].estimation.calibration.min_labels: must be ≥ 1",
                "models[0].estimation.calibration.file: only with source: baseline",
                "models[0].estimation.calibration.refresh: only 'never' (each new version learns its own calibration)",
                "models[1].estimation.negative_class: must differ from positive_class 'yes'",
                "models[1].estimation.calibration.file: required with source: baseline",
                "models[2].estimation.calibration.source: fixed or baseline, not 'rolling'");
    }

    @Test
    void multiClassEstimationNeedsAClassifierAndTheClassesOfItsScores() {
        assertErrors(
                String.join("\n", "models:", "  - {name: a, estimation: {score: scores, classes: [cat, dog, bird]}}"));
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - {name: a, estimation: {score: scores}}",
                        "  - {name: b, task: regression, estimation: {score: scores, classes: [x, y]}}",
                        "  - {name: c, estimation: {score: scores, classes: [cat]}}",
                        "  - {name: d, estimation: {score: scores, classes: [cat, dog, cat]}}",
                        "  - {name: e, estimation: {score: confidence, classes: [cat, dog]}}"),
                "models[0].estimation.classes: score: scores needs the classes of the model's `scores` vector (2 to 20),"
                        + " e.g. classes: [cat, dog, bird]",
                "models[1].estimation: only for classification models",
                "models[2].estimation.classes: score: scores needs the classes of the model's `scores` vector (2 to 20),"
                        + " e.g. classes: [cat, dog, bird]",
                "models[3].estimation.classes: each class once",
                "models[4].estimation.classes: only with score: scores");
    }

    @Test
    void anEstimationBlockTakesItsDefaults() {
        MonitorSpec spec = SpecLoader.parse("models: [{name: m, estimation: {}}, {name: n}]", "test");
        EstimationSpec e = spec.model("m").estimation;
        assertEquals(EstimationSpec.POSITIVE_PROBABILITY, e.score);
        assertEquals("0", e.negativeClass);
        assertEquals(20, e.bins);
        assertEquals(100L, e.minSamples);
        assertEquals(EstimationSpec.FIXED, e.calibration.source);
        assertEquals(3, e.calibration.windows);
        assertEquals(500L, e.calibration.minLabels);
        assertEquals(EstimationSpec.NEVER, e.calibration.refresh);
        assertEquals(null, spec.model("n").estimation, "off unless asked for");
    }

    @Test
    void aCalibrationBaselineFileIsReadIntoBinCounts(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("cal.csv"), "score,outcome\n0.1,0\n0.12,1\n0.95,1\n1.0,1\n");
        MonitorSpec spec = SpecLoader.parse(
                "models: [{name: m, estimation: {bins: 4, calibration: {file: cal.csv}}}]", "test", dir);
        EstimationSpec.Calibration c = spec.model("m").estimation.calibration;
        assertEquals(EstimationSpec.BASELINE, c.source);
        // Bins of width ¼: 0.1 and 0.12 in bin 0 (one hit), 0.95 and 1.0 in bin 3 (two hits).
        assertEquals(List.of(2L, 0L, 0L, 2L), c.baselineCounts);
        assertEquals(List.of(1L, 0L, 0L, 2L), c.baselineHits);
        java.nio.file.Files.writeString(dir.resolve("bad.csv"), "0.5,maybe\n");
        SpecException e = org.junit.jupiter.api.Assertions.assertThrows(
                SpecException.class,
                () -> SpecLoader.parse("models: [{name: m, estimation: {calibration: {file: bad.csv}}}]", "test", dir));
        assertTrue(e.getMessage().contains("line 1: expected 'score,outcome'"), e.getMessage());
    }

    @Test
    void anAbsencePeriodSpansAtLeastTwoHeartbeats() {
        assertEquals(1_000, AbsenceSpec.HEARTBEAT_INTERVAL_MS);
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - {name: a, absence: {predictions: 2s, labels: 2000ms}}",
                        "  - {name: b, absence: {predictions: 1999ms, labels: 1s}}",
                        "  - {name: c, absence: {labels: often}}"),
                "models[1].absence.predictions: at least 2s",
                "models[1].absence.labels: at least 2s",
                "models[2].absence.labels: 'often'" + DURATION);
    }

    @Test
    void ruleNamesAndVitals() {
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    rules:",
                        "      - {vital: accuracy, op: '<', threshold: 0.9}",
                        "      - {name: v, op: '<', threshold: 0.9}",
                        "      - {name: o, vital: segment_overflow, class: country, op: '>', threshold: 0}",
                        "      - {name: i, vital: accuracy, keep_firing_for: soon}"),
                "models[0].rules[0].name: required",
                "models[0].rules[1].vital: required",
                // No threshold: the other conditions are not checked (keep_firing_for neither).
                "models[0].rules[3].op: must be one of …",
                "models[0].rules[3].threshold: a finite number is required");
    }

    @Test
    void howARuleJudges() {
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    rules:",
                        "      - {name: a, vital: accuracy, op: '<', threshold: 0.9, compare: ratio}",
                        "      - {name: b, vital: accuracy, op: '<', threshold: 0.9, reference_value: 0.95}",
                        "      - {name: c, vital: accuracy, op: '<', threshold: 0.1, compare: relative_change,"
                                + " reference_windows: 0}",
                        "      - {name: d, vital: rmse, op: '>', threshold: 1, gate: confidence_interval,"
                                + " compare: absolute_change, reference_value: 1}",
                        "      - {name: e, vital: accuracy, op: '<', threshold: 0.9, gate: vote, alpha: 1.5}",
                        "      - {name: f, vital: accuracy, detector: {type: ewma, k: -1, h: 0, warmup: 1},"
                                + " compare: relative_change, reference_windows: 2}",
                        "      - {name: g, vital: rmse, op: '>', threshold: 1, fdr: 1, keep_firing_for: soon}",
                        "      - {name: h, vital: recall, class: a, op: '<', threshold: 0.5, per_segment: true,"
                                + " fdr: 0.05, severity: loud, min_samples: 0, for: 0}"),
                "models[0].rules[0].compare: must be one of [absolute_change, relative_change, value]",
                "models[0].rules[0]: compare: ratio needs exactly one of reference_value or reference_windows",
                "models[0].rules[1]: reference_value and reference_windows need compare:"
                        + " relative_change or absolute_change",
                "models[0].rules[2].reference_windows: must be ≥ 1",
                "models[0].rules[3].gate: rmse has no confidence interval; gated vitals: " + WITH_INTERVAL,
                "models[0].rules[3].gate: only for compare: value",
                "models[0].rules[4].gate: one of confidence_interval, significance",
                "models[0].rules[4].alpha: a significance level in (0, 1)",
                "models[0].rules[4].alpha: only with gate: significance",
                "models[0].rules[5].detector.type: one of [bernoulli_cusum, cusum, page_hinkley]",
                "models[0].rules[5].detector.k: must be ≥ 0",
                "models[0].rules[5].detector.h: must be > 0",
                "models[0].rules[5].detector.warmup: must be ≥ 2 windows",
                "models[0].rules[5].detector: replaces the threshold; no compare or gate with it",
                "models[0].rules[6].keep_firing_for: 'soon'" + DURATION,
                "models[0].rules[6].fdr: a false discovery rate in (0, 1)",
                "models[0].rules[6].fdr: controls the rate across segments: needs per_segment: true",
                "models[0].rules[6].fdr: needs a proportion vital " + WITH_INTERVAL
                        + " other than kpi_difference and kpi_cumulative_difference",
                "models[0].rules[7].min_samples: must be ≥ 1",
                "models[0].rules[7].for: must be ≥ 1 window",
                "models[0].rules[7].severity: must be one of …");
    }

    @Test
    void driftAndBaselines() {
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - {name: a, drift: {min_samples: 0, previous_windows_back: 0, fixed_windows: 0,"
                                + " histogram_edges: [1]}}",
                        "  - {name: b, drift: {baseline: {}}}",
                        "  - {name: c, drift: {baseline: {class_shares: {x: 0, y: -1}}}}",
                        "  - {name: d, drift: {baseline: {bin_edges: [0, 1], sample: [1]}}}",
                        "  - {name: e, drift: {baseline: {bin_edges: [0, 1, 2], bin_counts: [0, 0]}}}",
                        "  - {name: f, drift: {baseline: {sample: []}}}",
                        "  - {name: g, drift: {baseline: {class_shares: {x: 0, y: 2}}}}",
                        "  - {name: h, drift: {alpha: 1, test_max_samples: -1, js_threshold: 1.5,"
                                + " wasserstein_threshold: 0, every: minute}}"),
                "models[0].drift.min_samples: must be ≥ 1",
                "models[0].drift.previous_windows_back: must be ≥ 1",
                "models[0].drift.fixed_windows: must be ≥ 1",
                "models[0].drift.histogram_edges: needs at least two edges",
                "models[1].drift.baseline: give class_shares, bin_edges with bin_counts, sample or sample_file",
                "models[2].drift.baseline.class_shares.y: must be ≥ 0",
                "models[2].drift.baseline.class_shares: must not all be 0",
                "models[3].drift.baseline: bin_edges and bin_counts go together",
                "models[3].drift.baseline: give either bin_edges with bin_counts or a sample, not both",
                "models[4].drift.baseline.bin_counts: counts must be ≥ 0 and not all 0",
                "models[5].drift.baseline.sample: must be a non-empty list of finite numbers",
                "models[7].drift.every: window or slide",
                "models[7].drift.alpha: a significance level in (0, 1)",
                "models[7].drift.test_max_samples: must be ≥ 0",
                "models[7].drift.js_threshold: in (0, 1]",
                "models[7].drift.wasserstein_threshold: a positive number");
    }

    @Test
    void businessKpisDiscrepanciesAndTheirRules() {
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    traffic_split: {v1: 0.5, v2: 0}",
                        "    kpis:",
                        "      - {name: ctr, numerator: {events: [click]}, denominator: {events: [prediction]}}",
                        "      - {name: rev, numerator: {events: [buy], measure: sum},"
                                + " denominator: {events: [prediction]}}",
                        "      - {name: ctr, numerator: {events: [click, '']},"
                                + " denominator: {events: [prediction], where: 'value about 3'}}",
                        "      - null",
                        "    discrepancies:",
                        "      - {quality: accuracy, quality_class: a, kpi: ctr, alpha: 1}",
                        "      - {quality: precision, quality_class: a, kpi: nope, windows: 0}",
                        "    rules:",
                        "      - {name: s, vital: sample_ratio_p_value, op: '<', threshold: 0.001}",
                        "      - {name: d, vital: discrepancy, class: ctr, op: '>=', threshold: 1}",
                        "      - {name: r, vital: kpi_relative_difference, class: ctr, reference: previous,"
                                + " op: '<', threshold: 0}",
                        "      - {name: k, vital: kpi_relative_difference, class: ctr, reference: champion,"
                                + " gate: significance, op: '<', threshold: 0}",
                        "      - {name: g, vital: kpi_difference, class: rev, gate: significance,"
                                + " op: '<', threshold: 0}",
                        "      - {name: x, vital: discrepancy, class: rev, op: '>=', threshold: 1}",
                        "  - name: n",
                        "    rules: [{name: s, vital: sample_ratio_p_value, op: '<', threshold: 0.001}]"),
                "models[0].traffic_split.v2: a share > 0",
                "models[0].kpis[2].name: kpi 'ctr' is declared twice",
                "models[0].kpis[2].numerator.events: a list of event types (prediction: the model's predictions)",
                "models[0].kpis[2].denominator.where: 'value about 3' is not of the form 'value <op> <number>'"
                        + " (op: >=, >, <=, <, ==, !=)",
                "models[0].kpis[3]: empty",
                "models[0].discrepancies[0].quality_class: accuracy is not per class",
                "models[0].discrepancies[0].alpha: a significance level in (0, 1)",
                "models[0].discrepancies[1].kpi: the name of one of this model's kpis",
                "models[0].discrepancies[1].windows: must be ≥ 1",
                "models[0].rules[2].reference: kpi_relative_difference has only the reference champion",
                "models[0].rules[4].gate: 'rev' is a ratio of sums: no two-proportion test,"
                        + " so significance can never pass",
                "models[0].rules[5].class: no discrepancy watches the kpi 'rev'",
                "models[1].rules[0].vital: sample_ratio_p_value needs the model's traffic_split and kpis"
                        + " (the KPI pipeline counts the traffic)");
    }

    @Test
    void theExperimentTheCumulativeComparisonAndTheDiscrepancyMargin() {
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    traffic_split: {v1: 0.95, v2: 0.05}",
                        "    experiment: {start: 'yesterday', effect: 0, alpha: 1.5, min_samples: 1}",
                        "    kpis:",
                        "      - {name: ctr, numerator: {events: [click]}, denominator: {events: [prediction]}}",
                        "      - {name: rev, numerator: {events: [buy], measure: sum},"
                                + " denominator: {events: [prediction]}}",
                        "    discrepancies:",
                        "      - {quality: accuracy, kpi: ctr, margin: 0}",
                        "    rules:",
                        "      - {name: a, vital: kpi_cumulative_difference, class: ctr, op: '<', threshold: 0,"
                                + " gate: confidence_interval}",
                        "      - {name: b, vital: kpi_cumulative_difference, class: rev, op: '<', threshold: 0,"
                                + " gate: significance, alpha: 0.05}",
                        "      - {name: c, vital: kpi_cumulative_difference, op: '<', threshold: 0}",
                        "      - {name: d, vital: sample_ratio_cumulative_p_value, op: '<', threshold: 0.0005}",
                        "  - name: n",
                        "    experiment: {start: '2026-11-02T09:00:00Z', effect: 0.2, alpha: 0.01}",
                        "    rules: [{name: s, vital: sample_ratio_cumulative_p_value, op: '<', threshold: 0.001}]"),
                "models[0].discrepancies[0].margin: a non-inferiority margin in (0, 1) (a fall of the quality"
                        + " proportion)",
                "models[0].experiment.start: an ISO-8601 instant such as 2026-11-02T09:00:00Z",
                "models[0].experiment.effect: a relative change > 0 (0.1: the test is tuned to a 10% change)",
                "models[0].experiment.alpha: a level in (0, 1)",
                "models[0].experiment.min_samples: predictions per version before the first look, at least 2",
                "models[0].rules[2].class: required for kpi_cumulative_difference: the name of one of the model's kpis",
                "models[1].rules[0].vital: sample_ratio_cumulative_p_value needs the model's traffic_split and kpis"
                        + " (the KPI pipeline counts the traffic)");
    }

    @Test
    void goals() {
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    optimization_metric: kpi",
                        "    goals:",
                        "      - {name: g, vital: recall, class: a, top_classes: 0, op: '>=', threshold: 0.9,"
                                + " min_samples: 0, for: 0, severity: loud}",
                        "      - {name: g, vital: accuracy, class: a, op: '>='}",
                        "      - null",
                        "      - {vital: segment_overflow, op: '<', threshold: 1}",
                        "      - {name: t, vital: recall, top_classes: 3, op: '>=', threshold: 0.9}"),
                "models[0].optimization_metric: 'kpi' is not a vital of the whole window"
                        + " (e.g. macro_f1, roc_auc, rmse)",
                "models[0].goals[0]: a per-class vital needs exactly one of class or top_classes",
                "models[0].goals[0].top_classes: must be ≥ 1",
                "models[0].goals[0].min_samples: must be ≥ 1",
                "models[0].goals[0].for: must be ≥ 1 window",
                "models[0].goals[0].severity: must be one of …",
                "models[0].goals[1].name: 'g' is already the name of a rule or goal (a goal is a rule)",
                "models[0].goals[1]: accuracy is not per class: no class or top_classes",
                "models[0].goals[1].threshold: a finite number is required",
                "models[0].goals[2]: empty",
                "models[0].goals[3].name: required",
                "models[0].goals[3].vital: a vital of each window, not 'segment_overflow'");
    }

    @Test
    void theDefaultsAreCheckedFirstAndWhatAModelInheritsIsCheckedAgainInIt() {
        assertErrors(
                "defaults: {top_k: 0}\nmodels: [{name: m, top_k: 0}, {name: m}, {name: n, top_k: 1}]",
                "defaults.top_k: must be ≥ 1",
                "models[0].top_k: must be ≥ 1",
                "models[1].name: model 'm' is declared twice",
                "models[1].top_k: must be ≥ 1");
    }

    @Test
    void detectorsAndTheirParameters() {
        assertErrors(
                String.join(
                        "\n",
                        "models:",
                        "  - name: m",
                        "    rules:",
                        "      - {name: a, vital: mae, detector: {type: bernoulli_cusum}}",
                        "      - {name: b, vital: accuracy, detector: {type: bernoulli_cusum, odds_ratio: 0.5, shift: 2}}",
                        "      - {name: c, vital: mae, detector: {type: page_hinkley, h: 3, delta: -1, lambda: 0,"
                                + " alpha: 1.5}}",
                        "      - {name: d, vital: mae, detector: {type: cusum, k: 1, lambda: 5, odds_ratio: 2}}",
                        "      - {name: e, vital: accuracy, detector: {type: bernoulli_cusum, shift: 0.05, warmup: 50}}",
                        "      - {name: f, vital: rmse, detector: {type: page_hinkley, delta: 0.3, lambda: 6}}",
                        "      - {name: g, vital: rmse, for: 2, detector: {type: page_hinkley}}"),
                "models[0].rules[0].detector.type: bernoulli_cusum needs a proportion of n trials …",
                "models[0].rules[1].detector: odds_ratio or shift, not both",
                "models[0].rules[1].detector.odds_ratio: must be > 1 (the change is detected both ways)",
                "models[0].rules[1].detector.shift: a proportion in (0, 1)",
                "models[0].rules[2].detector.h: not for page_hinkley (its threshold is lambda)",
                "models[0].rules[2].detector.delta: must be ≥ 0",
                "models[0].rules[2].detector.lambda: must be > 0",
                "models[0].rules[2].detector.alpha: a fading factor in (0, 1]",
                "models[0].rules[3].detector: odds_ratio and shift are for type bernoulli_cusum",
                "models[0].rules[3].detector: delta, lambda and alpha are for type page_hinkley",
                "models[0].rules[6].detector: page_hinkley restarts after an alarm, so it never alarms twice in a row:"
                        + " for must be 1 (keep_firing_for keeps the alert up)");
    }

    /** A test's own reader: the loader's is private, and these fixtures need none of its error handling. */
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private static void assertErrors(String yaml, String... expected) {
        MonitorSpec spec;
        try {
            spec = YAML.readValue(yaml, MonitorSpec.class);
        } catch (Exception e) {
            throw new AssertionError("bad fixture: " + e.getMessage(), e);
        }
        SpecDefaults.apply(spec);
        List<String> errors = SpecValidator.validate(spec);
        String all = String.join("\n", errors);
        assertEquals(expected.length, errors.size(), all);
        for (int i = 0; i < expected.length; i++) {
            String e = expected[i];
            if (e.endsWith("…")) {
                String prefix = e.substring(0, e.length() - 1);
                assertTrue(errors.get(i).startsWith(prefix), "error " + i + ": expected '" + e + "' in:\n" + all);
            } else {
                assertEquals(e, errors.get(i), "error " + i + " in:\n" + all);
            }
        }
    }
}
