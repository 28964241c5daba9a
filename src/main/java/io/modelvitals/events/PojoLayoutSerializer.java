package io.modelvitals.events;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * A POJO's bytes, written and read by hand: exactly the bytes Flink's {@link PojoSerializer} writes for the class,
 * without its reflection. The POJO serializer first builds a default instance of every field (an empty map for each
 * map, an empty string for each string, through reflection) and then overwrites them all. Used where that shows: the
 * join's state, which RocksDB deserializes on every record (it was 17% of the join task there), and {@link
 * VitalRecord}, the record a sliding window writes most of, on every edge and in state ({@link PojoLayoutTypeInfo};
 * docs/benchmarks.md).
 *
 * <p>Savepoints. Because the bytes are the POJO bytes, state written by the POJO serializer (every savepoint before this
 * serializer) is read as it is, and this serializer's snapshot is the POJO serializer's snapshot of the layout it
 * writes (one build wrapped it in a {@link Snapshot} of its own, which is still read). So compatibility is the POJO rules': the same fields restore as they are; a savepoint with other
 * fields (one taken before a field was added) is migrated, read by the POJO serializer of its own layout and written
 * back by this one. Each concrete serializer writes the fields of its class as it is: its test compares its bytes with the POJO
 * serializer's, so a field added to the class and not here fails.
 *
 * <p>The encoding, as PojoSerializer, NullableSerializer, ListSerializer and MapSerializer write it: a POJO is a flags
 * byte (null, or no subclass) and then each field in the order of its name, each behind a null flag; a list or map
 * field is a second null flag (Flink wraps them in a NullableSerializer), its size and its elements, each element and
 * map key behind a null flag, and each map value behind one.
 */
public abstract class PojoLayoutSerializer<T> extends HandWrittenSerializer<T> {
    private static final long serialVersionUID = 1L;

    /** PojoSerializer's flags. */
    protected static final byte IS_NULL = 1;

    protected static final byte NO_SUBCLASS = 2;

    private final Class<T> type;
    /** The POJO serializer of the class as it is: its snapshot is the layout this one writes. */
    private transient volatile TypeSerializer<T> pojo;

    protected PojoLayoutSerializer(Class<T> type) {
        this.type = type;
    }

    /** The POJO serializer whose bytes this one writes. */
    public final TypeSerializer<T> pojoSerializer() {
        if (pojo == null) pojo = pojoTypeInfo(type).createSerializer(new SerializerConfigImpl());
        return pojo;
    }

