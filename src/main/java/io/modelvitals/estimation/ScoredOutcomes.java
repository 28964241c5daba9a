package io.modelvitals.estimation;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.ScoredRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Labelled pairs, at the join's time of the pair, with whether each was a hit. */
public final class ScoredOutcomes implements FlatMapFunction<JoinResult, ScoredRecord> {
    private final MonitorSpec spec;

    public ScoredOutcomes(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void flatMap(JoinResult j, Collector<ScoredRecord> out) {
        if (!JoinResult.PAIR.equals(j.kind) || j.actualLabel == null) return;
        ModelSpec m = spec.model(j.model);
        if (m == null || m.estimation == null) return;
        ScoredRecord r = ScoredPredictions.scored(m, j.predictedLabel, j.predictedScore, j.predictedScores);
        if (r == null) return;
        r.model = j.model;
        r.version = j.version;
        r.segment = j.segment;
        r.ts = j.ts;
        r.predictionTs = j.predictionTs;
        r.origin = j.origin;
        if (ScoredPredictions.vector(m)) {
            // An actual class outside the spec's list has no column in the confusion: not estimated.
            if (!m.estimation.classes.contains(j.actualLabel)) return;
            r.actualClass = j.actualLabel;
        }
        r.hit = ScoredPredictions.binary(m)
                ? j.actualLabel.equals(m.positiveClass)
                : j.actualLabel.equals(r.predictedClass);
        out.collect(r);
    }
}
