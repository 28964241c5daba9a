package io.modelvitals.events;

/** A record the two-phase panes aggregate: it belongs to one model version, at one event time. */
public interface PaneRecord {
    String model();

    String version();

    /** The event time that places it in a pane. */
    long time();
}
