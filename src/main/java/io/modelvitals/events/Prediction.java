package io.modelvitals.events;

import java.util.Map;

/** One model output, as a model server reported it (wire contract: docs/wire-contract.md). */
public class Prediction {
    public String predictionId;
    public String model;
    public String version;
    /** Event time, epoch milliseconds. */
    public long ts;
    /** Predicted class (classifiers). */
    public String label;
    /** Predicted value (regressors). */
    public Double value;
    /** Probability of the positive class. */
    public Double score;
    /** Probability per class. */
    public Map<String, Double> scores;

    public Double latencyMs;
    /** Segment attributes, e.g. country → US. */
    public Map<String, String> segment;
    /** Set when the server failed to predict. */
    public String error;
    /** Not kept in join state: only needed to route a rejected record to the dead-letter topic. */
    public Origin origin;

    public Prediction() {}
}
