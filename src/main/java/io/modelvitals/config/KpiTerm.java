package io.modelvitals.config;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One side of a KPI: which event types, an optional condition on their value, counted or summed. */
public class KpiTerm implements Serializable {
    public static final String COUNT = "count";
    public static final String SUM = "sum";
    private static final Pattern CONDITION = Pattern.compile("\\s*value\\s*(>=|<=|==|!=|>|<)\\s*(\\S+)\\s*");

    /** Event types this term selects ("prediction" is every accepted prediction of the model). */
    public List<String> events;
    /** An optional condition on the event's value, e.g. "value >= 30"; an event without a value fails it. */
    public String where;
    /** count (default) or sum (of the selected events' values). */
    public String measure;

    public KpiTerm() {}

    // Parsed once per task.
    private transient String op;
    private transient double threshold;

    public boolean sum() {
        return SUM.equals(measure);
    }

    /** How much this event adds to the term: 1 or its value if selected, else 0. */
    public double contribution(String type, Double value) {
        if (!events.contains(type) || !passes(value)) return 0;
        if (!sum()) return 1;
        return value == null ? 0 : value;
    }

    boolean passes(Double value) {
        if (where == null) return true;
        if (op == null) parse();
        if (value == null) return false;
        double v = value;
        switch (op) {
            case ">=":
                return v >= threshold;
            case "<=":
                return v <= threshold;
            case ">":
                return v > threshold;
            case "<":
                return v < threshold;
            case "==":
                return v == threshold;
            default:
                return v != threshold;
        }
    }

    /** Validates and caches the condition; throws IllegalArgumentException with what is wrong. */
    void parse() {
        Matcher m = CONDITION.matcher(where);
        if (!m.matches())
            throw new IllegalArgumentException(
                    "'" + where + "' is not of the form 'value <op> <number>' (op: >=, >, <=, <, ==, !=)");
        double t;
        try {
            t = Double.parseDouble(m.group(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + m.group(2) + "' is not a number");
        }
        if (!Double.isFinite(t)) throw new IllegalArgumentException("the threshold must be finite");
        threshold = t;
        op = m.group(1);
    }
}
