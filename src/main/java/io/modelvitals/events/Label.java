package io.modelvitals.events;

/** The ground truth for one prediction, arriving minutes to days after it. */
public class Label {
    public String predictionId;
    /** Event time: when the truth became known, epoch milliseconds. */
    public long ts;

    public String label;
    public Double value;
    public Origin origin;

    public Label() {}
}
