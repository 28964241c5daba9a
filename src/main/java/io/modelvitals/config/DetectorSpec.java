package io.modelvitals.config;

import java.io.Serializable;
import java.util.Locale;
import java.util.Set;

/**
 * Change detection on a vital's series instead of a threshold (docs/alerts.md, docs/detection.md). Every detector
 * learns its in-control reference over the first {@code warmup} evaluated windows and then holds it until it is reset
 * (a new version is a new alert key; a changed detector, or the alert key forgotten after alert_stale_after).
 *
 * <ul>
 *   <li>{@code cusum}: two-sided tabular CUSUM on z = (x − μ̂) / σ̂; an alarm while a sum exceeds {@code h}.
 *   <li>{@code bernoulli_cusum}: for proportion vitals, the log-likelihood-ratio CUSUM of the window's x successes in n
 *       trials, p0 → p1, with p0 pooled over the warm-up and p1 given by {@code odds_ratio} or an absolute {@code
 *       shift}.
 *   <li>{@code page_hinkley}: Page-Hinkley on the standardized value against its running mean (slack {@code delta},
 *       threshold {@code lambda}, fading factor {@code alpha}); it restarts after each alarm.
 * </ul>
 *
 * Unset parameters take the defaults below, chosen by the seeded simulations of DetectionBenchmark so that a clean
 * series raises at most one alert per 1,000 windows, estimation error of the warm-up included.
 */
public class DetectorSpec implements Serializable {
    public static final String CUSUM = "cusum";
    public static final String BERNOULLI_CUSUM = "bernoulli_cusum";
    public static final String PAGE_HINKLEY = "page_hinkley";
    public static final Set<String> TYPES = Set.of(CUSUM, BERNOULLI_CUSUM, PAGE_HINKLEY);

    public static final double DEFAULT_K = 0.75;
    public static final double DEFAULT_CUSUM_H = 8.0;
    public static final double DEFAULT_BERNOULLI_H = 9.0;
    public static final double DEFAULT_ODDS_RATIO = 1.5;
    public static final double DEFAULT_PH_DELTA = 0.5;
    public static final double DEFAULT_PH_LAMBDA = 8.0;
    public static final double DEFAULT_PH_ALPHA = 1.0;
    public static final int DEFAULT_WARMUP = 30;

    /** cusum, bernoulli_cusum or page_hinkley. */
    public String type = CUSUM;
    /** cusum: slack in standard deviations; shifts smaller than k are absorbed. */
    public Double k;
    /** cusum and bernoulli_cusum: decision threshold (standard deviations; log-likelihood ratio). */
    public Double h;
    /** Evaluated windows used to learn the in-control reference before the detector may alarm. */
    public Integer warmup;
    /** bernoulli_cusum: the change to detect as an odds ratio (up: p0 → odds·R; down: odds / R). */
    public Double oddsRatio;
    /** bernoulli_cusum: or as an absolute change of the proportion (p0 ± shift). */
    public Double shift;
    /** page_hinkley: magnitude of changes allowed, in standard deviations. */
    public Double delta;
    /** page_hinkley: decision threshold, in standard deviations. */
    public Double lambda;
    /** page_hinkley: fading factor of the cumulative sums (1: none, Page's and Hinkley's original). */
    public Double alpha;

    public DetectorSpec() {}

    public double k() {
        return k != null ? k : DEFAULT_K;
    }

    public double h() {
        if (h != null) return h;
        return BERNOULLI_CUSUM.equals(type) ? DEFAULT_BERNOULLI_H : DEFAULT_CUSUM_H;
    }

    public int warmup() {
        return warmup != null ? warmup : DEFAULT_WARMUP;
    }

    public double oddsRatio() {
        return oddsRatio != null ? oddsRatio : DEFAULT_ODDS_RATIO;
    }

    public double delta() {
        return delta != null ? delta : DEFAULT_PH_DELTA;
    }

    public double lambda() {
        return lambda != null ? lambda : DEFAULT_PH_LAMBDA;
    }

    public double alpha() {
        return alpha != null ? alpha : DEFAULT_PH_ALPHA;
    }

    /** The detector's decision threshold, shown as the alert's threshold. */
    public double decisionThreshold() {
        return PAGE_HINKLEY.equals(type) ? lambda() : h();
    }

    /** Type and every effective parameter: when it changes, the detector's state restarts (a new warm-up). */
    public String identity() {
        String t = type == null ? CUSUM : type;
        switch (t) {
            case BERNOULLI_CUSUM:
                return String.format(
                        Locale.ROOT,
                        "%s h=%s warmup=%d %s",
                        t,
                        h(),
                        warmup(),
                        shift != null ? "shift=" + shift : "odds_ratio=" + oddsRatio());
            case PAGE_HINKLEY:
                return String.format(
                        Locale.ROOT,
                        "%s delta=%s lambda=%s alpha=%s warmup=%d",
                        t,
                        delta(),
                        lambda(),
                        alpha(),
                        warmup());
            default:
                return String.format(Locale.ROOT, "%s k=%s h=%s warmup=%d", t, k(), h(), warmup());
        }
    }
}
