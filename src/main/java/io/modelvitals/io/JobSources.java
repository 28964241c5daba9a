package io.modelvitals.io;

import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.InputRecord;
import org.apache.flink.api.connector.source.Source;

/** The three inputs of the job, already parsing to {@link InputRecord}: Kafka topics or replay files. */
public class JobSources {
    public final Source<InputRecord, ?, ?> predictions;
    public final Source<InputRecord, ?, ?> labels;
    /** May be null: a replay without business events. */
    public final Source<InputRecord, ?, ?> businessEvents;
    /** Rule sets changed at runtime (a topic, or a file of them for replay). */
    public final Source<ControlRecord, ?, ?> rules;

    public JobSources(
            Source<InputRecord, ?, ?> predictions,
            Source<InputRecord, ?, ?> labels,
            Source<InputRecord, ?, ?> businessEvents,
            Source<ControlRecord, ?, ?> rules) {
        this.predictions = predictions;
        this.labels = labels;
        this.businessEvents = businessEvents;
        this.rules = rules;
    }
}
