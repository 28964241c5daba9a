package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/**
 * The versions' prediction counts since the experiment began, for the cumulative sample-ratio check (state, a POJO).
 * State restored from a build without {@code split} resets once (its split is null), then counts from the first window
 * in which every version served.
 */
public class ExperimentTraffic {
    /** The configured experiment start (epoch ms), or Long.MIN_VALUE; a new one resets the counts. */
    public long since = Long.MIN_VALUE;
    /** The end of the last window counted: an overlapping (sliding) window is not counted twice. */
    public long lastWindowEnd = Long.MIN_VALUE;

    public Map<String, Long> predictions = new HashMap<>();
    /** The traffic_split the counts are checked against; a new split resets them. */
    public Map<String, Double> split;
    /** Whether counting has begun (at experiment.start, else when every version of the split has served). */
    public boolean started;

    public ExperimentTraffic() {}
}
