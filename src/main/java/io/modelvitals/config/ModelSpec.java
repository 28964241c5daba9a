package io.modelvitals.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** How one model is monitored. Unset fields take the spec's {@code defaults}. */
public class ModelSpec implements Serializable {
    public String name;
    /** classification or regression. */
    public String task;

    public WindowSpec window;
    public String labelHorizon;
    public String lateLabelGrace;
    public List<String> segments;
    public Integer segmentValueCap;
    public String alertStaleAfter;
    /** Binary classifiers: the class whose probability `score` is ("1" by default). */
    public String positiveClass;
    /** Multi-class classifiers with `scores`: k of top-k accuracy (3 by default). */
    public Integer topK;
    /** Equal-width bins of the expected calibration error (10 by default). */
    public Integer calibrationBins;

    public DriftSpec drift;
    /** Confidence-based performance estimation from scores, before labels (off unless set). */
    public EstimationSpec estimation;
    /** Silence detection: after how long without predictions / labels. */
    public AbsenceSpec absence;
    /** The champion version: challengers' KPIs (and, unless drift names its own, outputs) are compared with it. */
    public String champion;
    /** The configured traffic split by version (shares), for the sample-ratio-mismatch check. */
    public java.util.Map<String, Double> trafficSplit;
    /** A business event counts for a prediction up to this long after it. */
    public String attributionWindow;
    /** The cumulative champion-against-challenger experiment: start, tuning and level (defaults when unset). */
    public ExperimentSpec experiment;

    public List<KpiSpec> kpis;
    /** The one metric the model is optimised for (reported as optimization_metric). */
    public String optimizationMetric;

    public List<GoalSpec> goals;
    public List<DiscrepancySpec> discrepancies;
    /**
     * Which quality vitals this model's rules and goals watch: "label" (default: pairs at the label's time, the
     * earliest signal) or "prediction" (the cohort of predictions made in the window, final once its label horizon
     * and grace have passed). Both are emitted when the prediction-time view is built; see docs/business-kpis.md.
     */
    public String qualityTimeline;

    public List<RuleSpec> rules = new ArrayList<>();
    /** Routing labels on every alert of this model (team, env, owner…); a model's own add to and override the defaults'. */
    public java.util.Map<String, String> labels;
    /**
     * The alerts' link back (Alertmanager's generatorURL), a template: {model}, {version}, {segment}, {vital} and
     * {alertname} are replaced, URL-encoded. E.g. a Grafana dashboard with the model as a variable.
     */
    public String generatorUrl;

    public ModelSpec() {}

    // Parsed once per task: the window assigner and the join ask for these on every record.
    private transient long windowSizeMs;
    private transient long windowSlideMs;
    private transient long labelHorizonMs;
    private transient long lateLabelGraceMs;
    private transient long attributionWindowMs;

    public long windowSizeMs() {
        if (windowSizeMs <= 0) windowSizeMs = Durations.parse(window.size).toMillis();
        return windowSizeMs;
    }

    public long windowSlideMs() {
        if (windowSlideMs <= 0)
            windowSlideMs = Durations.parse(window.slide == null ? window.size : window.slide)
                    .toMillis();
        return windowSlideMs;
    }

    public long labelHorizonMs() {
        if (labelHorizonMs <= 0) labelHorizonMs = Durations.parse(labelHorizon).toMillis();
        return labelHorizonMs;
    }

    public long lateLabelGraceMs() {
        if (lateLabelGraceMs <= 0)
            lateLabelGraceMs = Durations.parse(lateLabelGrace).toMillis();
        return lateLabelGraceMs;
    }

    public long attributionWindowMs() {
        if (attributionWindowMs <= 0)
            attributionWindowMs = Durations.parse(attributionWindow).toMillis();
        return attributionWindowMs;
    }

    public static final String LABEL_TIMELINE = "label";
    public static final String PREDICTION_TIMELINE = "prediction";

    /**
     * Whether this model's rules and goals watch a vital of that timeline: null (not a quality vital) always, else
     * the quality view the model chose.
     */
    public boolean watchesTimeline(String timeline) {
        if (timeline == null) return true;
        return timeline.equals(qualityTimeline == null ? LABEL_TIMELINE : qualityTimeline);
    }

    /**
     * How long after a window's end its prediction-time quality is final: labels count up to the label horizon after
     * their prediction, late labels up to the grace after that.
     */
    /** How long after a window's end its KPI vitals come: the attribution window, when the model has KPIs. */
    public long kpiDelayMs() {
        return kpis.isEmpty() ? 0 : attributionWindowMs();
    }

    public long cohortQualityDelayMs() {
        long h = labelHorizonMs(), g = lateLabelGraceMs();
        return h > Long.MAX_VALUE - g ? Long.MAX_VALUE : h + g;
    }

    private transient List<RuleSpec> goalRules;

    /** The rules the goals imply (one per goal, firing when it is not met); they stay when a rule set replaces the rules. */
    public List<RuleSpec> goalRules() {
        if (goalRules == null) {
            List<RuleSpec> rules = new ArrayList<>();
            if (goals != null) for (GoalSpec g : goals) if (g != null) rules.add(g.rule());
            goalRules = rules;
        }
        return goalRules;
    }

    public GoalSpec goal(String name) {
        if (goals != null) for (GoalSpec g : goals) if (g != null && name.equals(g.name)) return g;
        return null;
    }

    /** The experiment block, or its defaults when the model has none. */
    public ExperimentSpec experiment() {
        return experiment == null ? ExperimentSpec.DEFAULTS : experiment;
    }

    public KpiSpec kpi(String name) {
        for (KpiSpec k : kpis) if (k != null && name.equals(k.name)) return k;
        return null;
    }

    /** A copy with other rules (a rule set from the control topic is validated against it). */
    public ModelSpec withRules(String name, List<RuleSpec> rules) {
        ModelSpec m = new ModelSpec();
        m.name = name;
        m.task = task;
        m.window = window;
        m.labelHorizon = labelHorizon;
        m.lateLabelGrace = lateLabelGrace;
        m.segments = segments;
        m.segmentValueCap = segmentValueCap;
        m.alertStaleAfter = alertStaleAfter;
        m.positiveClass = positiveClass;
        m.topK = topK;
        m.calibrationBins = calibrationBins;
        m.drift = drift;
        m.estimation = estimation;
        m.absence = absence;
        m.champion = champion;
        m.trafficSplit = trafficSplit;
        m.attributionWindow = attributionWindow;
        m.experiment = experiment;
        m.kpis = kpis;
        m.optimizationMetric = optimizationMetric;
        m.goals = goals;
        m.discrepancies = discrepancies;
        m.qualityTimeline = qualityTimeline;
        m.rules = rules;
        return m;
    }

    /** An alert key with no new window for this long is forgotten; a firing alert resolves then. */
    public long alertStaleAfterMs() {
        return alertStaleAfter != null ? Durations.parse(alertStaleAfter).toMillis() : 10 * windowSlideMs();
    }

    /**
     * When an alert whose checks come every {@code cadenceMs} is stale: after alert_stale_after, and never before two of
     * its checks are missed (drift compared once per window size and change detectors read one window per size).
     */
    public long alertStaleAfterMs(long cadenceMs) {
        return Math.max(alertStaleAfterMs(), 2 * cadenceMs);
    }

    /** Whether the window ending at {@code windowEnd} starts on a multiple of the window size (every tumbling one). */
    public boolean onWindowGrid(long windowEnd) {
        return Math.floorMod(windowEnd, windowSizeMs()) == 0;
    }
}
