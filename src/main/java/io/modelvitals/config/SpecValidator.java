package io.modelvitals.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a spec whose defaults are filled in, collecting every error rather than stopping at the first, so
 * that one run of the loader lists all that is wrong. Each error starts with the path of the field at fault
 * in the spec ({@code models[0].rules[2].op: ...}); the errors come in the order of the fields checked.
 */
final class SpecValidator {
    private static final Set<String> OPS = Set.of("<", "<=", ">", ">=");
    private static final Set<String> TASKS = Set.of("classification", "regression");
    private static final Set<String> START_FROM = Set.of("earliest", "latest", "committed");
    private static final Set<String> STATE_BACKENDS = Set.of("hashmap", "rocksdb");
    private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical", "page");
    private static final Set<String> COMPARES = Set.of("value", "relative_change", "absolute_change");
    /** The vitals with a confidence interval: a rule on them can be gated on it. */
    private static final Set<String> WITH_INTERVAL = Set.of(
            Vitals.ACCURACY,
            Vitals.PRECISION,
            Vitals.RECALL,
            Vitals.LABEL_COVERAGE,
            Vitals.CLASS_SHARE,
            Vitals.KPI,
            Vitals.KPI_DIFFERENCE,
            Vitals.KPI_CUMULATIVE_DIFFERENCE,
            Vitals.ERROR_RATE,
            Vitals.TOP_K_ACCURACY);
    /** The vitals that are x successes of n trials (the record's n): what a bernoulli_cusum can watch. */
    private static final Set<String> BERNOULLI_VITALS = Set.of(
            Vitals.ACCURACY,
            Vitals.PRECISION,
            Vitals.RECALL,
            Vitals.TOP_K_ACCURACY,
            Vitals.LABEL_COVERAGE,
            Vitals.CLASS_SHARE,
            Vitals.ERROR_RATE,
            Vitals.KPI);
    /** The quality vitals a discrepancy can watch: proportions, whose fall can be tested like the KPI's. */
    private static final Set<String> DISCREPANCY_QUALITY = Set.of(Vitals.ACCURACY, Vitals.PRECISION, Vitals.RECALL);

    private static final Set<String> REFERENCES =
            Set.of(DriftSpec.PREVIOUS, DriftSpec.FIXED, DriftSpec.CHAMPION, DriftSpec.BASELINE);

    private SpecValidator() {}

