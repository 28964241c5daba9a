package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/**
 * One slice's pane (or window) of the estimation stage: the predictions made in it, by prediction time, and the
 * labelled outcomes that arrived in it, by the pane of their prediction's time (a label comes up to a label horizon
 * after its prediction, so outcomes of many earlier prediction panes arrive in one pane).
 */
public class EstimationAccumulator implements Mergeable<EstimationAccumulator> {
    public ScoreBins predictions = new ScoreBins();
    /** Prediction pane start → the outcomes of that pane's predictions that arrived here. */
    public Map<Long, ScoreBins> outcomes = new HashMap<>();

    public EstimationAccumulator() {}

    public ScoreBins outcomesOf(long predictionPane) {
        return outcomes.computeIfAbsent(predictionPane, k -> new ScoreBins());
    }

    @Override
    public EstimationAccumulator merge(EstimationAccumulator other) {
        predictions.merge(other.predictions);
        other.outcomes.forEach((pane, bins) -> outcomes.merge(pane, bins, ScoreBins::merge));
        return this;
    }
}
