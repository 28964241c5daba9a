package io.modelvitals.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The monitor spec: which models to watch, how, and the rules that raise alerts. Loaded and validated
 * by {@link SpecLoader}; after loading every model has all its fields (defaults applied).
 */
public class MonitorSpec implements Serializable {
    public JobSpec job = new JobSpec();
    public KafkaSpec kafka = new KafkaSpec();
    public ModelSpec defaults = new ModelSpec();
    public List<ModelSpec> models = new ArrayList<>();

    public MonitorSpec() {}

    /** The model's spec, or the defaults (named after the model) for an undeclared one; null if those are off. */
    public ModelSpec model(String name) {
        for (ModelSpec m : models) {
            if (m.name.equals(name)) return m;
        }
        return job.monitorUndeclaredModels ? defaults : null;
    }

    /** The model's spec, or the defaults: for state restored after its model left the spec. */
    public ModelSpec modelOrDefaults(String name) {
        ModelSpec m = model(name);
        return m != null ? m : defaults;
    }

    /** Whether the model is declared in {@code models} (rather than monitored with the defaults). */
    public boolean declares(String name) {
        for (ModelSpec m : models) {
            if (m.name.equals(name)) return true;
        }
        return false;
    }

    /** The model specs that can be in force: the declared models, and the defaults when undeclared models are monitored. */
    public List<ModelSpec> monitored() {
        if (!job.monitorUndeclaredModels) return models;
        List<ModelSpec> all = new ArrayList<>(models);
        all.add(defaults);
        return all;
    }

    private boolean any(Predicate<ModelSpec> feature) {
        for (ModelSpec m : monitored()) if (feature.test(m)) return true;
        return false;
    }

    /** Whether any monitored model declares business KPIs. */
    public boolean hasKpis() {
        return any(m -> m.kpis != null && !m.kpis.isEmpty());
    }

    /** Whether any monitored model watches the absence of its predictions or labels. */
    public boolean hasAbsence() {
        return any(m -> m.absence != null);
    }

    /** Whether any monitored model declares acceptability goals or an optimization metric. */
    public boolean hasGoals() {
        return any(m -> m.goals != null && (!m.goals.isEmpty() || m.optimizationMetric != null));
    }

    /** Whether any monitored model watches a model-vs-business discrepancy. */
    public boolean hasDiscrepancies() {
        return any(m -> m.discrepancies != null && !m.discrepancies.isEmpty());
    }

    /**
     * Whether quality by prediction time (the cohort view) is needed: a model's rules watch it, or a discrepancy
     * compares it with the KPIs (which are by prediction time). Built only then: it is a second quality pipeline.
     */
    public boolean hasCohortQuality() {
        return any(m -> ModelSpec.PREDICTION_TIMELINE.equals(m.qualityTimeline)
                || (m.discrepancies != null && !m.discrepancies.isEmpty()));
    }

    /** A label that arrives before its prediction waits this long, the longest label horizon. */
    public long maxLabelHorizonMs() {
        // The defaults' horizon counts only when they monitor undeclared models.
        long max = job.monitorUndeclaredModels || models.isEmpty() ? defaults.labelHorizonMs() : 0;
        for (ModelSpec m : models) max = Math.max(max, m.labelHorizonMs());
        return max;
    }
}
