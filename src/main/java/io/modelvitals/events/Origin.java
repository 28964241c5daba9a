package io.modelvitals.events;

import java.util.Objects;

/** Where an input record came from: a Kafka topic, partition and offset, or a file and line (partition 0). */
public class Origin {
    public String topic;
    public int partition;
    public long offset;

    public Origin() {}

    public Origin(String topic, int partition, long offset) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Origin)) return false;
        Origin that = (Origin) o;
        return partition == that.partition && offset == that.offset && Objects.equals(topic, that.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
