package io.modelvitals.io;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an output record to its topic with its key and JSON value, and without the element's event
 * time as the Kafka timestamp: the broker stamps it with the time of writing. Outputs of a replay or
 * a backfill carry event times weeks in the past, and the topic's retention would delete them (whole
 * segments at a time) almost as soon as they were written.
 */
public class OutputRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private final String topic;
    private final SerializationSchema<T> key;
    private final SerializationSchema<T> value;

    /** @param key null for records without a key */
    public OutputRecordSerializer(String topic, SerializationSchema<T> key, SerializationSchema<T> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, null, null, key == null ? null : key.serialize(element), value.serialize(element));
    }
}
