package io.modelvitals.io;

import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.VitalRecord;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Where the job's three outputs go: Kafka topics, or collectors for replay and tests. */
public interface JobSinks {
    void vitals(DataStream<VitalRecord> vitals);

    void alerts(DataStream<AlertRecord> alerts);

    void deadLetters(DataStream<DeadLetter> deadLetters);
}
