package io.modelvitals.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.io.KafkaIO;
import io.modelvitals.job.VitalsJob;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The serializers of the shuffle from the sources to the join: every field, set or null, comes back as it was written,
 * compared field by field by reflection (so a field added to an event and forgotten here fails the test), and the
 * job gives them to those edges only: the join's state keeps the POJO bytes (they are in savepoints).
 */
class WireSerializerTest {

    @Test
    void aPredictionWithEveryFieldSetComesBackWhole() throws Exception {
        Prediction p = new Prediction();
        p.predictionId = "p-1";
        p.model = "ranker";
        p.version = "v2";
        p.ts = 1_767_225_600_123L;
        p.label = "";
        p.value = -0.0;
        p.score = Double.NaN;
        p.scores = new LinkedHashMap<>(Map.of("a", 0.25, "b", 0.75));
        p.scores.put("c", null);
        p.latencyMs = 12.5;
        p.segment = new LinkedHashMap<>(Map.of("country", "DE", "device", "ios"));
        p.error = "timeout";
        p.origin = new Origin("predictions", 3, 9_000_000_000L);
        assertEveryFieldSet(p);
        assertSameFields(p, roundTrip(PredictionWireSerializer.INSTANCE, p));
        assertSameFields(p, PredictionWireSerializer.INSTANCE.copy(p));
        assertNotSame(p.scores, PredictionWireSerializer.INSTANCE.copy(p).scores);
    }

    @Test
    void aPredictionWithEveryNullableFieldNullComesBackSo() throws Exception {
        Prediction p = new Prediction();
        Prediction back = roundTrip(PredictionWireSerializer.INSTANCE, p);
        assertSameFields(p, back);
        assertNull(back.scores);
        assertNull(back.origin);
    }

    @Test
    void labelsAndBusinessEventsComeBackWhole() throws Exception {
        Label l = new Label();
        l.predictionId = "p-1";
        l.ts = 42;
        l.label = "cat";
        l.value = 3.25;
        l.origin = new Origin("labels", 2, 7);
        assertEveryFieldSet(l);
        BusinessEvent e = new BusinessEvent();
        e.eventId = "e-1";
        e.ts = 43;
        e.type = "play";
        e.predictionId = "p-2";
        e.model = "ranker";
        e.version = "v1";
        e.value = 1.0;
        e.origin = new Origin("events", 1, 8);
        assertEveryFieldSet(e);
        assertEveryFieldSet(both(l, e));
        for (Feedback f : new Feedback[] {Feedback.of(l), Feedback.of(e), new Feedback(), both(l, e)})
            assertSameFields(f, roundTrip(FeedbackWireSerializer.INSTANCE, f));
        assertSameFields(new Label(), roundTrip(FeedbackWireSerializer.INSTANCE, Feedback.of(new Label())).label);
        assertSameFields(
                new BusinessEvent(),
                roundTrip(FeedbackWireSerializer.INSTANCE, Feedback.of(new BusinessEvent())).event);
    }

    @Test
    void bytesOfAnotherLayoutOrNotFeedbackAreRefused() {
        // Another layout (records in flight in an unaligned checkpoint of another build), then a presence byte no
        // feedback has.
        assertThrows(
                IOException.class,
                () -> PredictionWireSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {2, 0})));
        assertThrows(
                IOException.class,
                () -> FeedbackWireSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {2, 1})));
        assertThrows(
                IOException.class,
                () -> FeedbackWireSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {1, 9})));
    }

    @Test
    void theJobGivesThemToTheJoinsInputsAndKeepsItsStateAPojo() {
        MonitorSpec spec = SpecLoader.parse(
                String.join(
                        "\n",
                        "kafka: {bootstrap_servers: '127.0.0.1:1'}",
                        "defaults:",
                        "  window: {size: 10m}",
                        "  attribution_window: 10m",
                        "  kpis:",
                        "    - {name: take_rate, numerator: {events: [play]}, denominator: {events: [impression]}}",
                        ""),
                "test");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        VitalsJob.defineWorkflow(env, spec, KafkaIO.sources(spec, false), KafkaIO.sinks(spec));
        StreamGraph graph = env.getStreamGraph();
        StreamNode join = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals("Join predictions with labels and business events"))
                .findFirst()
                .orElseThrow();
        TypeSerializer<?>[] in = join.getTypeSerializersIn();
        assertEquals(PredictionWireSerializer.class, in[0].getClass());
        assertEquals(FeedbackWireSerializer.class, in[1].getClass());

        // The join's state keeps the POJO bytes (and the pending prediction in them), not the wire layout: savepoints
        // hold them (its serializer writes them by hand, JoinStateSerializerTest).
        var state = io.modelvitals.join.PredictionJoinOperator.stateDescriptor(spec);
        state.initializeSerializerUnlessSet(new org.apache.flink.api.common.ExecutionConfig());
        assertTrue(
                state.getSerializer() instanceof PojoLayoutSerializer<?> layout
                        && layout.pojoSerializer() instanceof PojoSerializer,
                state.getSerializer().toString());
        var stateType =
                (PojoTypeInfo<?>) TypeInformation.of(io.modelvitals.functions.PredictionJoinOperator.JoinState.class);
        assertTrue(stateType.getTypeAt(stateType.getFieldIndex("prediction")) instanceof PojoTypeInfo);
    }

    private static Feedback both(Label l, BusinessEvent e) {
        Feedback f = Feedback.of(l);
        f.event = e;
        return f;
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = serializer.deserialize(in);
        assertEquals(0, in.available(), "every byte written is read");
        return back;
    }

    /**
     * So that the round trips above check every field the class has, declared fields included, and those of the events
     * inside it (an origin, a feedback's label and event).
     */
    private static void assertEveryFieldSet(Object o) throws IllegalAccessException {
        for (Field f : fields(o.getClass())) {
            Object v = f.get(o);
            // A primitive at its default would pass the round trip even if the serializer skipped it.
            boolean set = f.getType().isPrimitive()
                    ? !(v instanceof Number && ((Number) v).doubleValue() == 0) && !v.equals(false) && !v.equals('\0')
                    : v != null;
            assertTrue(set, o.getClass().getSimpleName() + "." + f.getName() + " is set in the test");
            if (isEvent(v)) assertEveryFieldSet(v);
        }
    }

    private static void assertSameFields(Object expected, Object actual) throws IllegalAccessException {
        if (expected == null) {
            assertNull(actual);
            return;
        }
        assertEquals(expected.getClass(), actual.getClass());
        for (Field f : fields(expected.getClass())) {
            Object a = f.get(expected);
            Object b = f.get(actual);
            if (isEvent(a)) assertSameFields(a, b);
            else if (a instanceof Double) assertEquals((Double) a, (Double) b, f.getName()); // NaN and -0.0 exactly
            else assertEquals(a, b, f.getName());
        }
    }

    private static boolean isEvent(Object v) {
        return v != null && v.getClass().getPackage() == Origin.class.getPackage();
    }

    private static java.util.List<Field> fields(Class<?> type) {
        java.util.List<Field> fields = new java.util.ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
            f.setAccessible(true);
            fields.add(f);
        }
        return fields;
    }
}
