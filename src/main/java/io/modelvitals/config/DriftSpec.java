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
    public static final String EVERY_WINDOW = "window";
    public static final String EVERY_SLIDE = "slide";

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

    /**
     * How often the drift of sliding windows is computed: "window" (unset), once per window size, at the windows that
     * start on a multiple of it (the tumbling windows among the sliding ones); "slide", at every window. Tested at
     * every slide, overlapping windows meet the same noise again and again: at 10 slides per window class_drift raised
     * 1.7 and 4.3 false alerts per 1,000 window sizes (n 300 and 60) where once per window size raised 0.0 and 0.3,
     * found shifts about half a window size later, and missed small ones in small windows (docs/drift.md, "Sliding
     * windows"). Tumbling windows: the same either way.
     */
    public String every;

    /**
     * The significance level of class_drift and value_drift; unset: 0.0005, for at most one false alert per 1,000
     * clean windows (0.001 measured 1.3–1.6 for class_drift at 60–300 samples: docs/drift.md).
     */
    public Double alpha;
    /**
     * Up to this many samples on the smaller side, class_drift and value_drift are tests (chi-square, KS);
     * above, distances (Jensen-Shannon, normalized Wasserstein) that must also be beyond noise. Unset: 1000,
     * Evidently's switch.
     */
    public Long testMaxSamples;
    /** Jensen-Shannon distance (base 2) above which classes drifted, for large samples; unset: 0.12. */
    public Double jsThreshold;
    /** Wasserstein-1 over the reference's standard deviation above which values drifted; unset: 0.1. */
    public Double wassersteinThreshold;

    public DriftSpec() {}

    public static final double DEFAULT_ALPHA = 0.0005;
    public static final long DEFAULT_TEST_MAX_SAMPLES = 1000;
    /** Evidently's 0.1 is on SciPy's Jensen-Shannon distance with natural logs; in base 2 it is 0.1 / √ln2. */
    public static final double DEFAULT_JS_THRESHOLD = 0.12;

    public static final double DEFAULT_WASSERSTEIN_THRESHOLD = 0.1;

    /** Whether every window is compared, not only those on the window-size grid ({@link #every}). */
    public boolean everySlide() {
        return EVERY_SLIDE.equals(every);
    }

    /** How often the drift vitals of a window arrive: the slide, or the window size (by {@link #every}). */
    public long cadenceMs(long size, long slide) {
        return everySlide() ? slide : size;
    }

    public double alpha() {
        return alpha != null ? alpha : DEFAULT_ALPHA;
    }

    public long testMaxSamples() {
        return testMaxSamples != null ? testMaxSamples : DEFAULT_TEST_MAX_SAMPLES;
    }

    public double jsThreshold() {
        return jsThreshold != null ? jsThreshold : DEFAULT_JS_THRESHOLD;
    }

    public double wassersteinThreshold() {
        return wassersteinThreshold != null ? wassersteinThreshold : DEFAULT_WASSERSTEIN_THRESHOLD;
    }

    /** The problems of the drift-test options, each prefixed with {@code at}. */
    public List<String> problems(String at) {
        List<String> out = new java.util.ArrayList<>();
        if (every != null && !EVERY_WINDOW.equals(every) && !EVERY_SLIDE.equals(every))
            out.add(at + ".every: window or slide");
        if (alpha != null && !(alpha > 0 && alpha < 1)) out.add(at + ".alpha: a significance level in (0, 1)");
        if (testMaxSamples != null && testMaxSamples < 0) out.add(at + ".test_max_samples: must be ≥ 0");
        if (jsThreshold != null && !(jsThreshold > 0 && jsThreshold <= 1)) out.add(at + ".js_threshold: in (0, 1]");
        if (wassersteinThreshold != null && !(wassersteinThreshold > 0 && Double.isFinite(wassersteinThreshold)))
            out.add(at + ".wasserstein_threshold: a positive number");
        return out;
    }

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
