package io.modelvitals.io;

import io.modelvitals.events.InputRecord;
import io.modelvitals.events.SideOutputs;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/** Passes on the valid events of one input stream and routes its dead letters to the side output. */
public class ValidRecordRouter<T> extends ProcessFunction<InputRecord, T> {
    private final SerializableFunction<InputRecord, T> event;

    public ValidRecordRouter(SerializableFunction<InputRecord, T> event) {
        this.event = event;
    }

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<T> out) {
        if (record.deadLetter != null) {
            ctx.output(SideOutputs.DEAD_LETTERS, record.deadLetter);
            return;
        }
        T value = event.apply(record);
        if (value != null) out.collect(value);
    }
}
