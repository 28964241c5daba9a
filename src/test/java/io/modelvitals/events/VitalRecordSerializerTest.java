package io.modelvitals.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link VitalRecord} is serialized everywhere by {@link VitalRecordSerializer}, in exactly the bytes Flink's POJO
 * serializer writes for it: compared with the POJO serializer that Flink's type analysis builds for a twin class with
 * the same fields (the record itself names its own type, so the analysis no longer reaches it), field for field.
 */
class VitalRecordSerializerTest {

    /** VitalRecord's fields, without its {@code @TypeInfo}: what Flink analysed before it had one. */
    public static class Twin {
        public String model;
        public String version;
        public String segment;
        public String vital;
        public String cls;
        public String predictedCls;
        public String reference;
        public double value;
        public long n;
        public long windowStart;
        public long windowEnd;
        public Double numerator;
        public Double pValue;
        public Boolean met;
        public Double ciLower;
        public Double ciUpper;
        public String timeline;

        public Twin() {}
    }

    @SuppressWarnings("unchecked")
    private static final TypeSerializer<Twin> POJO =
            (TypeSerializer<Twin>) TypeInformation.of(Twin.class).createSerializer(new SerializerConfigImpl());

    private static final VitalRecordSerializer SERIALIZER = VitalRecordSerializer.INSTANCE;

    @Test
    void theTwinHasTheRecordsFieldsAndIsAPojo() {
        assertEquals(fields(VitalRecord.class), fields(Twin.class), "a field added to VitalRecord: add it to the twin");
        assertInstanceOf(PojoSerializer.class, POJO);
    }

    @Test
    void everyEdgeAndStateOfTheRecordUsesIt() {
        TypeInformation<VitalRecord> type = TypeInformation.of(VitalRecord.class);
        assertInstanceOf(PojoLayoutTypeInfo.class, type);
        assertSame(SERIALIZER, type.createSerializer(new SerializerConfigImpl()));
    }

    /** The POJO type built for the record from its fields is the one the analysis builds for the twin, field by field. */
    @Test
    void thePojoLayoutIsTheAnalysedOne() {
        PojoTypeInfo<VitalRecord> built =
                (PojoTypeInfo<VitalRecord>) PojoLayoutSerializer.pojoTypeInfo(VitalRecord.class);
        PojoTypeInfo<Twin> analysed = (PojoTypeInfo<Twin>) TypeInformation.of(Twin.class);
        assertEquals(analysed.getArity(), built.getArity());
        for (int i = 0; i < built.getArity(); i++) {
            assertEquals(
                    analysed.getPojoFieldAt(i).getField().getName(),
                    built.getPojoFieldAt(i).getField().getName());
            assertEquals(
                    analysed.getPojoFieldAt(i).getTypeInformation(),
                    built.getPojoFieldAt(i).getTypeInformation());
        }
        assertInstanceOf(PojoSerializer.class, SERIALIZER.pojoSerializer());
    }

    @Test
    void everyFieldSetAndEveryFieldNullWriteThePojoBytes() throws Exception {
        VitalRecord full = new VitalRecord("m", "v2", "country=DE", "accuracy", "cat", 0.5, 40, 60_000L, 660_000L);
        full.predictedCls = "dög";
        full.reference = "previous";
        full.numerator = 20.0;
        full.pValue = 0.03;
        full.met = false;
        full.ciLower = 0.4;
        full.ciUpper = 0.6;
        full.timeline = VitalRecord.PREDICTION_TIMELINE;
        for (String name : fields(VitalRecord.class).keySet()) {
            Object value = VitalRecord.class.getField(name).get(full);
            assertTrue(value != null && !(value instanceof Long l && l == 0), name + " is set");
        }
        assertSameBytesBothWays(full);
        assertSameBytesBothWays(new VitalRecord());
        assertArrayEquals(bytes(POJO, null), bytes(SERIALIZER, null));
        assertNull(SERIALIZER.deserialize(new DataInputDeserializer(bytes(POJO, null))));
    }

    @Test
    void randomRecordsWriteThePojoBytes() throws Exception {
        Random r = new Random(20261203);
        for (int i = 0; i < 5_000; i++) {
            VitalRecord v = new VitalRecord();
            v.model = string(r);
            v.version = string(r);
            v.segment = string(r);
            v.vital = string(r);
            v.cls = string(r);
            v.predictedCls = string(r);
            v.reference = string(r);
            v.value = r.nextInt(5) == 0 ? Double.NaN : r.nextGaussian();
            v.n = r.nextLong();
            v.windowStart = r.nextLong();
            v.windowEnd = r.nextLong();
            v.numerator = number(r);
            v.pValue = number(r);
            v.met = r.nextInt(3) == 0 ? null : r.nextBoolean();
            v.ciLower = number(r);
            v.ciUpper = number(r);
            v.timeline = string(r);
            assertSameBytesBothWays(v);
        }
    }

    @Test
    void aCopyIsEqualAndNotTheSame() {
        VitalRecord v = new VitalRecord("m", "v1", "all", "auc", null, 0.9, 10, 0, 60_000);
        v.ciLower = 0.8;
        VitalRecord copy = SERIALIZER.copy(v);
        assertNotSame(v, copy);
        assertEquals(v, copy);
        assertEquals(v.ciLower, copy.ciLower);
    }

    /**
     * The bytes are compared field by field over public fields only: a private field (which the POJO serializer would
     * also write, through reflection) would escape the comparison.
     */
    @Test
    void everyDeclaredFieldIsPublic() {
        assertTrue(Arrays.stream(VitalRecord.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .allMatch(f -> Modifier.isPublic(f.getModifiers())));
    }

    /**
     * Savepoints: the serializer's snapshot is the POJO serializer's own, so the goals' and discrepancies' state, written
     * by either, restores into either (a rollback included). SavepointRestoreITCase restores such state of the
     * pre-restructure build into this one.
     */
    @Test
    void theSnapshotIsThePojoSerializers() {
        assertInstanceOf(PojoSerializerSnapshot.class, SERIALIZER.snapshotConfiguration());
    }

    @Test
    void aSubclassIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> bytes(SERIALIZER, new VitalRecord() {}));
    }

    private static void assertSameBytesBothWays(VitalRecord v) throws Exception {
        Twin twin = twin(v);
        byte[] pojo = bytes(POJO, twin);
        assertArrayEquals(pojo, bytes(SERIALIZER, v));
        DataInputDeserializer in = new DataInputDeserializer(pojo);
        VitalRecord read = SERIALIZER.deserialize(in);
        assertEquals(0, in.available(), "every byte read");
        assertArrayEquals(pojo, bytes(POJO, twin(read)));
    }

    private static Twin twin(VitalRecord v) throws Exception {
        Twin t = new Twin();
        for (String name : fields(VitalRecord.class).keySet())
            Twin.class.getField(name).set(t, VitalRecord.class.getField(name).get(v));
        return t;
    }

    /** Public instance fields by name, with their types. */
    private static Map<String, String> fields(Class<?> c) {
        Map<String, String> fields = new TreeMap<>();
        Arrays.stream(c.getFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .forEach(f -> fields.put(f.getName(), f.getGenericType().getTypeName()));
        return fields;
    }

    private static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    private static String string(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "k" + r.nextInt(1000);
            case 3 -> "Zürich-" + r.nextInt(10);
            default -> "\uD83D\uDE00\u4E2D" + r.nextInt(10);
        };
    }

    private static Double number(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> null;
            case 1 -> -0.0;
            default -> r.nextGaussian();
        };
    }
}
