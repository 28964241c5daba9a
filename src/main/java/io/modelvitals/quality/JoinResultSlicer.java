package io.modelvitals.quality;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.JoinResult;
import io.modelvitals.pane.SegmentSlicer;
import java.util.List;
import java.util.Map;

/** Slices join results by segment, for the quality vitals. */
public class JoinResultSlicer extends SegmentSlicer<JoinResult, JoinResult> {
    public JoinResultSlicer(MonitorSpec spec) {
        super(spec);
    }

    @Override
    protected String model(JoinResult r) {
        return r.model;
    }

    @Override
    protected Map<String, String> segment(JoinResult r) {
        return r.segment;
    }

    @Override
    protected JoinResult withSlices(JoinResult r, List<String> slices) {
        r.slices = slices; // the join emits a fresh result for every record: tagging it in place is safe
        return r;
    }
}
