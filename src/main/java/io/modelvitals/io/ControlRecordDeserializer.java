package io.modelvitals.io;

import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.Origin;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads control-topic records as text with their origin; parsing and validation happen in the rule evaluator. */
public class ControlRecordDeserializer implements KafkaRecordDeserializationSchema<ControlRecord> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ControlRecord> out) {
        Origin origin = new Origin(record.topic(), record.partition(), record.offset());
        String text = null;
        if (record.value() != null && record.value().length > 0) {
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(record.value())).toString();
            } catch (CharacterCodingException e) {
                text = null;
            }
        }
        out.collect(new ControlRecord(text, origin));
    }

    @Override
    public TypeInformation<ControlRecord> getProducedType() {
        return TypeInformation.of(ControlRecord.class);
    }
}
