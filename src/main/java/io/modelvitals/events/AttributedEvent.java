package io.modelvitals.events;

import java.util.List;
import java.util.Map;

/**
 * A business event attributed to a model version (through its prediction, or named directly), or one
 * of the model's accepted predictions (type {@code prediction}): what the KPIs aggregate.
 */
public class AttributedEvent implements PaneRecord {
    public static final String PREDICTION = "prediction";

    public String model;
    public String version;
    /** The prediction's segment attributes; null for an event that named its model directly. */
    public Map<String, String> segment;
    /** The slices it counts in, set by the slicer. */
    public List<String> slices;
    /** When it counts: the later of the event's and its prediction's time. */
    public long ts;

    public String type;
    public Double value;
    public String eventId;
    /** The input it comes from (the event; for type prediction the prediction), for a late dead letter. */
    public Origin origin;

    public AttributedEvent() {}

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
