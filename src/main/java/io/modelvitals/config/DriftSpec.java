package io.modelvitals.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Output-distribution shift of a model: against which references, from how many samples. */
public class DriftSpec implements Serializable {
    public static final String PREVIOUS = "previous";
    public static final String FIXED = "fixed";
    public static final String CHAMPION = "champion";
    public static final String BASELINE = "baseline";

    /** Which references to compare with: previous, fixed, champion, baseline. */
    public List<String> references;
    /** A statistic is skipped when either side has fewer samples. */
    public Long minSamples;
    /** The champion version; unset: the version with the most predictions in each window. */
    public String champion;
    /** "previous" is the window this many window sizes earlier (1: the adjacent window). */
    public Integer previousWindowsBack;
    /** "fixed" is captured from each version's first this-many windows of traffic. */
    public Integer fixedWindows;
    /** Bin edges of the value histogram; unset: deciles of [0, 1] for scores, else 10 equal bins over the window's range. */
    public List<Double> histogramEdges;

    public Baseline baseline;

    public DriftSpec() {}

    /** The training baseline: class shares, and for numeric outputs bin edges with counts or a sample. */
    public static class Baseline implements Serializable {
        public Map<String, Double> classShares;
        public List<Double> binEdges;
        public List<Long> binCounts;
        public List<Double> sample;
        /** A file with one number per line, read when the spec is loaded (relative to the spec's directory). */
        public String sampleFile;

        public Baseline() {}
    }
}
