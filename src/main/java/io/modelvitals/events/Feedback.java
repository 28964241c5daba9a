package io.modelvitals.events;

/**
 * What comes back about a prediction after it was made: its label, or a business event. One stream,
 * so that the join keeps one state and one timer per prediction_id for both.
 */
public class Feedback {
    /** The key of a business event that names its model directly: its own event_id, apart from every prediction_id. */
    public static final String DIRECT = "\u0000event:";

    public Label label;
    public BusinessEvent event;

    public Feedback() {}

    public static Feedback of(Label label) {
        Feedback f = new Feedback();
        f.label = label;
        return f;
    }

    public static Feedback of(BusinessEvent event) {
        Feedback f = new Feedback();
        f.event = event;
        return f;
    }

    /** The join key: the prediction_id, or for a directly attributed event its event_id (duplicates meet there). */
    public String key() {
        if (label != null) return label.predictionId;
        return event.predictionId != null ? event.predictionId : DIRECT + event.eventId;
    }
}
