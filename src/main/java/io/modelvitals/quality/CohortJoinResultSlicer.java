package io.modelvitals.quality;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.JoinResult;
import java.util.List;

/**
 * Slices join results by segment for quality by the prediction's time: each result is copied and stamped with its
 * prediction's time, so a label counts in the window its prediction was made in (the cohort), however late it came.
 * A copy, not the result itself: with object reuse the label-time slicer and the other stages get the same object.
 */
public class CohortJoinResultSlicer extends JoinResultSlicer {
    public CohortJoinResultSlicer(MonitorSpec spec) {
        super(spec);
    }

    @Override
    protected JoinResult withSlices(JoinResult r, List<String> slices) {
        JoinResult c = new JoinResult();
        c.kind = r.kind;
        c.ts = r.predictionTs;
        c.predictionId = r.predictionId;
        c.model = r.model;
        c.version = r.version;
        c.segment = r.segment;
        c.slices = slices;
        c.predictedLabel = r.predictedLabel;
        c.predictedValue = r.predictedValue;
        c.predictedScore = r.predictedScore;
        c.predictedScores = r.predictedScores;
        c.actualLabel = r.actualLabel;
        c.actualValue = r.actualValue;
        c.predictionTs = r.predictionTs;
        c.labelTs = r.labelTs;
        c.labeled = r.labeled;
        c.origin = r.origin;
        return c;
    }
}
