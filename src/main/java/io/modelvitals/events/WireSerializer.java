package io.modelvitals.events;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A hand-written serializer for an input record on its way from its source to the join, the one shuffle every event
 * takes. Flink's {@code PojoSerializer} first builds a default instance of every field of the record (a map for each
 * map, an origin, through reflection) and then overwrites them all: that was half of the join task's deserialization
 * and, with the reflective field access, 4-5% of the job's CPU (docs/benchmarks.md). The records stay POJOs, and state
 * keeps the POJO bytes (savepoints hold them; the join's own state writes them by hand, {@link PojoLayoutSerializer}):
 * these serializers, whose layout is their own, are given only to the streams between the sources and the join
 * ({@link WireTypeInfo}), whose bytes are not stored, unless unaligned
 * checkpoints (off in this job; a cluster could turn them on) store records in flight. So every record starts with
 * {@link #FORMAT}: a layout changed under such a checkpoint fails loudly at the restore instead of being misread.
 */
public abstract class WireSerializer<T> extends HandWrittenSerializer<T> {
    private static final long serialVersionUID = 1L;

    /** The layout of the records; change it with the layout. */
    protected static final byte FORMAT = 1;

    protected static void writeFormat(DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
    }

    protected static void readFormat(DataInputView in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT)
            throw new IOException("a record in flight written in layout " + format + ", this build reads layout "
                    + FORMAT + ": restore from an aligned checkpoint or a savepoint taken with --drain");
    }

    // Nullable values, each behind a presence byte (Flink's own StringValue form for strings: null is a length of 0).

    protected static void writeString(String s, DataOutputView out) throws IOException {
        org.apache.flink.types.StringValue.writeString(s, out);
    }

    protected static String readString(DataInputView in) throws IOException {
        return org.apache.flink.types.StringValue.readString(in);
    }

    protected static void writeDouble(Double d, DataOutputView out) throws IOException {
        out.writeBoolean(d != null);
        if (d != null) out.writeDouble(d);
    }

    protected static Double readDouble(DataInputView in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }

    protected static void writeOrigin(Origin o, DataOutputView out) throws IOException {
        out.writeBoolean(o != null);
        if (o == null) return;
        writeString(o.topic, out);
        out.writeInt(o.partition);
        out.writeLong(o.offset);
    }

    protected static Origin readOrigin(DataInputView in) throws IOException {
        return in.readBoolean() ? new Origin(readString(in), in.readInt(), in.readLong()) : null;
    }

    protected static void writeStrings(Map<String, String> m, DataOutputView out) throws IOException {
        writeMap(m, out, WireSerializer::writeString);
    }

    protected static Map<String, String> readStrings(DataInputView in) throws IOException {
        return readMap(in, WireSerializer::readString);
    }

    protected static void writeDoubles(Map<String, Double> m, DataOutputView out) throws IOException {
        writeMap(m, out, WireSerializer::writeDouble);
    }

    protected static Map<String, Double> readDoubles(DataInputView in) throws IOException {
        return readMap(in, WireSerializer::readDouble);
    }

    /** Writes one value of a map. */
    private interface ValueWriter<V> {
        void write(V value, DataOutputView out) throws IOException;
    }

    /** Reads one value of a map. */
    private interface ValueReader<V> {
        V read(DataInputView in) throws IOException;
    }

    /** A nullable map with string keys: its size (-1 for null), then each key and value. */
    private static <V> void writeMap(Map<String, V> m, DataOutputView out, ValueWriter<V> value) throws IOException {
        out.writeInt(m == null ? -1 : m.size());
        if (m == null) return;
        for (Map.Entry<String, V> e : m.entrySet()) {
            writeString(e.getKey(), out);
            value.write(e.getValue(), out);
        }
    }

    private static <V> Map<String, V> readMap(DataInputView in, ValueReader<V> value) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        Map<String, V> m = new HashMap<>(capacity(n));
        for (int i = 0; i < n; i++) m.put(readString(in), value.read(in));
        return m;
    }

    /** A HashMap that holds {@code n} entries without resizing. */
    private static int capacity(int n) {
        return (int) (n / 0.75f) + 1;
    }
}
