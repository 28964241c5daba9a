package io.modelvitals.io;

import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Origin;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Parses each Kafka record into an event or a dead letter that keeps its topic, partition and offset. */
public class KafkaInputDeserializer implements KafkaRecordDeserializationSchema<InputRecord> {
    private final InputParser.Kind kind;
    private final long maxFutureSkewMs;
    private final int maxRecordBytes;
    private transient InputParser parser;

    public KafkaInputDeserializer(InputParser.Kind kind, long maxFutureSkewMs, int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
        this.kind = kind;
        this.maxFutureSkewMs = maxFutureSkewMs;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = new InputParser(maxFutureSkewMs, maxRecordBytes);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) {
        if (parser == null) parser = new InputParser(maxFutureSkewMs, maxRecordBytes);
        out.collect(
                parser.parse(kind, record.value(), new Origin(record.topic(), record.partition(), record.offset())));
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }
}
