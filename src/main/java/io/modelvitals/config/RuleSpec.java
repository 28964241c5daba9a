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
    public String op;
    public Double threshold;
    public Long minSamples;
    @JsonProperty("for")
    public Integer forWindows;
    public String severity;
    /** Evaluate on every segment slice as well as on the whole population. */
    public Boolean perSegment;

    public RuleSpec() {}

    public boolean breached(double value) {
        switch (op) {
            case "<": return value < threshold;
            case "<=": return value <= threshold;
            case ">": return value > threshold;
            case ">=": return value >= threshold;
            default: throw new IllegalStateException("unvalidated op " + op);
        }
    }
}
