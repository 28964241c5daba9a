package io.modelvitals.events;

/** One rule evaluated against one vital record: the input of the alert lifecycle. */
public class RuleCheck {
    public String rule;
    public String model;
    public String version;
    public String segment;
    public String vital;
    public String cls;
    public String reference;
    public String severity;
    public String op;
    public double threshold;
    public int forWindows;
    public double value;
    public long n;
    /** False when the sample count is below the rule's minimum: such a window neither fires nor resolves. */
    public boolean sufficient;
    /** For threshold rules (compare: value): the threshold is breached, through the gate if any. */
    public boolean breached;
    /** The vital's 95% interval, when it has one. */
    public Double ciLower;

    public Double ciUpper;
    /** One-sided p-value that the true value is on the safe side of the threshold (proportions only), for FDR control. */
    public Double pValue;
    /** The whole rule, for the conditions the lifecycle evaluates with history (changes, detectors, keep-firing). */
    public io.modelvitals.config.RuleSpec spec;
    /** The alert's routing labels (the model's, then the rule's) and its link back; null when the spec sets none. */
    public java.util.Map<String, String> labels;

    public String generatorUrl;
    public long windowStart;
    public long windowEnd;
    /** How long after its last window an alert key is forgotten (a firing alert resolves then). */
    public long staleAfterMs;

    public RuleCheck() {}

    /** The identity of an alert: one lifecycle per rule and key. */
    public String alertKey() {
        return Keys.of(
                rule, model, version, segment, vital, cls == null ? "" : cls, reference == null ? "" : reference);
    }
}
