package io.modelvitals.config;

import java.io.Serializable;

/** After how long without predictions, or without labels, a model (and each version) is reported silent. Unset: not watched. */
public class AbsenceSpec implements Serializable {
    public String predictions;
    public String labels;

    public AbsenceSpec() {}

    public long afterMs(String stream) {
        String d = io.modelvitals.events.Heartbeat.PREDICTIONS.equals(stream) ? predictions : labels;
        return d == null ? 0 : Durations.parse(d).toMillis();
    }
}
