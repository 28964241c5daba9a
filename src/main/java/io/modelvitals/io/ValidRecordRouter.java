package io.modelvitals.io;

import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Ledger;
import io.modelvitals.events.Origin;
import io.modelvitals.events.SideOutputs;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Passes on the valid events of one input stream and routes its dead letters to the side output. Every record that
 * enters is counted in the {@link Ledger} ({@link Ledger#IN}) by its origin.
 */
public class ValidRecordRouter<T> extends ProcessFunction<InputRecord, T> {
    private final SerializableFunction<InputRecord, T> event;
    private final SerializableFunction<T, Origin> origin;
    /** The valid records go nowhere further (business events when no model has KPIs): they end here, counted. */
    private final boolean endsHere;

    private transient Ledger ledger;

    public ValidRecordRouter(SerializableFunction<InputRecord, T> event, SerializableFunction<T, Origin> origin) {
        this(event, origin, false);
    }

    public ValidRecordRouter(
            SerializableFunction<InputRecord, T> event, SerializableFunction<T, Origin> origin, boolean endsHere) {
        this.event = event;
        this.origin = origin;
        this.endsHere = endsHere;
    }

    @Override
    public void open(OpenContext openContext) {
        ledger = new Ledger(getRuntimeContext());
    }

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<T> out) {
        if (record.deadLetter != null) {
            ledger.add(Ledger.IN, record.deadLetter.origin);
            ctx.output(SideOutputs.DEAD_LETTERS, record.deadLetter);
            return;
        }
        T value = event.apply(record);
        if (value == null) return; // never: a source of one kind emits events of that kind or dead letters
        Origin from = origin.apply(value);
        ledger.add(Ledger.IN, from);
        if (endsHere) ledger.add(Ledger.COUNTED, from);
        else out.collect(value);
    }
}
