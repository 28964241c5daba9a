package io.modelvitals.vitals;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link QuantileSketch} as its length-prefixed canonical byte form. The format is versioned inside the
 * bytes: format 2 (the deterministic sketch) starts with {@code QuantileSketch.FORMAT_V2}; anything else is the
 * DataSketches KLL form of format 1, which {@link QuantileSketch#fromBytes} converts once. So the serializer snapshot
 * (whose class name is in savepoints) stays compatible as is, and old and new bytes can meet in one restore.
 */
public final class QuantileSketchSerializer extends TypeSerializerSingleton<QuantileSketch> {
    public static final QuantileSketchSerializer INSTANCE = new QuantileSketchSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public QuantileSketch createInstance() {
        return new QuantileSketch();
    }

    @Override
    public QuantileSketch copy(QuantileSketch from) {
        return from.copy();
    }

    @Override
    public QuantileSketch copy(QuantileSketch from, QuantileSketch reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(QuantileSketch record, DataOutputView target) throws IOException {
        byte[] bytes = record.toBytes();
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    @Override
    public QuantileSketch deserialize(DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        return QuantileSketch.fromBytes(bytes);
    }

    @Override
    public QuantileSketch deserialize(QuantileSketch reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        target.write(source, length);
    }

    @Override
    public TypeSerializerSnapshot<QuantileSketch> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Serializer snapshot: one serializer reads both byte formats (see the class comment), so it has no version. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<QuantileSketch> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