    /**
     * The class's POJO type as Flink's type analysis makes it; for a class that names its own type (its
     * {@code @TypeInfo} is a {@link PojoLayoutTypeInfo}), the same built from its public fields, as the analysis does
     * for fields of basic types (the only kind such a class may have: {@code VitalRecordSerializerTest} checks it).
     */
    static <T> TypeInformation<T> pojoTypeInfo(Class<T> type) {
        TypeInformation<T> analysed = TypeInformation.of(type);
        if (analysed instanceof PojoTypeInfo) return analysed;
        List<PojoField> fields = new ArrayList<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) continue;
            TypeInformation<?> field = TypeExtractor.createTypeInfo(f.getGenericType());
            if (!(field instanceof BasicTypeInfo))
                throw new IllegalStateException(type.getName() + "." + f.getName() + " is not of a basic type");
            fields.add(new PojoField(f, field));
        }
        return new PojoTypeInfo<>(type, fields);
    }

    /**
     * The POJO serializer's own snapshot of the layout: a savepoint holds no class of this job's for it, so the build
     * before these serializers (and Flink's POJO serializer, should a later one go back to it) restores it too. On
     * restore Flink asks this snapshot about the one in the savepoint, by the POJO rules: the same layout is read as it
     * is, with this serializer kept; another (taken before a field was added) is migrated, read by the POJO serializer
     * of its own layout and written back by this one.
     */
    @Override
    public final TypeSerializerSnapshot<T> snapshotConfiguration() {
        return pojoSerializer().snapshotConfiguration();
    }

    /**
     * The snapshot the build of 3 December morning (91797f9, landed) wrote instead: this class's name, version 1, and
     * the POJO serializer's snapshot inside, versioned. Savepoints of that build hold it, so it is kept for reading
     * them; it is never written now. It is a POJO serializer snapshot, filled from the one it carries, so the POJO rules
     * resolve it like any other ({@code PojoSerializerSnapshot} asks only that the old snapshot be one of its kind).
     * Its class name is in savepoints: do not move or rename it.
     */
    public static final class Snapshot<T> extends PojoSerializerSnapshot<T> {
        private static final int WRAPPER_VERSION = 1;

        /** For reading a savepoint. */
        public Snapshot() {}

        @Override
        public int getCurrentVersion() {
            return WRAPPER_VERSION;
        }

        /** As that build wrote it (only a savepoint restored and taken again in one step would call this). */
        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(PojoSerializerSnapshot.class.getName());
            out.writeInt(super.getCurrentVersion());
            super.writeSnapshot(out);
        }

        @Override
        public void readSnapshot(int version, DataInputView in, ClassLoader classLoader) throws IOException {
            if (version != WRAPPER_VERSION) throw new IOException("unknown version " + version + " of " + getClass());
            String inner = in.readUTF();
            if (!inner.equals(PojoSerializerSnapshot.class.getName()))
                throw new IOException("expected a POJO serializer snapshot inside, found " + inner);
            super.readSnapshot(in.readInt(), in, classLoader);
        }
    }

    // A POJO's flags byte.

    /**
     * Writes the flags of a POJO; false if it is null (nothing follows). Only the class itself is written: a subclass
     * would need its own fields and the POJO serializer's subclass tag, so it is refused rather than cut short.
     */
    protected final boolean writePojo(T o, DataOutputView out) throws IOException {
        if (o != null) exactly(type, o);
        out.writeByte(o == null ? IS_NULL : NO_SUBCLASS);
        return o != null;
    }

    private static void exactly(Class<?> expected, Object o) {
        if (o.getClass() != expected)
            throw new IllegalArgumentException("written as " + expected.getName() + " but is a "
                    + o.getClass().getName());
    }

    /** Reads the flags of a POJO; false if it is null. */
    protected static boolean readPojo(DataInputView in) throws IOException {
        byte flags = in.readByte();
        if (flags == IS_NULL) return false;
        if (flags != NO_SUBCLASS) throw new IOException("a POJO written as a subclass (flags " + flags + ")");
        return true;
    }

    // Fields (and nullable elements: a list's elements and a map's keys and values are written the same way).

    /** The null flag of a field or element; true if a value follows. */
    protected static boolean present(Object o, DataOutputView out) throws IOException {
        out.writeBoolean(o == null);
        return o != null;
    }

    protected static boolean present(DataInputView in) throws IOException {
        return !in.readBoolean();
    }

    /** A nested POJO field or element of the given class (not a subclass): its null flag, then its flags byte. */
    protected static boolean writeNested(Object o, Class<?> expected, DataOutputView out) throws IOException {
        if (!present(o, out)) return false;
        exactly(expected, o);
        out.writeByte(NO_SUBCLASS);
        return true;
    }

    protected static boolean readNested(DataInputView in) throws IOException {
        return present(in) && readPojo(in);
    }

    protected static void writeLong(long v, DataOutputView out) throws IOException {
        out.writeBoolean(false);
        out.writeLong(v);
    }

    protected static long readLong(DataInputView in) throws IOException {
        primitive(in);
        return in.readLong();
    }

    protected static void writeInt(int v, DataOutputView out) throws IOException {
        out.writeBoolean(false);
        out.writeInt(v);
    }

    protected static int readInt(DataInputView in) throws IOException {
        primitive(in);
        return in.readInt();
    }

    protected static void writeBoolean(boolean v, DataOutputView out) throws IOException {
        out.writeBoolean(false);
        out.writeBoolean(v);
    }

    protected static boolean readBoolean(DataInputView in) throws IOException {
        primitive(in);
        return in.readBoolean();
    }

    private static void primitive(DataInputView in) throws IOException {
        if (in.readBoolean()) throw new IOException("a primitive field written as null");
    }

    protected static void writeString(String s, DataOutputView out) throws IOException {
        if (present(s, out)) StringValue.writeString(s, out);
    }

    protected static String readString(DataInputView in) throws IOException {
        return present(in) ? StringValue.readString(in) : null;
    }

    protected static void writeBooleanObject(Boolean b, DataOutputView out) throws IOException {
        if (present(b, out)) out.writeBoolean(b);
    }

    protected static Boolean readBooleanObject(DataInputView in) throws IOException {
        return present(in) ? in.readBoolean() : null;
    }

    protected static void writeDoubleValue(double v, DataOutputView out) throws IOException {
        out.writeBoolean(false);
        out.writeDouble(v);
    }

    protected static double readDoubleValue(DataInputView in) throws IOException {
        primitive(in);
        return in.readDouble();
    }

    protected static void writeDouble(Double d, DataOutputView out) throws IOException {
        if (present(d, out)) out.writeDouble(d);
    }

    protected static Double readDouble(DataInputView in) throws IOException {
        return present(in) ? in.readDouble() : null;
    }

    /** Writes one element (or map value), null flag included. */
    protected interface Writer<V> {
        void write(V value, DataOutputView out) throws IOException;
    }

    /** Reads one element (or map value), null flag included. */
    protected interface Reader<V> {
        V read(DataInputView in) throws IOException;
    }

    /** A list field: its null flag, the NullableSerializer's, its size, its elements. */
    protected static <V> void writeList(List<V> list, DataOutputView out, Writer<V> element) throws IOException {
        if (!present(list, out)) return;
        out.writeBoolean(false);
        out.writeInt(list.size());
        for (V v : list) element.write(v, out);
    }

    protected static <V> List<V> readList(DataInputView in, Reader<V> element) throws IOException {
        if (!present(in) || !present(in)) return null;
        int n = in.readInt();
        List<V> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) list.add(element.read(in));
        return list;
    }

    /** A map field with string keys: its null flag, the NullableSerializer's, its size, each key and value. */
    protected static <V> void writeMap(Map<String, V> map, DataOutputView out, Writer<V> value) throws IOException {
        if (!present(map, out)) return;
        out.writeBoolean(false);
        out.writeInt(map.size());
        for (Map.Entry<String, V> e : map.entrySet()) {
            writeString(e.getKey(), out);
            value.write(e.getValue(), out);
        }
    }

    protected static <V> Map<String, V> readMap(DataInputView in, Reader<V> value) throws IOException {
        if (!present(in) || !present(in)) return null;
        int n = in.readInt();
        Map<String, V> map = new HashMap<>((int) (n / 0.75f) + 1);
        for (int i = 0; i < n; i++) map.put(readString(in), value.read(in));
        return map;
    }
}
