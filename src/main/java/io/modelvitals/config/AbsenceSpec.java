package io.modelvitals.config;

import java.io.Serializable;

/**
 * After how long without predictions, or without labels, a model (and each version) is reported silent.
 * Unset: not watched.
 */
public class AbsenceSpec implements Serializable {
    /** The stream of predictions, as named by a heartbeat. */
    public static final String PREDICTIONS = "predictions";
    /** The stream of labels, as named by a heartbeat. */
    public static final String LABELS = "labels";
    /**
     * At most one heartbeat per (model, version) this often (wall clock) per subtask. Defined here, not with
     * the heartbeats, because validation needs it and config imports no other package: an absence period
     * must span at least two heartbeats, or a model that is merely between heartbeats would be reported silent.
     */
    public static final long HEARTBEAT_INTERVAL_MS = 1_000;

    public String predictions;
    public String labels;

    public AbsenceSpec() {}

    public long afterMs(String stream) {
        String d = PREDICTIONS.equals(stream) ? predictions : labels;
        return d == null ? 0 : Durations.parse(d).toMillis();
    }
}
