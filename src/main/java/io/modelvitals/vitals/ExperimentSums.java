package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/**
 * One challenger against its champion since the experiment began (operator state, a POJO): the KPI sums of both over
 * the same windows, and the running minimum of each KPI's always-valid p-value. A new champion or a new configured
 * start begins a new experiment.
 */
public class ExperimentSums {
    /** The champion these sums compare with. */
    public String champion;
    /** The configured experiment start (epoch ms), or Long.MIN_VALUE: since the challenger started serving. */
    public long since = Long.MIN_VALUE;
    /** The end of the last window added: an overlapping (sliding) window is not added twice. */
    public long lastWindowEnd = Long.MIN_VALUE;
    /** Windows added (looks). */
    public long looks;

    public KpiAccumulator championSums = new KpiAccumulator();
    public KpiAccumulator challengerSums = new KpiAccumulator();
    /** KPI name → the smallest p-value of the looks so far (the always-valid p-value of Johari et al.). */
    public Map<String, Double> minPValues = new HashMap<>();

    public ExperimentSums() {}

    public ExperimentSums(String champion, long since) {
        this.champion = champion;
        this.since = since;
    }
}
