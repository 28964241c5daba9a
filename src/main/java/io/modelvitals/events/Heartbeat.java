package io.modelvitals.events;

/** "Model (version) was active up to event time ts" on one stream (predictions or labels), at most once a second per subtask. */
public class Heartbeat {
    public static final String PREDICTIONS = io.modelvitals.config.AbsenceSpec.PREDICTIONS;
    public static final String LABELS = io.modelvitals.config.AbsenceSpec.LABELS;

    public String model;
    /** A version, or "all" for the model as a whole. */
    public String version;

    public String stream;
    /** The latest event time seen. */
    public long ts;

    public Heartbeat() {}

    public String key() {
        return Keys.of(model, version, stream);
    }
}
