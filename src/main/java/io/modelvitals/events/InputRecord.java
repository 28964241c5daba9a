package io.modelvitals.events;

/**
 * What a source emits: exactly one of a valid event or a dead letter. Parsing happens in the source so
 * that event time is assigned per Kafka partition; a dead letter carries no event time and never moves
 * a watermark.
 */
public class InputRecord {
    public Prediction prediction;
    public Label label;
    public BusinessEvent businessEvent;
    public DeadLetter deadLetter;

    public InputRecord() {}

    public static InputRecord of(Prediction p) {
        InputRecord r = new InputRecord();
        r.prediction = p;
        return r;
    }

    public static InputRecord of(Label l) {
        InputRecord r = new InputRecord();
        r.label = l;
        return r;
    }

    public static InputRecord of(BusinessEvent e) {
        InputRecord r = new InputRecord();
        r.businessEvent = e;
        return r;
    }

    public static InputRecord of(DeadLetter d) {
        InputRecord r = new InputRecord();
        r.deadLetter = d;
        return r;
    }

    /** Event time, or Long.MIN_VALUE for a dead letter so that it cannot advance the watermark. */
    public long eventTime() {
        if (prediction != null) return prediction.ts;
        if (label != null) return label.ts;
        if (businessEvent != null) return businessEvent.ts;
        return Long.MIN_VALUE;
    }
}
