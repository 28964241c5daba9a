package io.modelvitals.events;

/** An impression, play, click or purchase, attributed to a prediction or directly to a model version. */
public class BusinessEvent {
    public String eventId;
    public long ts;
    public String type;
    public String predictionId;
    public String model;
    public String version;
    public Double value;
    public Origin origin;

    public BusinessEvent() {}
}
