package io.modelvitals.output;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.OutputSample;
import io.modelvitals.events.Prediction;
import io.modelvitals.pane.SegmentSlicer;
import java.util.List;
import java.util.Map;

/** Slices predictions by segment into output samples, for the output-distribution vitals. */
public class PredictionSlicer extends SegmentSlicer<Prediction, OutputSample> {
    public PredictionSlicer(MonitorSpec spec) {
        super(spec);
    }

    @Override
    protected String model(Prediction p) {
        return p.model;
    }

    @Override
    protected Map<String, String> segment(Prediction p) {
        return p.segment;
    }

    @Override
    protected OutputSample withSlices(Prediction p, List<String> slices) {
        OutputSample s = new OutputSample();
        s.predictionId = p.predictionId;
        s.model = p.model;
        s.version = p.version;
        s.slices = slices;
        s.ts = p.ts;
        s.label = p.label;
        s.numeric = p.value != null ? p.value : p.score;
        s.latencyMs = p.latencyMs;
        s.error = p.error != null;
        s.origin = p.origin;
        return s;
    }
}
