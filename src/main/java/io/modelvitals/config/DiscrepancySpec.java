package io.modelvitals.config;

import java.io.Serializable;

/**
 * Watches a model-quality vital and a business KPI of each version for opposite stories: the KPI falls
 * significantly while the quality vital is shown to hold within {@code margin}, compared with the previous
 * {@code windows} windows. The {@code discrepancy} vital is 1 in such a window, else 0; a rule on it alerts.
 */
public class DiscrepancySpec implements Serializable {
    /** A proportion quality vital: accuracy, or precision / recall with quality_class. */
    public String quality;
    /** The class, for precision or recall. */
    public String qualityClass;
    /** The name of one of the model's proportion KPIs. */
    public String kpi;
    /** How many previous windows form the baseline of both. */
    public Integer windows;
    /** One-sided significance level of the KPI's fall, and of the quality vital's non-inferiority test. */
    public Double alpha;
    /**
     * The non-inferiority margin of the quality vital (absolute, a proportion): quality "held" when it is shown to be
     * no more than this below its baseline (default 0.03, three points of accuracy).
     */
    public Double margin;

    public static final double DEFAULT_MARGIN = 0.03;

    public DiscrepancySpec() {}

    public double margin() {
        return margin == null ? DEFAULT_MARGIN : margin;
    }

    /** The reference of its vital records: the quality vital, with its class if any ("recall:drama"). */
    public String reference() {
        return qualityClass == null ? quality : quality + ":" + qualityClass;
    }
}
