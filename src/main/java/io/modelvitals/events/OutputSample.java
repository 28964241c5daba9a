package io.modelvitals.events;

/** One prediction's output, in one segment slice: what the output-distribution vitals aggregate. */
public class OutputSample {
    public String predictionId;
    public String model;
    public String version;
    /** "all" or "key=value". */
    public String slice;
    public long ts;
    /** Predicted class, if any. */
    public String label;
    /** The numeric output: the predicted value, else the positive-class score; null if neither. */
    public Double numeric;

    public OutputSample() {}
}