    /** All that is wrong with the spec; empty if it is valid. */
    static List<String> validate(MonitorSpec spec) {
        List<String> errors = new ArrayList<>();
        duration(errors, "job.max_out_of_orderness", spec.job.maxOutOfOrderness);
        duration(errors, "job.idleness", spec.job.idleness);
        duration(errors, "job.checkpoint_interval", spec.job.checkpointInterval);
        duration(errors, "job.max_future_skew", spec.job.maxFutureSkew);
        if (spec.job.maxRecordBytes < 64) errors.add("job.max_record_bytes: at least 64");
        if (spec.job.stateBackend != null && !STATE_BACKENDS.contains(spec.job.stateBackend)) {
            errors.add("job.state_backend: hashmap or rocksdb");
        }
        if (!JobSpec.EXACTLY_ONCE.equals(spec.job.alertDelivery)
                && !JobSpec.AT_LEAST_ONCE.equals(spec.job.alertDelivery))
            errors.add("job.alert_delivery: exactly_once or at_least_once");
        if (!START_FROM.contains(spec.kafka.startFrom)) errors.add("kafka.start_from: must be one of " + START_FROM);
        validateModel(errors, "defaults", spec.defaults);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.models.size(); i++) {
            ModelSpec m = spec.models.get(i);
            String at = "models[" + i + "]";
            if (m.name == null || m.name.isBlank()) errors.add(at + ".name: required");
            else if (!names.add(m.name)) errors.add(at + ".name: model '" + m.name + "' is declared twice");
            validateModel(errors, at, m);
        }
        return errors;
    }

    /**
     * Adds what is wrong with one model to {@code errors}, each error prefixed with {@code at}. Also checks
     * a rule set of the control topic, as the model with those rules.
     */
    static void validateModel(List<String> errors, String at, ModelSpec m) {
        validateRouting(errors, at, m.labels, null, m.generatorUrl);
        if (!TASKS.contains(m.task)) errors.add(at + ".task: must be one of " + TASKS + ", not '" + m.task + "'");
        if (m.window.size == null) errors.add(at + ".window.size: required");
        boolean sizeOk = duration(errors, at + ".window.size", m.window.size);
        boolean slideOk = m.window.slide == null || duration(errors, at + ".window.slide", m.window.slide);
        if (sizeOk && slideOk) {
            long size = m.windowSizeMs(), slide = m.windowSlideMs();
            if (size <= 0 || slide <= 0) errors.add(at + ".window: size and slide must be > 0");
            else if (size % slide != 0) errors.add(at + ".window: size must be a multiple of slide");
        }
        duration(errors, at + ".label_horizon", m.labelHorizon);
        duration(errors, at + ".late_label_grace", m.lateLabelGrace);
        if (m.qualityTimeline != null
                && !m.qualityTimeline.equals(ModelSpec.LABEL_TIMELINE)
                && !m.qualityTimeline.equals(ModelSpec.PREDICTION_TIMELINE))
            errors.add(at + ".quality_timeline: must be 'label' or 'prediction', not '" + m.qualityTimeline + "'");
        if (m.alertStaleAfter != null
                && duration(errors, at + ".alert_stale_after", m.alertStaleAfter)
                && sizeOk
                && slideOk
                && m.alertStaleAfterMs() < 2 * m.windowSlideMs()) {
            // Shorter, and a firing alert would resolve for lack of data between two of its own windows.
            errors.add(at + ".alert_stale_after: must be at least two window slides");
        }
        if (m.segmentValueCap < 1) errors.add(at + ".segment_value_cap: must be ≥ 1");
        if (m.topK < 1) errors.add(at + ".top_k: must be ≥ 1");
        if (m.calibrationBins < 1 || m.calibrationBins > 1000) errors.add(at + ".calibration_bins: between 1 and 1000");
        validateDrift(errors, at + ".drift", m.drift);
        if (m.estimation != null) validateEstimation(errors, at + ".estimation", m);
        validateKpis(errors, at, m);
        validateGoals(errors, at, m);
        if (m.absence != null) {
            validateAbsence(errors, at + ".absence.predictions", m.absence.predictions);
            validateAbsence(errors, at + ".absence.labels", m.absence.labels);
        }
        Set<String> ruleNames = new HashSet<>();
        for (int j = 0; j < m.rules.size(); j++) {
            RuleSpec r = m.rules.get(j);
            String rat = at + ".rules[" + j + "]";
            if (r.name == null || r.name.isBlank()) errors.add(rat + ".name: required");
            else if (!ruleNames.add(r.name)) errors.add(rat + ".name: rule '" + r.name + "' is declared twice");
            validateRule(errors, rat, m, r);
        }
    }

    /** An absence period, if set: a duration spanning at least two heartbeats (see the heartbeat interval). */
    private static void validateAbsence(List<String> errors, String at, String after) {
        if (after != null
                && duration(errors, at, after)
                && Durations.parse(after).toMillis() < 2 * AbsenceSpec.HEARTBEAT_INTERVAL_MS) {
            errors.add(at + ": at least 2s");
        }
    }

    /** One rule of the model, apart from its name (unique among the model's rules, checked by the caller). */
    private static void validateRule(List<String> errors, String rat, ModelSpec m, RuleSpec r) {
        validateRouting(errors, rat, r.labels, r.annotations, null);
        if (r.vital == null) {
            errors.add(rat + ".vital: required");
        } else if (!Vitals.ALL.contains(r.vital)) {
            errors.add(rat + ".vital: unknown vital '" + r.vital + "'; known: " + new TreeSet<>(Vitals.ALL));
        } else if (Vitals.BY_KPI.contains(r.vital)) {
            validateKpiRule(errors, rat, m, r);
        } else if (Vitals.GOAL.equals(r.vital) && (r.cls == null || m.goal(r.cls) == null)) {
            errors.add(rat + ".class: the name of one of the model's goals");
        } else if (Vitals.PER_CLASS.contains(r.vital) && r.cls == null) {
            errors.add(rat + ".class: required for the per-class vital " + r.vital);
        } else if (Vitals.DRIFT.contains(r.vital) && r.reference == null) {
            errors.add(rat + ".reference: required for the drift vital " + r.vital + ": one of " + m.drift.references);
        } else if (r.reference != null && !m.drift.references.contains(r.reference)) {
            errors.add(rat + ".reference: '" + r.reference + "' is not among this model's drift.references "
                    + m.drift.references);
        }
        if (r.vital != null && !Vitals.BY_KPI.contains(r.vital) && !Vitals.GOAL.equals(r.vital)) {
            if (r.cls != null && !Vitals.PER_CLASS.contains(r.vital) && !Vitals.SEGMENT_OVERFLOW.equals(r.vital)) {
                errors.add(rat + ".class: " + r.vital + " is not a per-class vital");
            }
            if (r.reference != null && !Vitals.DRIFT.contains(r.vital)) {
                errors.add(rat + ".reference: " + r.vital + " is not a drift vital");
            }
        }
        if ((Vitals.SAMPLE_RATIO_P_VALUE.equals(r.vital) || Vitals.SAMPLE_RATIO_CUMULATIVE_P_VALUE.equals(r.vital))
                && (m.trafficSplit == null || m.trafficSplit.isEmpty() || m.kpis.isEmpty())) {
            errors.add(rat + ".vital: " + r.vital + " needs the model's traffic_split and kpis"
                    + " (the KPI pipeline counts the traffic)");
        }
        // The cumulative comparison tests ratios of sums too (delta method), once the sums carry their moments.
        if ("significance".equals(r.gate)
                && !Vitals.KPI_CUMULATIVE_DIFFERENCE.equals(r.vital)
                && r.cls != null
                && m.kpi(r.cls) != null
                && m.kpi(r.cls).numerator != null
                && m.kpi(r.cls).denominator != null
                && !m.kpi(r.cls).proportion()) {
            errors.add(rat + ".gate: '" + r.cls + "' is a ratio of sums: no two-proportion test,"
                    + " so significance can never pass");
        }
        if (r.detector == null && (r.op == null || !OPS.contains(r.op))) {
            errors.add(rat + ".op: must be one of " + OPS);
        }
        if (r.detector == null && (r.threshold == null || !Double.isFinite(r.threshold))) {
            errors.add(rat + ".threshold: a finite number is required");
        }
        if (r.minSamples < 1) errors.add(rat + ".min_samples: must be ≥ 1");
        validateConditions(errors, rat, r);
        if (r.forWindows < 1) errors.add(rat + ".for: must be ≥ 1 window");
        if (!SEVERITIES.contains(r.severity)) errors.add(rat + ".severity: must be one of " + SEVERITIES);
    }

    /** A rule on a KPI vital names the KPI in {@code class}; only a comparison has a reference (champion). */
    private static void validateKpiRule(List<String> errors, String rat, ModelSpec m, RuleSpec r) {
        if (r.cls == null) {
            errors.add(rat + ".class: required for " + r.vital + ": the name of one of the model's kpis");
            return;
        }
        if (m.kpi(r.cls) == null) errors.add(rat + ".class: '" + r.cls + "' is not one of this model's kpis");
        if (r.vital.equals(Vitals.DISCREPANCY)) {
            if (m.discrepancies.stream().noneMatch(d -> d != null && r.cls.equals(d.kpi))) {
                errors.add(rat + ".class: no discrepancy watches the kpi '" + r.cls + "'");
            }
            if (r.reference != null
                    && m.discrepancies.stream()
                            .noneMatch(d -> d != null && r.cls.equals(d.kpi) && r.reference.equals(d.reference()))) {
                errors.add(
                        rat + ".reference: no discrepancy compares the kpi '" + r.cls + "' with '" + r.reference + "'");
            }
        } else if (r.reference != null && !(r.reference.equals(DriftSpec.CHAMPION) && !r.vital.equals(Vitals.KPI))) {
            errors.add(rat + ".reference: " + r.vital + " has "
                    + (r.vital.equals(Vitals.KPI) ? "no reference" : "only the reference champion"));
        }
    }

    /** Goals watch vitals of windows: per-class ones by class or top classes, the others as they are. */
    private static void validateGoals(List<String> errors, String at, ModelSpec m) {
        String metric = m.optimizationMetric;
        if (metric != null
                && (!Vitals.ALL.contains(metric)
                        || Vitals.PER_CLASS.contains(metric)
                        || Vitals.BY_KPI.contains(metric)
                        || Vitals.WITHOUT_SAMPLES.contains(metric)
                        || Vitals.DRIFT.contains(metric)
                        || Vitals.SEGMENT_OVERFLOW.equals(metric))) {
            errors.add(at + ".optimization_metric: '" + metric
                    + "' is not a vital of the whole window (e.g. macro_f1, roc_auc, rmse)");
        }
        // A goal is also a rule of the same name, so goal names must differ from the rules' and each other's.
        Set<String> names = new HashSet<>();
        for (RuleSpec r : m.rules) if (r != null && r.name != null) names.add(r.name);
        for (int i = 0; i < m.goals.size(); i++) {
            GoalSpec g = m.goals.get(i);
            String gat = at + ".goals[" + i + "]";
            if (g == null) {
                errors.add(gat + ": empty");
                continue;
            }
            if (g.name == null || g.name.isBlank()) {
                errors.add(gat + ".name: required");
            } else if (!names.add(g.name)) {
                errors.add(gat + ".name: '" + g.name + "' is already the name of a rule or goal (a goal is a rule)");
            }
            if (g.vital == null
                    || !Vitals.ALL.contains(g.vital)
                    || Vitals.WITHOUT_SAMPLES.contains(g.vital)
                    || Vitals.BY_KPI.contains(g.vital)
                    || Vitals.GOAL.equals(g.vital)
                    || Vitals.DRIFT.contains(g.vital)
                    || Vitals.SEGMENT_OVERFLOW.equals(g.vital)
                    || Vitals.SAMPLE_RATIO_P_VALUE.equals(g.vital)) {
                errors.add(gat + ".vital: a vital of each window, not '" + g.vital + "'");
            } else if (Vitals.PER_CLASS.contains(g.vital)) {
                if ((g.cls == null) == (g.topClasses == null)) {
                    errors.add(gat + ": a per-class vital needs exactly one of class or top_classes");
                }
            } else if (g.cls != null || g.topClasses != null) {
                errors.add(gat + ": " + g.vital + " is not per class: no class or top_classes");
            }
            if (g.topClasses != null && g.topClasses < 1) errors.add(gat + ".top_classes: must be ≥ 1");
            if (g.op == null || !OPS.contains(g.op)) errors.add(gat + ".op: must be one of " + OPS);
            if (g.threshold == null || !Double.isFinite(g.threshold)) {
                errors.add(gat + ".threshold: a finite number is required");
            }
            if (g.minSamples < 1) errors.add(gat + ".min_samples: must be ≥ 1");
            if (g.forWindows < 1) errors.add(gat + ".for: must be ≥ 1 window");
            if (!SEVERITIES.contains(g.severity)) errors.add(gat + ".severity: must be one of " + SEVERITIES);
        }
    }

    /** The business side of a model: attribution, traffic split, KPIs and discrepancies. */
    private static void validateKpis(List<String> errors, String at, ModelSpec m) {
        boolean windowOk = duration(errors, at + ".attribution_window", m.attributionWindow);
        if (windowOk && m.attributionWindowMs() <= 0) errors.add(at + ".attribution_window: must be > 0");
        if (m.trafficSplit != null) {
            if (m.trafficSplit.size() < 2) errors.add(at + ".traffic_split: needs at least two versions");
            m.trafficSplit.forEach((v, share) -> {
                if (share == null || !(share > 0) || !Double.isFinite(share)) {
                    errors.add(at + ".traffic_split." + v + ": a share > 0");
                }
            });
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < m.kpis.size(); i++) {
            KpiSpec k = m.kpis.get(i);
            String kat = at + ".kpis[" + i + "]";
            if (k == null) {
                errors.add(kat + ": empty");
                continue;
            }
            if (k.name == null || k.name.isBlank()) errors.add(kat + ".name: required");
            else if (!names.add(k.name)) errors.add(kat + ".name: kpi '" + k.name + "' is declared twice");
            validateTerm(errors, kat + ".numerator", k.numerator);
            validateTerm(errors, kat + ".denominator", k.denominator);
        }
        for (int i = 0; i < m.discrepancies.size(); i++) {
            DiscrepancySpec d = m.discrepancies.get(i);
            String dat = at + ".discrepancies[" + i + "]";
            if (d == null) {
                errors.add(dat + ": empty");
                continue;
            }
            if (d.quality == null || !DISCREPANCY_QUALITY.contains(d.quality)) {
                errors.add(dat + ".quality: one of " + new TreeSet<>(DISCREPANCY_QUALITY));
            } else if (!d.quality.equals(Vitals.ACCURACY) && d.qualityClass == null) {
                errors.add(dat + ".quality_class: required for " + d.quality);
            } else if (d.quality.equals(Vitals.ACCURACY) && d.qualityClass != null) {
                errors.add(dat + ".quality_class: accuracy is not per class");
            }
            KpiSpec k = d.kpi == null ? null : m.kpi(d.kpi);
            if (k == null) {
                errors.add(dat + ".kpi: the name of one of this model's kpis");
            } else if (k.numerator != null && k.denominator != null && !k.proportion()) {
                errors.add(dat + ".kpi: '" + d.kpi + "' is not a proportion (both terms must count)");
            }
            if (d.windows < 1) errors.add(dat + ".windows: must be ≥ 1");
            if (!(d.alpha > 0 && d.alpha < 1)) errors.add(dat + ".alpha: a significance level in (0, 1)");
            if (d.margin != null && !(d.margin > 0 && d.margin < 1)) {
                errors.add(dat + ".margin: a non-inferiority margin in (0, 1) (a fall of the quality proportion)");
            }
        }
        if (m.experiment != null) validateExperiment(errors, at + ".experiment", m.experiment);
    }

    /** The cumulative comparison's experiment: an ISO instant, a relative effect > 0, a level in (0, 1). */
    private static void validateExperiment(List<String> errors, String at, ExperimentSpec e) {
        if (e.start != null) {
            try {
                java.time.Instant.parse(e.start);
            } catch (java.time.format.DateTimeParseException x) {
                errors.add(at + ".start: an ISO-8601 instant such as 2026-11-02T09:00:00Z");
            }
        }
        if (e.effect != null && !(e.effect > 0 && Double.isFinite(e.effect))) {
            errors.add(at + ".effect: a relative change > 0 (0.1: the test is tuned to a 10% change)");
        }
        if (e.alpha != null && !(e.alpha > 0 && e.alpha < 1)) errors.add(at + ".alpha: a level in (0, 1)");
        if (e.minSamples != null && e.minSamples < 2) {
            errors.add(at + ".min_samples: predictions per version before the first look, at least 2");
        }
    }

    private static void validateTerm(List<String> errors, String at, KpiTerm t) {
        if (t == null) {
            errors.add(at + ": required");
            return;
        }
        if (t.events == null || t.events.isEmpty() || t.events.stream().anyMatch(e -> e == null || e.isBlank())) {
            errors.add(at + ".events: a list of event types (prediction: the model's predictions)");
        }
        if (!KpiTerm.COUNT.equals(t.measure) && !KpiTerm.SUM.equals(t.measure)) {
            errors.add(at + ".measure: count or sum");
        }
        if (t.where != null) {
            try {
                t.parse();
            } catch (IllegalArgumentException e) {
                errors.add(at + ".where: " + e.getMessage());
            }
        }
    }

    /** How a rule's value is judged: compare, gate, detector, and the timing and FDR of its alerts. */
    private static void validateConditions(List<String> errors, String rat, RuleSpec r) {
        String compare = r.compare == null ? "value" : r.compare;
        if (!COMPARES.contains(compare)) errors.add(rat + ".compare: must be one of " + new TreeSet<>(COMPARES));
        if (!compare.equals("value") && (r.referenceValue == null) == (r.referenceWindows == null)) {
            errors.add(rat + ": compare: " + compare + " needs exactly one of reference_value or reference_windows");
        }
        if (compare.equals("value") && (r.referenceValue != null || r.referenceWindows != null)) {
            errors.add(rat + ": reference_value and reference_windows need compare:"
                    + " relative_change or absolute_change");
        }
        if (r.referenceWindows != null && r.referenceWindows < 1) errors.add(rat + ".reference_windows: must be ≥ 1");
        if (r.gate != null) {
            if (r.gate.equals("confidence_interval")) {
                if (r.vital != null && !WITH_INTERVAL.contains(r.vital)) {
                    errors.add(rat + ".gate: " + r.vital + " has no confidence interval; gated vitals: "
                            + new TreeSet<>(WITH_INTERVAL));
                }
            } else if (r.gate.equals("significance")) {
                if (r.vital != null && !Vitals.WITH_P_VALUE.contains(r.vital)) {
                    errors.add(rat + ".gate: " + r.vital + " has no p-value; vitals with one: "
                            + new TreeSet<>(Vitals.WITH_P_VALUE));
                }
            } else {
                errors.add(rat + ".gate: one of confidence_interval, significance");
            }
            if (!compare.equals("value")) errors.add(rat + ".gate: only for compare: value");
        }
        if (r.alpha != null && !(r.alpha > 0 && r.alpha < 1)) {
            errors.add(rat + ".alpha: a significance level in (0, 1)");
        }
        if (r.alpha != null && !"significance".equals(r.gate)) errors.add(rat + ".alpha: only with gate: significance");
        if (r.detector != null) {
            DetectorSpec d = r.detector;
            validateDetector(errors, rat + ".detector", d, r.vital, r.forWindows);
            if (!compare.equals("value") || r.gate != null) {
                errors.add(rat + ".detector: replaces the threshold; no compare or gate with it");
            }
        } else if (r.op == null || r.threshold == null) {
            return; // reported by the caller
        }
        if (r.keepFiringFor != null) duration(errors, rat + ".keep_firing_for", r.keepFiringFor);
        if (r.repeatInterval != null) duration(errors, rat + ".repeat_interval", r.repeatInterval);
        if (r.fdr != null) {
            if (!(r.fdr > 0 && r.fdr < 1)) errors.add(rat + ".fdr: a false discovery rate in (0, 1)");
            if (!Boolean.TRUE.equals(r.perSegment)) {
                errors.add(rat + ".fdr: controls the rate across segments: needs per_segment: true");
            }
            // The one-sided p-value FDR needs is the proportion's own against the threshold (not a difference's test).
            if (r.vital != null
                    && (!WITH_INTERVAL.contains(r.vital)
                            || r.vital.equals(Vitals.KPI_DIFFERENCE)
                            || r.vital.equals(Vitals.KPI_CUMULATIVE_DIFFERENCE))) {
                errors.add(rat + ".fdr: needs a proportion vital " + new TreeSet<>(WITH_INTERVAL)
                        + " other than kpi_difference and kpi_cumulative_difference");
            }
            if (!compare.equals("value") || r.detector != null) {
                errors.add(rat + ".fdr: only for threshold rules (compare: value)");
            }
        }
    }

    /** A detector's type and the parameters of that type (DetectorSpec). */
    private static void validateDetector(
            List<String> errors, String dat, DetectorSpec d, String vital, Integer forWindows) {
        boolean known = d.type != null && DetectorSpec.TYPES.contains(d.type);
        if (!known) errors.add(dat + ".type: one of " + new TreeSet<>(DetectorSpec.TYPES));
        if (d.k != null && !(d.k >= 0 && Double.isFinite(d.k))) errors.add(dat + ".k: must be ≥ 0");
        if (d.h != null && !(d.h > 0 && Double.isFinite(d.h))) errors.add(dat + ".h: must be > 0");
        if (d.warmup != null && d.warmup < 2) errors.add(dat + ".warmup: must be ≥ 2 windows");
        if (!known) return;
        boolean cusum = d.type.equals(DetectorSpec.CUSUM);
        boolean bernoulli = d.type.equals(DetectorSpec.BERNOULLI_CUSUM);
        boolean ph = d.type.equals(DetectorSpec.PAGE_HINKLEY);
        if (d.k != null && !cusum) errors.add(dat + ".k: only for type cusum");
        if (d.h != null && ph) errors.add(dat + ".h: not for page_hinkley (its threshold is lambda)");
        if ((d.oddsRatio != null || d.shift != null) && !bernoulli) {
            errors.add(dat + ": odds_ratio and shift are for type bernoulli_cusum");
        }
        if ((d.delta != null || d.lambda != null || d.alpha != null) && !ph) {
            errors.add(dat + ": delta, lambda and alpha are for type page_hinkley");
        }
        if (bernoulli) {
            if (d.oddsRatio != null && d.shift != null) errors.add(dat + ": odds_ratio or shift, not both");
            if (d.oddsRatio != null && !(d.oddsRatio > 1 && Double.isFinite(d.oddsRatio))) {
                errors.add(dat + ".odds_ratio: must be > 1 (the change is detected both ways)");
            }
            if (d.shift != null && !(d.shift > 0 && d.shift < 1)) errors.add(dat + ".shift: a proportion in (0, 1)");
            if (vital != null && !BERNOULLI_VITALS.contains(vital)) {
                errors.add(dat + ".type: bernoulli_cusum needs a proportion of n trials "
                        + new TreeSet<>(BERNOULLI_VITALS) + "; use cusum or page_hinkley for " + vital);
            }
        }
        if (ph) {
            if (d.delta != null && !(d.delta >= 0 && Double.isFinite(d.delta))) errors.add(dat + ".delta: must be ≥ 0");
            if (d.lambda != null && !(d.lambda > 0 && Double.isFinite(d.lambda))) {
                errors.add(dat + ".lambda: must be > 0");
            }
            if (d.alpha != null && !(d.alpha > 0 && d.alpha <= 1))
                errors.add(dat + ".alpha: a fading factor in (0, 1]");
            if (forWindows != null && forWindows > 1) {
                errors.add(
                        dat + ": page_hinkley restarts after an alarm, so it never alarms twice in a row: for must be"
                                + " 1 (keep_firing_for keeps the alert up)");
            }
        }
    }

    private static void validateEstimation(List<String> errors, String at, ModelSpec m) {
        EstimationSpec e = m.estimation;
        if (!"classification".equals(m.task)) errors.add(at + ": only for classification models");
        if (!Set.of(EstimationSpec.POSITIVE_PROBABILITY, EstimationSpec.CONFIDENCE, EstimationSpec.SCORES)
                .contains(e.score)) {
            errors.add(at + ".score: positive_probability, confidence or scores, not '" + e.score + "'");
        }
        if (EstimationSpec.SCORES.equals(e.score)) {
            // The vector's classes in a fixed order: the calibrations, the window state and the confusion follow it.
            if (e.classes == null || e.classes.size() < 2 || e.classes.size() > EstimationSpec.MAX_CLASSES) {
                errors.add(at + ".classes: score: scores needs the classes of the model's `scores` vector (2 to "
                        + EstimationSpec.MAX_CLASSES + "), e.g. classes: [cat, dog, bird]");
            } else if (new HashSet<>(e.classes).size() != e.classes.size() || e.classes.contains(null)) {
                errors.add(at + ".classes: each class once");
            }
        } else if (e.classes != null) {
            errors.add(at + ".classes: only with score: scores");
        }
        if (EstimationSpec.POSITIVE_PROBABILITY.equals(e.score) && e.negativeClass.equals(m.positiveClass)) {
            errors.add(at + ".negative_class: must differ from positive_class '" + m.positiveClass + "'");
        }
        if (e.bins < 2 || e.bins > 1000) errors.add(at + ".bins: between 2 and 1000");
        if (e.minSamples < 1) errors.add(at + ".min_samples: must be ≥ 1");
        EstimationSpec.Calibration c = e.calibration;
        String cat = at + ".calibration";
        if (EstimationSpec.FIXED.equals(c.source)) {
            if (c.windows < 1) errors.add(cat + ".windows: must be ≥ 1");
            if (c.minLabels < 1) errors.add(cat + ".min_labels: must be ≥ 1");
            if (c.file != null) errors.add(cat + ".file: only with source: baseline");
        } else if (EstimationSpec.BASELINE.equals(c.source)) {
            if (c.file == null && c.baselineCounts == null) errors.add(cat + ".file: required with source: baseline");
        } else {
            errors.add(cat + ".source: fixed or baseline, not '" + c.source + "'");
        }
        if (!EstimationSpec.NEVER.equals(c.refresh)) {
            errors.add(cat + ".refresh: only 'never' (each new version learns its own calibration)");
        }
    }

    private static void validateDrift(List<String> errors, String at, DriftSpec d) {
        for (String r : d.references) {
            if (!REFERENCES.contains(r)) {
                errors.add(at + ".references: unknown reference '" + r + "'; known: " + new TreeSet<>(REFERENCES));
            }
        }
        if (d.references.contains(DriftSpec.BASELINE) && d.baseline == null) {
            errors.add(at + ".baseline: required when references include baseline");
        }
        if (d.minSamples < 1) errors.add(at + ".min_samples: must be ≥ 1");
        if (d.previousWindowsBack < 1) errors.add(at + ".previous_windows_back: must be ≥ 1");
        if (d.fixedWindows < 1) errors.add(at + ".fixed_windows: must be ≥ 1");
        errors.addAll(d.problems(at));
        if (d.histogramEdges != null) increasing(errors, at + ".histogram_edges", d.histogramEdges);
        if (d.baseline != null) validateBaseline(errors, at + ".baseline", d.baseline);
    }

    /** A baseline is class shares, or a histogram (bin edges with counts) or a sample: not both of the latter. */
    private static void validateBaseline(List<String> errors, String bat, DriftSpec.Baseline b) {
        if (b.classShares == null && b.binEdges == null && b.sample == null && b.sampleFile == null) {
            errors.add(bat + ": give class_shares, bin_edges with bin_counts, sample or sample_file");
        }
        if (b.classShares != null) {
            double sum = 0;
            for (Map.Entry<String, Double> e : b.classShares.entrySet()) {
                if (e.getValue() == null || !(e.getValue() >= 0)) {
                    errors.add(bat + ".class_shares." + e.getKey() + ": must be ≥ 0");
                } else {
                    sum += e.getValue();
                }
            }
            if (!(sum > 0)) errors.add(bat + ".class_shares: must not all be 0");
        }
        if ((b.binEdges == null) != (b.binCounts == null)) errors.add(bat + ": bin_edges and bin_counts go together");
        if (b.binEdges != null && b.binCounts != null) {
            increasing(errors, bat + ".bin_edges", b.binEdges);
            if (b.binCounts.size() != b.binEdges.size() - 1) {
                errors.add(bat + ".bin_counts: needs one count per bin (" + (b.binEdges.size() - 1) + ")");
            }
            if (b.binCounts.stream().anyMatch(c -> c == null || c < 0)
                    || b.binCounts.stream().mapToLong(c -> c == null ? 0 : c).sum() == 0) {
                errors.add(bat + ".bin_counts: counts must be ≥ 0 and not all 0");
            }
        }
        if ((b.binEdges != null ? 1 : 0) + (b.sample != null || b.sampleFile != null ? 1 : 0) > 1) {
            errors.add(bat + ": give either bin_edges with bin_counts or a sample, not both");
        }
        if (b.sample != null
                && (b.sample.isEmpty() || b.sample.stream().anyMatch(v -> v == null || !Double.isFinite(v)))) {
            errors.add(bat + ".sample: must be a non-empty list of finite numbers");
        }
    }

    private static void increasing(List<String> errors, String at, List<Double> edges) {
        if (edges.size() < 2) {
            errors.add(at + ": needs at least two edges");
            return;
        }
        for (int i = 1; i < edges.size(); i++) {
            if (edges.get(i) == null || edges.get(i - 1) == null || !(edges.get(i) > edges.get(i - 1))) {
                errors.add(at + ": must be finite and strictly increasing");
                return;
            }
        }
    }

    /** Whether {@code value} is set and a duration; adds the error if it is set but not one. */
    private static boolean duration(List<String> errors, String at, String value) {
        if (value == null) return false;
        try {
            Durations.parse(value);
            return true;
        } catch (IllegalArgumentException e) {
            errors.add(at + ": " + e.getMessage());
            return false;
        }
    }

    /** Labels the job sets itself: the identity of an alert. A spec adds routing labels beside them. */
    static final Set<String> RESERVED_LABELS =
            Set.of("alertname", "model", "version", "segment", "vital", "severity", "class", "reference");
    /** Annotations the job writes itself. */
    static final Set<String> RESERVED_ANNOTATIONS = Set.of("summary", "description", "value", "threshold");

    /** Prometheus label names: letters, digits and underscores, not starting with a digit, not "__"-prefixed. */
    private static boolean labelName(String name) {
        return name != null && name.matches("[a-zA-Z_][a-zA-Z0-9_]*") && !name.startsWith("__");
    }

    private static void validateRouting(
            List<String> errors,
            String at,
            Map<String, String> labels,
            Map<String, String> annotations,
            String generatorUrl) {
        if (labels != null) {
            for (Map.Entry<String, String> l : new TreeMap<>(labels).entrySet()) {
                if (!labelName(l.getKey())) {
                    errors.add(at + ".labels." + l.getKey() + ": not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");
                } else if (RESERVED_LABELS.contains(l.getKey())) {
                    errors.add(at + ".labels." + l.getKey() + ": set by the job itself; reserved: "
                            + new TreeSet<>(RESERVED_LABELS));
                } else if (l.getValue() == null || l.getValue().isEmpty()) {
                    errors.add(at + ".labels." + l.getKey() + ": empty (Alertmanager drops a label with no value)");
                }
            }
        }
        if (annotations != null) {
            for (Map.Entry<String, String> a : new TreeMap<>(annotations).entrySet()) {
                if (!labelName(a.getKey())) {
                    errors.add(at + ".annotations." + a.getKey() + ": not a valid name ([a-zA-Z_][a-zA-Z0-9_]*)");
                } else if (RESERVED_ANNOTATIONS.contains(a.getKey())) {
                    errors.add(at + ".annotations." + a.getKey() + ": written by the job itself; reserved: "
                            + new TreeSet<>(RESERVED_ANNOTATIONS));
                }
            }
        }
        if (generatorUrl != null && !generatorUrl.startsWith("http://") && !generatorUrl.startsWith("https://")) {
            errors.add(
                    at + ".generator_url: must be an http:// or https:// URL (a template), not '" + generatorUrl + "'");
        }
    }
}
