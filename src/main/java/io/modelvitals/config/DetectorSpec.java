package io.modelvitals.config;

import java.io.Serializable;

/**
 * Change detection on a vital's series: a two-sided tabular CUSUM on the standardized value. The
 * mean and standard deviation are learned from the first {@code warmup} windows (and then from
 * every window in full control); an alarm when either cumulative sum exceeds {@code h}.
 */
public class DetectorSpec implements Serializable {
    /** cusum (the only detector so far). */
    public String type = "cusum";
    /** Slack, in standard deviations: shifts smaller than this are absorbed. */
    public Double k = 0.5;
    /** Decision threshold, in standard deviations: 5 gives about 1 false alarm in 465 in-control windows at k = 0.5. */
    public Double h = 5.0;
    /** Windows used to learn the in-control mean and deviation before the detector may alarm. */
    public Integer warmup = 10;

    public DetectorSpec() {}
}
