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
    /** KPI name → the smallest p-value of the looks so far, either direction (the always-valid p of Johari et al.). */
    public Map<String, Double> minPValues = new HashMap<>();
    /** KPI name → the smallest p-value of the looks whose difference was below 0 (challenger worse). */
    public Map<String, Double> minPWorse = new HashMap<>();
    /** KPI name → the smallest p-value of the looks whose difference was above 0 (challenger better). */
    public Map<String, Double> minPBetter = new HashMap<>();
    /** KPI name → the mixing variance τ² fixed at the first look, so the mSPRT's mixture does not move with the data. */
    public Map<String, Double> tau2 = new HashMap<>();
    /**
     * KPI name → the predictions of each version whose second moments are in the sums (or which had no event of the
     * KPI): they must equal the predictions, else the variance covers part of the units only and the experiment
     * restarts (sums restored from a build without moments).
     */
    public Map<String, Long> championMomentUnits = new HashMap<>();

    public Map<String, Long> challengerMomentUnits = new HashMap<>();
    /** KPI name → the last look's difference, sequence bounds and units, repeated at windows that add nothing. */
    public Map<String, Double> lastDifference = new HashMap<>();

    public Map<String, Double> lastCiLower = new HashMap<>();
    public Map<String, Double> lastCiUpper = new HashMap<>();
    public Map<String, Long> lastUnits = new HashMap<>();

    public ExperimentSums() {}

    public ExperimentSums(String champion, long since) {
        this.champion = champion;
        this.since = since;
    }
}
