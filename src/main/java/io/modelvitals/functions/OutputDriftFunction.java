package io.modelvitals.functions;

import io.modelvitals.vitals.OutputAccumulator;

/**
 * Savepoint format of the state of {@code output.OutputDriftFunction} (map state "drift-fixed"). Flink writes the class
 * name of POJO state into every savepoint, and this type was nested in an operator of this package
 * until December 2026; it keeps that name so savepoints taken before the restructure still restore
 * (SavepointRestoreITCase). Do not move or rename it; new state types live in their stage's package.
 */
public final class OutputDriftFunction {
    private OutputDriftFunction() {}

    /** A reference captured from a version's first windows of traffic. */
    public static class FixedReference {
        public OutputAccumulator accumulator = new OutputAccumulator();
        public int windows;
        /** The earliest end of the next window to capture: non-overlapping windows only. */
        public long nextWindowEnd;

        public FixedReference() {}
    }
}
