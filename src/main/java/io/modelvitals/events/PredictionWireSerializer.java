package io.modelvitals.events;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link Prediction}s from the source to the join (see {@link WireSerializer}). */
public final class PredictionWireSerializer extends WireSerializer<Prediction> {
    private static final long serialVersionUID = 1L;
    public static final PredictionWireSerializer INSTANCE = new PredictionWireSerializer();

    @Override
    public Prediction createInstance() {
        return new Prediction();
    }

    @Override
    public void serialize(Prediction p, DataOutputView out) throws IOException {
        writeFormat(out);
        writeString(p.predictionId, out);
        writeString(p.model, out);
        writeString(p.version, out);
        out.writeLong(p.ts);
        writeString(p.label, out);
        writeDouble(p.value, out);
        writeDouble(p.score, out);
        writeDoubles(p.scores, out);
        writeDouble(p.latencyMs, out);
        writeStrings(p.segment, out);
        writeString(p.error, out);
        writeOrigin(p.origin, out);
    }

    @Override
    public Prediction deserialize(DataInputView in) throws IOException {
        readFormat(in);
        Prediction p = new Prediction();
        p.predictionId = readString(in);
        p.model = readString(in);
        p.version = readString(in);
        p.ts = in.readLong();
        p.label = readString(in);
        p.value = readDouble(in);
        p.score = readDouble(in);
        p.scores = readDoubles(in);
        p.latencyMs = readDouble(in);
        p.segment = readStrings(in);
        p.error = readString(in);
        p.origin = readOrigin(in);
        return p;
    }

    @Override
    public TypeSerializerSnapshot<Prediction> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Never written to a savepoint (network only); Flink's interface asks for one. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Prediction> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
