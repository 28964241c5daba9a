package io.modelvitals.config;

import java.io.Serializable;

/**
 * A business KPI: a ratio of two filtered event aggregates, per version, segment and window
 * (take-rate = count(play with value ≥ 30) / count(impression)). Every accepted prediction of the
 * model is also an event, of the reserved type {@code prediction}, so a KPI can be per prediction
 * (revenue per prediction = sum(purchase) / count(prediction)).
 */
public class KpiSpec implements Serializable {
    public String name;
    public KpiTerm numerator;
    public KpiTerm denominator;

    public KpiSpec() {}

    /** A proportion when both terms count events: it then has a Wilson interval and a two-proportion test. */
    public boolean proportion() {
        return !numerator.sum() && !denominator.sum();
    }
}
