package io.modelvitals.job;

import io.modelvitals.events.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The dead letters of every stage, gathered as the topology is built and united once, at the sink. */
final class DeadLetters {
    private final List<DataStream<DeadLetter>> streams = new ArrayList<>();

    void add(DataStream<DeadLetter> deadLetters) {
        streams.add(deadLetters);
    }

    @SuppressWarnings("unchecked")
    DataStream<DeadLetter> all() {
        return streams.get(0).union(streams.subList(1, streams.size()).toArray(new DataStream[0]));
    }
}
