package io.modelvitals.functions;

/**
 * Savepoint format of the state of {@code operational.AbsenceDetector} (value state "activity"). Flink writes the class
 * name of POJO state into every savepoint, and this type was nested in an operator of this package
 * until December 2026; it keeps that name so savepoints taken before the restructure still restore
 * (SavepointRestoreITCase). Do not move or rename it; new state types live in their stage's package.
 */
public final class AbsenceDetector {
    private AbsenceDetector() {}

    /** The activity and silence of one key. */
    public static class Activity {
        public String model;
        public String version;
        public String stream;
        public long lastEventTs = Long.MIN_VALUE;
        public long lastWallMs;
        public boolean silent;
        public long lastReportedEnd = Long.MIN_VALUE;
        public long processingTimer;
        public long eventTimer;

        public Activity() {}
    }
}
