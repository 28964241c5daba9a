package io.modelvitals.config;

import java.io.Serializable;
import java.time.Instant;

/**
 * The champion-against-challenger experiment of a model, for the cumulative comparison (docs/business-kpis.md): since
 * when to sum, what change the always-valid test is tuned to, and the level of its confidence sequence.
 */
public class ExperimentSpec implements Serializable {
    /** Default tuning: a 10% relative change of the KPI is found about as fast as the mixture allows. */
    public static final double DEFAULT_EFFECT = 0.1;
    /** Default level of the confidence sequence: 5% over the whole experiment, however many windows are looked at. */
    public static final double DEFAULT_ALPHA = 0.05;

    /**
     * Default minimum of predictions per version before the first look: below it the delta method's normal
     * approximation and the plug-in variance are not to be trusted (a challenger with 2 predictions and 0 plays had a
     * variance of 0 and p = 0.00). Measured in docs/business-kpis.md.
     */
    public static final long DEFAULT_MIN_SAMPLES = 100;

    static final ExperimentSpec DEFAULTS = new ExperimentSpec();

    /** ISO-8601 instant: windows starting before it are not summed; a new value resets the sums. Unset: since serving. */
    public String start;
    /** The relative change of the KPI the test is tuned to: the mixing standard deviation τ = effect × champion KPI. */
    public Double effect;
    /** The confidence sequence's level (its ci_lower / ci_upper cover the true difference at every window w.p. 1 − α). */
    public Double alpha;

    /** Predictions each version needs since the start before the first look (min_samples). */
    public Long minSamples;

    public ExperimentSpec() {}

    public long minSamples() {
        return minSamples == null ? DEFAULT_MIN_SAMPLES : minSamples;
    }

    /** The start in epoch ms, or Long.MIN_VALUE when unset. */
    public long startMs() {
        return start == null ? Long.MIN_VALUE : Instant.parse(start).toEpochMilli();
    }

    public double effect() {
        return effect == null ? DEFAULT_EFFECT : effect;
    }

    public double alpha() {
        return alpha == null ? DEFAULT_ALPHA : alpha;
    }
}
