package io.modelvitals.events;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** {@link Feedback} (a label or a business event) from its source to the join (see {@link WireSerializer}). */
public final class FeedbackWireSerializer extends WireSerializer<Feedback> {
    private static final long serialVersionUID = 1L;
    public static final FeedbackWireSerializer INSTANCE = new FeedbackWireSerializer();

    private static final byte NONE = 0;
    private static final byte LABEL = 1;
    private static final byte EVENT = 2;
    private static final byte BOTH = 3;

    @Override
    public Feedback createInstance() {
        return new Feedback();
    }

    @Override
    public void serialize(Feedback f, DataOutputView out) throws IOException {
        writeFormat(out);
        out.writeByte((f.label != null ? LABEL : NONE) | (f.event != null ? EVENT : NONE));
        if (f.label != null) {
            Label l = f.label;
            writeString(l.predictionId, out);
            out.writeLong(l.ts);
            writeString(l.label, out);
            writeDouble(l.value, out);
            writeOrigin(l.origin, out);
        }
        if (f.event != null) {
            BusinessEvent e = f.event;
            writeString(e.eventId, out);
            out.writeLong(e.ts);
            writeString(e.type, out);
            writeString(e.predictionId, out);
            writeString(e.model, out);
            writeString(e.version, out);
            writeDouble(e.value, out);
            writeOrigin(e.origin, out);
        }
    }

    @Override
    public Feedback deserialize(DataInputView in) throws IOException {
        readFormat(in);
        byte present = in.readByte();
        if (present < NONE || present > BOTH) throw new IOException("not a feedback record: " + present);
        Feedback f = new Feedback();
        if ((present & LABEL) != 0) {
            Label l = new Label();
            l.predictionId = readString(in);
            l.ts = in.readLong();
            l.label = readString(in);
            l.value = readDouble(in);
            l.origin = readOrigin(in);
            f.label = l;
        }
        if ((present & EVENT) != 0) {
            BusinessEvent e = new BusinessEvent();
            e.eventId = readString(in);
            e.ts = in.readLong();
            e.type = readString(in);
            e.predictionId = readString(in);
            e.model = readString(in);
            e.version = readString(in);
            e.value = readDouble(in);
            e.origin = readOrigin(in);
            f.event = e;
        }
        return f;
    }

    @Override
    public TypeSerializerSnapshot<Feedback> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Never written to a savepoint (network only); Flink's interface asks for one. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Feedback> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
