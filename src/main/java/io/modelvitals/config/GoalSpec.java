package io.modelvitals.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * An acceptability goal: a condition the model must meet in every window ("error_rate < 0.001",
 * "recall ≥ 0.97 for each of the 5 most frequent classes"). Reported per window as the {@code goal}
 * vital, and a rule of the same name alerts when it is not met.
 */
public class GoalSpec implements Serializable {
    public String name;
    public String vital;
    /** For a per-class vital: one class… */
    @JsonProperty("class")
    public String cls;
    /** …or each of the k classes with the most samples in the window (the goal's value is the worst of them). */
    public Integer topClasses;

    public String op;
    public Double threshold;
    public Long minSamples;

    @JsonProperty("for")
    public Integer forWindows;

    public String severity;

    public GoalSpec() {}

    /** Whether the value meets the goal. */
    public boolean met(double value) {
        switch (op) {
            case "<":
                return value < threshold;
            case "<=":
                return value <= threshold;
            case ">":
                return value > threshold;
            default:
                return value >= threshold;
        }
    }

    /** The rule that fires when the goal is not met: the opposite comparison on the goal's value. */
    public RuleSpec rule() {
        RuleSpec r = new RuleSpec();
        r.name = name;
        r.vital = io.modelvitals.config.Vitals.GOAL;
        r.cls = name;
        r.op = switch (op) {
            case "<" -> ">=";
            case "<=" -> ">";
            case ">" -> "<=";
            default -> "<";
        };
        r.threshold = threshold;
        r.minSamples = minSamples;
        r.forWindows = forWindows;
        r.severity = severity;
        r.perSegment = false;
        return r;
    }
}
