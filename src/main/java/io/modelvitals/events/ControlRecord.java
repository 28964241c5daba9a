package io.modelvitals.events;

/** A record of the rules control topic: a rule set as text (JSON or YAML), with where it came from. */
public class ControlRecord {
    /** Null when the record was empty or not UTF-8. */
    public String text;

    public Origin origin;

    public ControlRecord() {}

    public ControlRecord(String text, Origin origin) {
        this.text = text;
        this.origin = origin;
    }
}
