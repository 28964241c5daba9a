package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/** The versions' prediction counts since the experiment began, for the cumulative sample-ratio check (state, a POJO). */
public class ExperimentTraffic {
    /** The configured experiment start (epoch ms), or Long.MIN_VALUE; a new one resets the counts. */
    public long since = Long.MIN_VALUE;
    /** The end of the last window counted: an overlapping (sliding) window is not counted twice. */
    public long lastWindowEnd = Long.MIN_VALUE;

    public Map<String, Long> predictions = new HashMap<>();

    public ExperimentTraffic() {}
}
