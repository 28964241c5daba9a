package io.modelvitals.io;

import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.Origin;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads control-topic records as text with their origin; parsing and validation happen in the rule evaluator. */
public class ControlRecordDeserializer implements KafkaRecordDeserializationSchema<ControlRecord> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ControlRecord> out) {
        Origin origin = new Origin(record.topic(), record.partition(), record.offset());
        byte[] value = record.value();
        out.collect(new ControlRecord(value == null || value.length == 0 ? null : Utf8.decodeOrNull(value), origin));
    }

    @Override
    public TypeInformation<ControlRecord> getProducedType() {
        return TypeInformation.of(ControlRecord.class);
    }
}
