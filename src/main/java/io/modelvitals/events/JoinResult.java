package io.modelvitals.events;

import java.util.List;
import java.util.Map;

/**
 * What the prediction–label join emits: a joined pair, the end of a prediction's label horizon (for
 * label coverage), or a label that came too late or twice. Carries the prediction's attributes so that
 * every later stage can key and slice it without another lookup.
 */
public class JoinResult implements PaneRecord {
    public static final String PAIR = "pair";
    public static final String EXPIRED = "expired";
    public static final String LATE_LABEL = "late_label";
    public static final String DUPLICATE_LABEL = "duplicate_label";

    public String kind;
    /** The event time at which this result counts: a pair at the later of its two times, an expiry at horizon end. */
    public long ts;

    public String predictionId;
    public String model;
    public String version;
    public Map<String, String> segment;
    /** Set by the segment slicer: the slices this result counts in, "all" first, then "key=value" ones. */
    public List<String> slices;

    public String predictedLabel;
    public Double predictedValue;
    /** The prediction's positive-class probability (binary classifiers). */
    public Double predictedScore;
    /** The prediction's probability per class (multi-class classifiers). */
    public Map<String, Double> predictedScores;

    public String actualLabel;
    public Double actualValue;
    public long predictionTs;
    public long labelTs;
    /** For EXPIRED: whether a label was joined within the horizon. */
    public boolean labeled;
    /** The input it comes from (the label; for EXPIRED the prediction), for a dead letter if it comes too late. */
    public Origin origin;

    public JoinResult() {}

    /** A field-by-field copy (kept beside the fields, so a new one is copied too); the slices list is shared. */
    public JoinResult copy() {
        JoinResult c = new JoinResult();
        c.kind = kind;
        c.ts = ts;
        c.predictionId = predictionId;
        c.model = model;
        c.version = version;
        c.segment = segment;
        c.slices = slices;
        c.predictedLabel = predictedLabel;
        c.predictedValue = predictedValue;
        c.predictedScore = predictedScore;
        c.predictedScores = predictedScores;
        c.actualLabel = actualLabel;
        c.actualValue = actualValue;
        c.predictionTs = predictionTs;
        c.labelTs = labelTs;
        c.labeled = labeled;
        c.origin = origin;
        return c;
    }

    public long labelDelayMs() {
        return Math.max(0L, labelTs - predictionTs);
    }

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
