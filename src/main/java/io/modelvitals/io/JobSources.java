package io.modelvitals.io;

import io.modelvitals.events.InputRecord;
import org.apache.flink.api.connector.source.Source;

/** The three inputs of the job, already parsing to {@link InputRecord}: Kafka topics or replay files. */
public class JobSources {
    public final Source<InputRecord, ?, ?> predictions;
    public final Source<InputRecord, ?, ?> labels;
    /** May be null: a replay without business events. */
    public final Source<InputRecord, ?, ?> businessEvents;

    public JobSources(Source<InputRecord, ?, ?> predictions, Source<InputRecord, ?, ?> labels,
                      Source<InputRecord, ?, ?> businessEvents) {
        this.predictions = predictions;
        this.labels = labels;
        this.businessEvents = businessEvents;
    }
}
