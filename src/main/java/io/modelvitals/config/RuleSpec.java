package io.modelvitals.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/** An acceptability goal: "vital op threshold", held for {@code for} windows with at least min_samples. */
public class RuleSpec implements Serializable {
    public String name;
    public String vital;
    /** The class, for per-class vitals (precision, recall, f1, confusion). */
    @JsonProperty("class")
    public String cls;
    /** For drift vitals: the reference (previous, fixed, champion, baseline). */
    public String reference;
    /** Only this version's vitals ("all": the model as a whole, for absence); unset: every version. */
    public String version;

    public String op;
    public Double threshold;
    public Long minSamples;

    @JsonProperty("for")
    public Integer forWindows;

    public String severity;
    /** Evaluate on every segment slice as well as on the whole population. */
    public Boolean perSegment;
    /** What is compared with the threshold: value (default), relative_change or absolute_change against a reference. */
    public String compare;
    /** The reference of a change: a fixed value (e.g. the accuracy measured at training time)… */
    public Double referenceValue;
    /** …or the mean of this alert's previous K evaluated windows. */
    public Integer referenceWindows;
    /**
     * confidence_interval: a proportion breaches only when its whole 95% interval is past the threshold;
     * significance: a vital that carries a p-value (a KPI difference, PSI/JS against their null level, the drift
     * tests) breaches only when that p-value is below alpha.
     */
    public String gate;
    /** The significance level of {@code gate: significance} (default 0.001: a rule looks at every window). */
    public Double alpha;
    /** Change detection instead of a threshold: the rule fires when the detector alarms. */
    public DetectorSpec detector;
    /** A firing alert resolves only once the condition has been clear for this long (event time). */
    public String keepFiringFor;
    /** A firing alert is written again this often (event time), so a forwarder keeps it alive in Alertmanager. */
    public String repeatInterval;
    /** With per_segment: Benjamini-Hochberg across the segments of a window at this false discovery rate. */
    public Double fdr;
    /** Routing labels of this rule's alerts, added to the model's (a rule's own win). */
    public java.util.Map<String, String> labels;
    /** Annotations of this rule's alerts: runbook_url, dashboard… (summary, description, value, threshold are the job's). */
    public java.util.Map<String, String> annotations;

    public RuleSpec() {}

    public long keepFiringForMs() {
        return keepFiringFor == null ? 0 : Durations.parse(keepFiringFor).toMillis();
    }

    public long repeatIntervalMs() {
        return repeatInterval == null ? 0 : Durations.parse(repeatInterval).toMillis();
    }

    public boolean breached(double value) {
        switch (op) {
            case "<":
                return value < threshold;
            case "<=":
                return value <= threshold;
            case ">":
                return value > threshold;
            case ">=":
                return value >= threshold;
            default:
                throw new IllegalStateException("unvalidated op " + op);
        }
    }
}
