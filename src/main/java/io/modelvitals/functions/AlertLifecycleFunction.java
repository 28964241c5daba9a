package io.modelvitals.functions;

import io.modelvitals.events.RuleCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * Savepoint format of the state of {@code alerting.AlertLifecycleFunction} (value state "alert-state"). Flink writes the class
 * name of POJO state into every savepoint, and this type was nested in an operator of this package
 * until December 2026; it keeps that name so savepoints taken before the restructure still restore
 * (SavepointRestoreITCase). Do not move or rename it; new state types live in their stage's package.
 */
public final class AlertLifecycleFunction {
    private AlertLifecycleFunction() {}

    /** Lifecycle state of one alert key. */
    public static class AlertState {
        public int consecutiveBreaches;
        public boolean firing;
        public long startsAt;
        public long lastWindowEnd = Long.MIN_VALUE;
        public long staleTimer;
        /** The last check, to describe the alert when it resolves for lack of data. */
        public RuleCheck last;
        /** End of the last breaching window, for keep_firing_for. */
        public long lastBreachEnd;
        /** When the firing alert was last written, for repeat_interval. */
        public long lastAnnounced;
        /** Values of the last evaluated windows (enough samples), for reference_windows. */
        public List<Double> recent = new ArrayList<>();
        // Change detectors (alerting.ChangeDetectors). Warm-up: count, mean and M2 (Welford) of the values; cusum
        // holds them after the warm-up, page_hinkley goes on updating the mean (its running mean).
        public long detectorN;
        public double detectorMean;
        public double detectorM2;
        /** The two one-sided sums: cusum's and bernoulli_cusum's S⁺ and S⁻, page_hinkley's U and L. */
        public double cusumHigh;

        public double cusumLow;
        /** DetectorSpec.identity() the state was learned under: a different one (or none, before 2026-12) restarts it. */
        public String detectorIdentity;
        /** The standard deviation learned over the warm-up and held (cusum, page_hinkley). */
        public double detectorSd;
        /** bernoulli_cusum warm-up: Σx, Σn and Σx²/n, for p0 and the Pearson dispersion. */
        public double warmupSuccesses;

        public double warmupTrials;
        public double warmupSquares;
        /** bernoulli_cusum: the in-control proportion and the dispersion (≥ 1) learned over the warm-up. */
        public double p0;

        public double dispersion;
        /** page_hinkley: min of U and max of L since the (re)start. */
        public double phMinUp;

        public double phMaxDown;

        public AlertState() {}
    }
}
