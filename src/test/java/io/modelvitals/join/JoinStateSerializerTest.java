package io.modelvitals.join;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Label;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import io.modelvitals.functions.PredictionJoinOperator.JoinState;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The join's state serializer writes the bytes Flink's own POJO serializer writes for {@link JoinState}, byte for
 * byte (the POJO serializer is built here from Flink's type analysis, not taken from the class under test), reads
 * them back, and restores state that the POJO serializer wrote: savepoints taken before it keep working, on the heap
 * and on RocksDB.
 */
class JoinStateSerializerTest {
    private static final JoinStateSerializer SERIALIZER = JoinStateSerializer.INSTANCE;

    @SuppressWarnings("unchecked")
    private static final TypeSerializer<JoinState> POJO = (TypeSerializer<JoinState>)
            TypeInformation.of(JoinState.class).createSerializer(new SerializerConfigImpl());

    @Test
    void theStateIsAPojoToFlink() {
        assertInstanceOf(PojoSerializer.class, POJO, "else the bytes compared below are not the POJO bytes");
    }

    @Test
    void everyFieldSetWritesThePojoBytes() throws Exception {
        JoinState full = full();
        assertEveryFieldSet(full);
        assertEveryFieldSet(full.prediction);
        assertEveryFieldSet(full.pendingLabel);
        assertEveryFieldSet(full.pendingEvents.get(0));
        assertEveryFieldSet(full.pendingDuplicateOrigins.get(0));
        assertSameBytesBothWays(full);
    }

    @Test
    void anEmptyStateAndNullWriteThePojoBytes() throws Exception {
        assertSameBytesBothWays(new JoinState());
        assertArrayEquals(bytes(POJO, null), bytes(SERIALIZER, null));
        assertNull(SERIALIZER.deserialize(new DataInputDeserializer(bytes(POJO, null))));
    }

    /** Every field null or set, lists and maps empty or not, with null elements, keys and values: 5,000 states. */
    @Test
    void randomStatesWriteThePojoBytes() throws Exception {
        Random random = new Random(20261203);
        for (int i = 0; i < 5_000; i++) assertSameBytesBothWays(random(random));
    }

    @Test
    void aCopyIsDeep() throws Exception {
        JoinState original = canonical(full());
        byte[] before = bytes(POJO, original);
        JoinState copy = SERIALIZER.copy(original);
        assertArrayEquals(before, bytes(POJO, canonical(copy)));
        copy.prediction.segment.put("country", "FR");
        copy.prediction.origin.offset++;
        copy.eventIds.add("e-9");
        copy.pendingEvents.get(0).value = 99.0;
        copy.kpiNumerators.put("plays", 7.0);
        copy.pendingLabel.label = "changed";
        assertArrayEquals(before, bytes(POJO, original), "the original is untouched");
    }

    /**
     * Both ways across the change: state the POJO serializer wrote (every savepoint before this serializer) restores
     * into this one as it is, and state this one wrote restores into the POJO serializer (a rollback to the build before
     * it), because the savepoint holds the POJO serializer's own snapshot.
     */
    @Test
    void theSameLayoutRestoresAsItIsEitherWay() throws Exception {
        TypeSerializerSnapshot<JoinState> written = writtenAndRead(SERIALIZER.snapshotConfiguration());
        assertInstanceOf(PojoSerializerSnapshot.class, written, "no class of this job's in a savepoint");
        assertTrue(
                SERIALIZER
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(writtenAndRead(POJO.snapshotConfiguration()))
                        .isCompatibleAsIs(),
                "POJO era into this serializer");
        assertTrue(
                POJO.snapshotConfiguration().resolveSchemaCompatibility(written).isCompatibleAsIs(),
                "this serializer's savepoints into the build before it");
        assertTrue(
                SERIALIZER
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(written)
                        .isCompatibleAsIs(),
                "this serializer's savepoints into itself");
        // What the savepoint's snapshot restores (the POJO serializer) reads this serializer's bytes.
        JoinState full = canonical(full());
        assertArrayEquals(
                bytes(POJO, full),
                bytes(
                        POJO,
                        canonical(written.restoreSerializer()
                                .deserialize(new DataInputDeserializer(bytes(SERIALIZER, full))))));
    }

    /** A savepoint from before a field was added (kpiNumerators): read by the POJO serializer of its layout. */
    @Test
    void anOlderLayoutIsMigrated() throws Exception {
        TypeSerializerSnapshot<JoinState> older = layoutWithout("kpiNumerators");
        assertTrue(SERIALIZER
                .snapshotConfiguration()
                .resolveSchemaCompatibility(older)
                .isCompatibleAfterMigration());

        TypeSerializer<JoinState> oldWriter = older.restoreSerializer();
        JoinState full = canonical(full());
        byte[] oldBytes = bytes(oldWriter, full);
        JoinState read = older.restoreSerializer().deserialize(new DataInputDeserializer(oldBytes));
        assertNull(read.kpiNumerators, "not in that layout");
        read.kpiNumerators = full.kpiNumerators;
        assertArrayEquals(bytes(POJO, full), bytes(SERIALIZER, canonical(read)), "everything else as it was");
    }

    /**
     * A subclass of a record in the state would need its own fields and the POJO serializer's subclass tag: refused,
     * not written short.
     */
    /**
     * The build of 3 December morning (91797f9, landed) wrapped the POJO snapshot in its own class. Its bytes, as its
     * {@code Snapshot.writeSnapshot} wrote them through {@code writeVersionedSnapshot}, are made here by hand: that
     * class's name, its version 1, then the POJO serializer's snapshot, itself versioned.
     */
    @Test
    void theWrappedSnapshotOfTheBuildBeforeRestores() throws Exception {
        TypeSerializerSnapshot<JoinState> same = readWrapped(POJO.snapshotConfiguration());
        assertTrue(SERIALIZER
                .snapshotConfiguration()
                .resolveSchemaCompatibility(same)
                .isCompatibleAsIs());
        TypeSerializerSnapshot<JoinState> older = readWrapped(layoutWithout("kpiNumerators"));
        assertTrue(SERIALIZER
                .snapshotConfiguration()
                .resolveSchemaCompatibility(older)
                .isCompatibleAfterMigration());

        // Each restores the serializer of its own layout.
        JoinState full = canonical(full());
        assertArrayEquals(bytes(POJO, full), bytes(same.restoreSerializer(), full));
        assertArrayEquals(
                bytes(layoutWithout("kpiNumerators").restoreSerializer(), full),
                bytes(older.restoreSerializer(), full));
    }

    /** The wrapper's bytes around a POJO snapshot, read back; written again, they are the same bytes. */
    private static TypeSerializerSnapshot<JoinState> readWrapped(TypeSerializerSnapshot<JoinState> layout)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeUTF("io.modelvitals.events.PojoLayoutSerializer$Snapshot");
        out.writeInt(1);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, layout);
        byte[] wrapped = out.getCopyOfBuffer();
        TypeSerializerSnapshot<JoinState> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(wrapped), JoinStateSerializerTest.class.getClassLoader());
        DataOutputSerializer again = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(again, read);
        assertArrayEquals(wrapped, again.getCopyOfBuffer(), "written back as it was read");
        return read;
    }

    @Test
    void aSubclassIsRefused() {
        JoinState state = full();
        state.prediction = new Prediction() {};
        assertThrows(IllegalArgumentException.class, () -> bytes(SERIALIZER, state));
        assertThrows(IllegalArgumentException.class, () -> bytes(SERIALIZER, new JoinState() {}));
    }

    @Test
    void anotherTypeIsIncompatible() {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<JoinState> strings =
                (TypeSerializerSnapshot) StringSerializer.INSTANCE.snapshotConfiguration();
        assertTrue(SERIALIZER
                .snapshotConfiguration()
                .resolveSchemaCompatibility(strings)
                .isIncompatible());
    }

    @Test
    void statePojoSerializerWroteRestoresIntoTheJoinOnTheHeap() throws Exception {
        restoresIntoTheJoin(HashMapStateBackend::new);
    }

    @Test
    void statePojoSerializerWroteRestoresIntoTheJoinOnRocksDb() throws Exception {
        restoresIntoTheJoin(EmbeddedRocksDBStateBackend::new);
    }

    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "defaults:",
                    "  window: {size: 10s, slide: 1s}",
                    "  label_horizon: 10s",
                    "  late_label_grace: 5s",
                    "models:",
                    "  - name: m",
                    ""),
            "test");

    /**
     * Pending predictions written as the join wrote them before this serializer (a POJO descriptor of the same name and
     * TTL), snapshotted, restored into the join: their labels join with them, and p1's second label is a duplicate (the
     * state the join wrote back after the restore, with this serializer, is read again).
     */
    private static void restoresIntoTheJoin(Supplier<StateBackend> backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (var writer = new KeyedOneInputStreamOperatorTestHarness<String, Prediction, Void>(
                new KeyedProcessOperator<>(new PojoEraJoin()), p -> p.predictionId, Types.STRING)) {
            writer.setStateBackend(backend.get());
            writer.open();
            writer.processElement(prediction("p1", "cat", "US"), 1_000);
            writer.processElement(prediction("p2", "dog", "DE"), 2_000);
            snapshot = writer.snapshot(1, 1);
        }
        try (KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Feedback, JoinResult> join =
                JoinHarness.of(SPEC)) {
            join.setStateBackend(backend.get());
            join.initializeState(snapshot);
            join.open();
            join.processElement2(Feedback.of(label("p1", 4_000, "dog")), 4_000);
            join.processElement2(Feedback.of(label("p2", 5_000, "dog")), 5_000);
            join.processElement2(Feedback.of(label("p1", 6_000, "dog")), 6_000);
            List<JoinResult> results = join.extractOutputValues();
            assertEquals(3, results.size(), results.toString());
            assertEquals(JoinResult.PAIR, results.get(0).kind);
            assertEquals("cat", results.get(0).predictedLabel);
            assertEquals(Map.of("country", "US"), results.get(0).segment);
            assertEquals(3_000, results.get(0).labelDelayMs());
            assertEquals("dog", results.get(1).predictedLabel);
            assertEquals(Map.of("country", "DE"), results.get(1).segment);
            assertEquals(JoinResult.DUPLICATE_LABEL, results.get(2).kind, "p1's state after the restore says labeled");
        }
    }

    /** The join's state as the POJO serializer kept it: the descriptor of the join before this serializer. */
    private static final class PojoEraJoin extends KeyedProcessFunction<String, Prediction, Void> {
        private transient ValueState<JoinState> state;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            ValueStateDescriptor<JoinState> pojo = new ValueStateDescriptor<>("join-state", JoinState.class);
            pojo.enableTimeToLive(PredictionJoinOperator.stateDescriptor(SPEC).getTtlConfig());
            state = getRuntimeContext().getState(pojo);
        }

        @Override
        public void processElement(Prediction p, Context ctx, Collector<Void> out) throws IOException {
            JoinState st = new JoinState();
            st.prediction = p;
            st.horizonEnd = p.ts + 10_000;
            st.graceMs = 5_000;
            st.timer = st.horizonEnd;
            state.update(st);
        }
    }

    private static Prediction prediction(String id, String label, String country) {
        Prediction p = new Prediction();
        p.predictionId = id;
        p.model = "m";
        p.version = "v1";
        p.ts = 1_000;
        p.label = label;
        p.segment = Map.of("country", country);
        p.origin = new Origin("predictions", 0, 7);
        return p;
    }

    private static Label label(String id, long ts, String value) {
        Label l = new Label();
        l.predictionId = id;
        l.ts = ts;
        l.label = value;
        l.origin = new Origin("labels", 1, ts);
        return l;
    }

    // States.

    private static JoinState full() {
        JoinState s = new JoinState();
        s.attributionEnd = 1_767_225_600_000L;
        s.eventIds = new ArrayList<>(List.of("e-1", "e-2"));
        s.eventsClosed = true;
        s.expired = true;
        s.failed = true;
        s.filedAt = 1_767_225_659_999L;
        s.graceMs = 3_600_000;
        s.horizonEnd = 1_767_225_700_000L;
        s.kpiDenominators = new HashMap<>(Map.of("take_rate", 1.0));
        s.kpiNumerators = new HashMap<>(Map.of("take_rate", 0.5, "revenue", 12.25));
        s.labeled = true;
        s.lateSeen = true;
        s.pendingDuplicateOrigins = new ArrayList<>(List.of(new Origin("labels", 2, 42), new Origin("labels", 3, 43)));
        s.pendingDuplicates = 2;
        BusinessEvent e = new BusinessEvent();
        e.eventId = "e-3";
        e.ts = 1_767_225_601_000L;
        e.type = "play";
        e.predictionId = "p-1";
        e.model = "ranker";
        e.version = "v2";
        e.value = 3.5;
        e.origin = new Origin("events", 0, 5);
        s.pendingEvents = new ArrayList<>(List.of(e));
        Label l = new Label();
        l.predictionId = "p-1";
        l.ts = 1_767_225_602_000L;
        l.label = "dog";
        l.value = -0.0;
        l.origin = new Origin("labels", 1, 9_000_000_000L);
        s.pendingLabel = l;
        Prediction p = new Prediction();
        p.predictionId = "p-1";
        p.model = "ranker";
        p.version = "v2";
        p.ts = 1_767_225_600_123L;
        p.label = "cat";
        p.value = Double.NaN;
        p.score = 0.75;
        p.scores = new LinkedHashMap<>(Map.of("cat", 0.75, "dög", 0.25));
        p.latencyMs = 12.5;
        p.segment = new LinkedHashMap<>(Map.of("country", "DE", "device", "ios"));
        p.error = "timeout";
        p.origin = new Origin("predictions", 3, Long.MAX_VALUE);
        s.prediction = p;
        s.timer = Long.MAX_VALUE;
        return s;
    }

    private static JoinState random(Random r) {
        JoinState s = new JoinState();
        s.attributionEnd = r.nextLong();
        s.eventIds = maybe(r, () -> list(r, () -> string(r)));
        s.eventsClosed = r.nextBoolean();
        s.expired = r.nextBoolean();
        s.failed = r.nextBoolean();
        s.filedAt = r.nextLong();
        s.graceMs = r.nextInt();
        s.horizonEnd = r.nextLong();
        s.kpiDenominators = maybe(r, () -> map(r, () -> number(r)));
        s.kpiNumerators = maybe(r, () -> map(r, () -> number(r)));
        s.labeled = r.nextBoolean();
        s.lateSeen = r.nextBoolean();
        s.pendingDuplicateOrigins = maybe(r, () -> list(r, () -> origin(r)));
        s.pendingDuplicates = r.nextInt();
        s.pendingEvents = maybe(
                r,
                () -> list(
                        r,
                        () -> maybe(r, () -> {
                            BusinessEvent e = new BusinessEvent();
                            e.eventId = string(r);
                            e.ts = r.nextLong();
                            e.type = string(r);
                            e.predictionId = string(r);
                            e.model = string(r);
                            e.version = string(r);
                            e.value = number(r);
                            e.origin = origin(r);
                            return e;
                        })));
        s.pendingLabel = maybe(r, () -> {
            Label l = new Label();
            l.predictionId = string(r);
            l.ts = r.nextLong();
            l.label = string(r);
            l.value = number(r);
            l.origin = origin(r);
            return l;
        });
        s.prediction = maybe(r, () -> {
            Prediction p = new Prediction();
            p.predictionId = string(r);
            p.model = string(r);
            p.version = string(r);
            p.ts = r.nextLong();
            p.label = string(r);
            p.value = number(r);
            p.score = number(r);
            p.scores = maybe(r, () -> map(r, () -> number(r)));
            p.latencyMs = number(r);
            p.segment = maybe(r, () -> map(r, () -> string(r)));
            p.error = string(r);
            p.origin = origin(r);
            return p;
        });
        s.timer = r.nextLong();
        return s;
    }

    /** Null a quarter of the time. */
    private static <T> T maybe(Random r, Supplier<T> value) {
        return r.nextInt(4) == 0 ? null : value.get();
    }

    private static <T> List<T> list(Random r, Supplier<T> element) {
        List<T> list = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) list.add(element.get());
        return list;
    }

    private static <V> Map<String, V> map(Random r, Supplier<V> value) {
        Map<String, V> map = new HashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) map.put(string(r), value.get());
        return map;
    }

    /** Null, empty, ASCII, or beyond Latin-1 and the BMP. */
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
        return switch (r.nextInt(5)) {
            case 0 -> null;
            case 1 -> Double.NaN;
            case 2 -> -0.0;
            default -> r.nextGaussian() * 1e6;
        };
    }

    private static Origin origin(Random r) {
        return maybe(r, () -> new Origin(string(r), r.nextInt(), r.nextLong()));
    }

    // Bytes.

    /** The POJO bytes from both, each read by the other and written back to the same bytes, every byte read. */
    private static void assertSameBytesBothWays(JoinState state) throws IOException {
        byte[] pojo = bytes(POJO, state);
        assertArrayEquals(pojo, bytes(SERIALIZER, state));
        DataInputDeserializer in = new DataInputDeserializer(pojo);
        JoinState read = SERIALIZER.deserialize(in);
        assertEquals(0, in.available(), "every byte read");
        // A map read back iterates in its own order (the POJO serializer's own round trip reorders them too).
        byte[] canonical = bytes(POJO, canonical(state));
        assertArrayEquals(canonical, bytes(POJO, canonical(read)));
        assertArrayEquals(
                canonical,
                bytes(POJO, canonical(POJO.deserialize(new DataInputDeserializer(bytes(SERIALIZER, state))))));
    }

    /** The state with every map in the order of its keys (null first). */
    private static JoinState canonical(JoinState s) {
        if (s == null) return null;
        s.kpiNumerators = sorted(s.kpiNumerators);
        s.kpiDenominators = sorted(s.kpiDenominators);
        if (s.prediction != null) {
            s.prediction.scores = sorted(s.prediction.scores);
            s.prediction.segment = sorted(s.prediction.segment);
        }
        return s;
    }

    private static <V> Map<String, V> sorted(Map<String, V> map) {
        if (map == null) return null;
        Map<String, V> sorted = new TreeMap<>(Comparator.nullsFirst(Comparator.<String>naturalOrder()));
        sorted.putAll(map);
        return new LinkedHashMap<>(sorted);
    }

    private static byte[] bytes(TypeSerializer<JoinState> serializer, JoinState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(state, out);
        return out.getCopyOfBuffer();
    }

    private static <T> TypeSerializerSnapshot<T> writtenAndRead(TypeSerializerSnapshot<T> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), JoinStateSerializerTest.class.getClassLoader());
    }

    /**
     * The POJO snapshot of JoinState without one field, as a build before that field wrote it (through the constructor
     * Flink's own snapshot uses).
     */
    private static TypeSerializerSnapshot<JoinState> layoutWithout(String missing) throws Exception {
        PojoSerializer<JoinState> pojo = (PojoSerializer<JoinState>) POJO;
        Field fieldsField = PojoSerializer.class.getDeclaredField("fields");
        Field serializersField = PojoSerializer.class.getDeclaredField("fieldSerializers");
        fieldsField.setAccessible(true);
        serializersField.setAccessible(true);
        Field[] fields = (Field[]) fieldsField.get(pojo);
        TypeSerializer<?>[] serializers = (TypeSerializer<?>[]) serializersField.get(pojo);
        List<Field> keptFields = new ArrayList<>();
        List<TypeSerializerSnapshot<?>> keptSnapshots = new ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].getName().equals(missing)) continue;
            keptFields.add(fields[i]);
            keptSnapshots.add(serializers[i].snapshotConfiguration());
        }
        assertEquals(fields.length - 1, keptFields.size(), missing + " is a field");
        Constructor<?> c = PojoSerializerSnapshot.class.getDeclaredConstructor(
                Class.class,
                Field[].class,
                TypeSerializerSnapshot[].class,
                LinkedHashMap.class,
                Map.class,
                SerializerConfig.class);
        c.setAccessible(true);
        @SuppressWarnings("unchecked")
        TypeSerializerSnapshot<JoinState> older = (TypeSerializerSnapshot<JoinState>) c.newInstance(
                JoinState.class,
                keptFields.toArray(new Field[0]),
                keptSnapshots.toArray(new TypeSerializerSnapshot[0]),
                new LinkedHashMap<>(),
                new HashMap<>(),
                new SerializerConfigImpl());
        return writtenAndRead(older);
    }

    /** So that the byte comparison covers every field the class has: none is left at its default. */
    private static void assertEveryFieldSet(Object o) throws IllegalAccessException {
        for (Field f : o.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            Object v = f.get(o);
            assertNotNull(v, f.getName());
            assertTrue(
                    !(v instanceof Number n) || n.doubleValue() != 0 || v instanceof Double d && d.equals(-0.0),
                    f.getName() + " is 0");
            assertTrue(!(v instanceof Boolean b) || b, f.getName() + " is false");
        }
        assertTrue(Arrays.stream(o.getClass().getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .allMatch(f -> Modifier.isPublic(f.getModifiers())));
    }
}
