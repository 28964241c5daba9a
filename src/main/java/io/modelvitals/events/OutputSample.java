package io.modelvitals.events;

import java.util.List;

/** One accepted prediction's output and its segment slices: what the output-distribution vitals aggregate. */
public class OutputSample implements PaneRecord {
    public String predictionId;
    public String model;
    public String version;
    /** The slices this output counts in: "all" first, then "key=value" ones. */
    public List<String> slices;

    public long ts;
    /** Predicted class, if any. */
    public String label;
    /** The numeric output: the predicted value, else the positive-class score; null if neither. */
    public Double numeric;
    /** Serving latency, if reported. */
    public Double latencyMs;
    /** The server failed to predict: counted for the error rate and latency only. */
    public boolean error;
    /** The prediction's origin, for a dead letter if it comes too late. */
    public Origin origin;

    public OutputSample() {}

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
