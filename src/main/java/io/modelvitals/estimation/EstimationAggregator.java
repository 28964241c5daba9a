package io.modelvitals.estimation;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.ScoredRecord;
import io.modelvitals.pane.SlicedAggregator;
import io.modelvitals.vitals.EstimationAccumulator;
import io.modelvitals.vitals.ScoreBins;
import io.modelvitals.vitals.SlicedEstimation;

/**
 * First phase of the estimation stage: a prediction counts in its pane's predictions; an outcome in the outcomes of
 * its prediction's pane (one slide of the model's window, by prediction time), inside the pane it arrived in.
 */
public class EstimationAggregator extends SlicedAggregator<ScoredRecord, EstimationAccumulator, SlicedEstimation> {
    private final MonitorSpec spec;

    public EstimationAggregator(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public SlicedEstimation createAccumulator() {
        return new SlicedEstimation();
    }

    @Override
    public EstimationAccumulator newSlice() {
        return new EstimationAccumulator();
    }

    @Override
    public SlicedEstimation add(ScoredRecord r, SlicedEstimation acc) {
        long slide = spec.modelOrDefaults(r.model).windowSlideMs();
        long predictionPane = r.predictionTs - Math.floorMod(r.predictionTs, slide);
        for (String slice : r.slices) {
            EstimationAccumulator a = slice(acc, slice);
            if (r.hit == null) {
                a.predictions.add(r.predictedClass, r.bin);
                if (r.scoreBins != null) a.predictions.addVector(r.predictedClass, r.scoreBins, null);
            } else {
                ScoreBins o = a.outcomesOf(predictionPane);
                o.add(r.predictedClass, r.bin, r.hit);
                if (r.scoreBins != null) o.addVector(r.predictedClass, r.scoreBins, r.actualClass);
            }
        }
        return acc;
    }
}
