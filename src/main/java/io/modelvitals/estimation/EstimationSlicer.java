package io.modelvitals.estimation;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.ScoredRecord;
import io.modelvitals.pane.SegmentSlicer;
import java.util.List;
import java.util.Map;

/** Slices scored predictions and outcomes by segment, for the estimation stage. */
public class EstimationSlicer extends SegmentSlicer<ScoredRecord, ScoredRecord> {
    public EstimationSlicer(MonitorSpec spec) {
        super(spec);
    }

    @Override
    protected String model(ScoredRecord r) {
        return r.model;
    }

    @Override
    protected Map<String, String> segment(ScoredRecord r) {
        return r.segment;
    }

    @Override
    protected ScoredRecord withSlices(ScoredRecord r, List<String> slices) {
        r.slices = slices; // each ScoredRecord is created for this record alone: tagging it in place is safe
        return r;
    }
}
