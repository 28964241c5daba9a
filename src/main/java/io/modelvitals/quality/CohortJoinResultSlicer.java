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
        JoinResult c = r.copy();
        c.ts = r.predictionTs;
        c.slices = slices;
        return c;
    }
}
