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
        // Tabular CUSUM: in-control mean and M2 (Welford) over non-alarming windows, and the two sums.
        public long detectorN;
        public double detectorMean;
        public double detectorM2;
        public double cusumHigh;
        public double cusumLow;

        public AlertState() {}
    }
}
