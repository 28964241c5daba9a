package io.modelvitals.events;

import java.util.List;
import java.util.Map;

/**
 * What the estimation stage aggregates: a scored prediction (at its prediction time), or its outcome once its label
 * came (at the join's time of the pair), reduced to its predicted class, score bin and, for an outcome, whether it
 * was a hit.
 */
public class ScoredRecord implements PaneRecord {
    public String model;
    public String version;
    public Map<String, String> segment;
    /** Set by the segment slicer. */
    public List<String> slices;
    /** Where it counts: a prediction's time, or an outcome's arrival (the pair's time). */
    public long ts;

    public long predictionTs;
    public String predictedClass;
    public int bin;
    /** Null for a prediction; for an outcome, whether it was the positive class (or right, for a confidence). */
    public Boolean hit;
    /** {@code score: scores}: the score bin of each class, in the spec's {@code classes} order; else null. */
    public int[] scoreBins;
    /** {@code score: scores}, an outcome: the actual class. */
    public String actualClass;
    /**
     * The input it comes from: the prediction's, or for an outcome the label's (as {@link JoinResult#origin}). A late
     * scored record is dead-lettered by the stage that owns its lateness (docs/robustness.md), which names this origin.
     */
    public Origin origin;

    public ScoredRecord() {}

    @Override
    public String model() {
        return model;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public long time() {
        return ts;
    }
}
