package io.modelvitals.events;

import java.util.List;
import java.util.Map;

/**
 * A business event attributed to a model version (through its prediction, or named directly), or one
 * of the model's accepted predictions (type {@code prediction}): what the KPIs aggregate. It counts in its
 * prediction's window (the cohort of predictions made then) and carries how it changes its prediction's numerator and
 * denominator of each KPI ({@link #increments}): the unit of a KPI is the prediction.
 */
public class AttributedEvent implements PaneRecord {
    public static final String PREDICTION = "prediction";

    public String model;
    public String version;
    /** The prediction's segment attributes; null for an event that named its model directly. */
    public Map<String, String> segment;
    /** The slices it counts in, set by the slicer. */
    public List<String> slices;
    /** When it counts: its prediction's time; a direct event (no prediction) its own time. */
    public long ts;

    public String type;
    public Double value;
    public String eventId;
    /** The input it comes from (the event; for type prediction the prediction), for a late dead letter. */
    public Origin origin;
    /**
     * Per KPI whose terms select its type, the change of its prediction unit's sums (possibly zero: the KPI then
     * appears in the window). Null: the record is a unit of its own (see {@code KpiAggregator}).
     */
    public List<KpiIncrement> increments;

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
