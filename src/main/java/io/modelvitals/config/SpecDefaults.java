package io.modelvitals.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fills in what a parsed spec leaves unset, so that everything downstream sees every field of every model:
 * first the built-in defaults into the spec's {@code defaults}, then {@code defaults} into each declared model.
 * Runs before validation, which therefore checks the values the job will use, defaults included.
 */
final class SpecDefaults {
    private SpecDefaults() {}

    /** Fills in {@code spec} in place. */
    static void apply(MonitorSpec spec) {
        if (spec.job == null) spec.job = new JobSpec();
        if (spec.kafka == null) spec.kafka = new KafkaSpec();
        if (spec.kafka.topics == null) spec.kafka.topics = new KafkaSpec.TopicsSpec();
        if (spec.models == null) spec.models = new ArrayList<>();
        ModelSpec d = spec.defaults == null ? new ModelSpec() : spec.defaults;
        spec.defaults = d;
        builtIn(d);
        for (ModelSpec m : spec.models) {
            inherit(m, d);
            // Its own kpis, goals and discrepancies need their defaults; inherited ones have them already.
            kpis(m);
        }
        List<ModelSpec> all = new ArrayList<>(spec.models);
        all.add(d);
        for (ModelSpec m : all) rules(m.rules);
    }

    /** The defaults of rules, in the spec or in a rule set of the control topic. */
    static void rules(List<RuleSpec> rules) {
        for (RuleSpec r : rules) {
            if (r.minSamples == null) r.minSamples = 100L;
            if (r.forWindows == null) r.forWindows = 1;
            if (r.severity == null) r.severity = "warning";
            if (r.perSegment == null) r.perSegment = false;
        }
    }

    /** The built-in defaults, into the spec's {@code defaults}. */
    private static void builtIn(ModelSpec d) {
        if (d.task == null) d.task = "classification";
        if (d.window == null) d.window = new WindowSpec("1h", null);
        if (d.labelHorizon == null) d.labelHorizon = "7d";
        if (d.lateLabelGrace == null) d.lateLabelGrace = "1d";
        if (d.segments == null) d.segments = new ArrayList<>();
        if (d.segmentValueCap == null) d.segmentValueCap = 100;
        if (d.rules == null) d.rules = new ArrayList<>();
        // The defaults are the spec of every undeclared model, which a rule set addresses as "*".
        if (d.name == null) d.name = "*";
        if (d.drift == null) d.drift = new DriftSpec();
        if (d.attributionWindow == null) d.attributionWindow = "1h";
        if (d.positiveClass == null) d.positiveClass = "1";
        if (d.topK == null) d.topK = 3;
        if (d.calibrationBins == null) d.calibrationBins = 10;
        if (d.kpis == null) d.kpis = new ArrayList<>();
        if (d.discrepancies == null) d.discrepancies = new ArrayList<>();
        if (d.goals == null) d.goals = new ArrayList<>();
        drift(d.drift);
        if (d.estimation != null) estimation(d.estimation);
        kpis(d);
    }

    /**
     * A declared model takes what it leaves unset from the (already filled) defaults, sharing the objects.
     * Not its rules: a model without rules has none, rather than the defaults' rules (meant for undeclared models).
     * The model's own drift block, if any, gets the built-in drift defaults.
     */
    private static void inherit(ModelSpec m, ModelSpec d) {
        if (m.task == null) m.task = d.task;
        if (m.window == null) m.window = d.window;
        if (m.labelHorizon == null) m.labelHorizon = d.labelHorizon;
        if (m.lateLabelGrace == null) m.lateLabelGrace = d.lateLabelGrace;
        if (m.segments == null) m.segments = d.segments;
        if (m.segmentValueCap == null) m.segmentValueCap = d.segmentValueCap;
        if (m.alertStaleAfter == null) m.alertStaleAfter = d.alertStaleAfter;
        if (m.rules == null) m.rules = new ArrayList<>();
        // A model's own drift block replaces the defaults' whole (its fields are not merged with theirs),
        // so it takes the built-in drift defaults itself.
        if (m.drift == null) m.drift = d.drift;
        else drift(m.drift);
        if (m.estimation == null) m.estimation = d.estimation;
        else estimation(m.estimation);
        if (m.champion == null) m.champion = d.champion;
        if (m.absence == null) m.absence = d.absence;
        if (m.trafficSplit == null) m.trafficSplit = d.trafficSplit;
        if (m.attributionWindow == null) m.attributionWindow = d.attributionWindow;
        if (m.qualityTimeline == null) m.qualityTimeline = d.qualityTimeline;
        if (m.positiveClass == null) m.positiveClass = d.positiveClass;
        if (m.topK == null) m.topK = d.topK;
        if (m.calibrationBins == null) m.calibrationBins = d.calibrationBins;
        if (m.kpis == null) m.kpis = d.kpis;
        if (m.discrepancies == null) m.discrepancies = d.discrepancies;
        if (m.goals == null) m.goals = d.goals;
        if (m.optimizationMetric == null) m.optimizationMetric = d.optimizationMetric;
        if (m.generatorUrl == null) m.generatorUrl = d.generatorUrl;
        if (d.labels != null) {
            java.util.Map<String, String> labels = new java.util.TreeMap<>(d.labels);
            if (m.labels != null) labels.putAll(m.labels);
            m.labels = labels;
        }
    }

    /** The defaults of a model's kpis, goals and discrepancies; empty (null) items are left for validation. */
    private static void kpis(ModelSpec m) {
        for (KpiSpec k : m.kpis) {
            if (k == null) continue;
            for (KpiTerm t : Arrays.asList(k.numerator, k.denominator)) {
                if (t != null && t.measure == null) t.measure = KpiTerm.COUNT;
            }
        }
        for (GoalSpec g : m.goals) {
            if (g == null) continue;
            if (g.minSamples == null) g.minSamples = 100L;
            if (g.forWindows == null) g.forWindows = 1;
            if (g.severity == null) g.severity = "warning";
        }
        for (DiscrepancySpec d : m.discrepancies) {
            if (d == null) continue;
            if (d.windows == null) d.windows = 6;
            if (d.alpha == null) d.alpha = 0.05;
        }
    }

    private static void drift(DriftSpec d) {
        if (d.references == null) {
            // The baseline is a reference only when one is given: by default every other reference is.
            d.references = new ArrayList<>(List.of(DriftSpec.PREVIOUS, DriftSpec.FIXED, DriftSpec.CHAMPION));
            if (d.baseline != null) d.references.add(DriftSpec.BASELINE);
        }
        if (d.minSamples == null) d.minSamples = 100L;
        if (d.previousWindowsBack == null) d.previousWindowsBack = 1;
        if (d.fixedWindows == null) d.fixedWindows = 6;
    }

    /** Estimation is off unless a model (or the defaults) has the block; a block takes these defaults. */
    private static void estimation(EstimationSpec e) {
        if (e.score == null) e.score = EstimationSpec.POSITIVE_PROBABILITY;
        if (e.negativeClass == null) e.negativeClass = "0";
        if (e.bins == null) e.bins = 20;
        if (e.minSamples == null) e.minSamples = 100L;
        if (e.calibration == null) e.calibration = new EstimationSpec.Calibration();
        EstimationSpec.Calibration c = e.calibration;
        if (c.source == null) c.source = c.file != null ? EstimationSpec.BASELINE : EstimationSpec.FIXED;
        if (c.windows == null) c.windows = 3;
        if (c.minLabels == null) c.minLabels = 500L;
        if (c.refresh == null) c.refresh = EstimationSpec.NEVER;
    }
}
