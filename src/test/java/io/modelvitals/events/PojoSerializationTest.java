package io.modelvitals.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.QuantileSketch;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every type that crosses the network or sits in state is a POJO Flink serializes without Kryo. */
class PojoSerializationTest {

    @ParameterizedTest
    @ValueSource(
            classes = {
                Origin.class,
                Prediction.class,
                Label.class,
                BusinessEvent.class,
                DeadLetter.class,
                InputRecord.class,
                JoinResult.class,
                // VitalRecord names its own type: its POJO bytes, written by hand (VitalRecordSerializerTest).
                RuleCheck.class,
                AlertRecord.class,
                ClassificationAccumulator.class,
                OutputSample.class,
                OutputSummary.class,
                io.modelvitals.vitals.OutputAccumulator.class,
                io.modelvitals.vitals.SlicedClassification.class,
                io.modelvitals.vitals.SlicedOutputs.class,
                io.modelvitals.functions.OutputDriftFunction.FixedReference.class,
                io.modelvitals.functions.PredictionJoinOperator.JoinState.class,
                io.modelvitals.functions.AlertLifecycleFunction.AlertState.class,
                AttributedEvent.class,
                KpiIncrement.class,
                KpiSummary.class,
                io.modelvitals.vitals.KpiAccumulator.class,
                io.modelvitals.vitals.ExperimentSums.class,
                io.modelvitals.vitals.ExperimentTraffic.class,
                io.modelvitals.vitals.SlicedKpis.class,
                Feedback.class,
                Heartbeat.class,
                io.modelvitals.functions.AbsenceDetector.Activity.class,
                io.modelvitals.vitals.ScoreAccumulator.class,
                ScoredRecord.class,
                EstimationSummary.class,
                io.modelvitals.vitals.ScoreBins.class,
                io.modelvitals.vitals.EstimationAccumulator.class,
                io.modelvitals.vitals.SlicedEstimation.class,
                io.modelvitals.vitals.CalibrationState.class
            })
    void serializedAsPojoWithoutKryo(Class<?> type) {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(type);
    }

    @Test
    void panePartialsAreSerializedAsPojosWithoutKryo() {
        // Generic: Flink sees the accumulator's type only through the type hint the stages give it.
        var info = new org.apache.flink.api.common.typeinfo.TypeHint<
                io.modelvitals.pane.PanePartial<io.modelvitals.vitals.ClassificationAccumulator>>() {}.getTypeInfo();
        org.junit.jupiter.api.Assertions.assertTrue(
                info instanceof org.apache.flink.api.java.typeutils.PojoTypeInfo, info.toString());
        var pojo = (org.apache.flink.api.java.typeutils.PojoTypeInfo<?>) info;
        var accumulator = pojo.getTypeAt(pojo.getFieldIndex("accumulator"));
        org.junit.jupiter.api.Assertions.assertEquals(
                io.modelvitals.vitals.ClassificationAccumulator.class, accumulator.getTypeClass());
        org.junit.jupiter.api.Assertions.assertTrue(
                accumulator instanceof org.apache.flink.api.java.typeutils.PojoTypeInfo, accumulator.toString());
    }

    @Test
    void aMapOfMapsWouldFallBackToKryo() {
        // Guards the test above: it does fail on a type Flink cannot serialize natively.
        assertThrows(AssertionError.class, () -> PojoTestUtils.assertSerializedAsPojoWithoutKryo(NestedMap.class));
    }

    /** A type the check must reject. */
    public static class NestedMap {
        public java.util.Map<String, java.util.Map<String, Long>> cells;

        public NestedMap() {}
    }

    @Test
    void accumulatorRoundTripsThroughItsSerializer() throws Exception {
        ClassificationAccumulator acc = new ClassificationAccumulator();
        acc.confusion.put(ClassificationAccumulator.cell("a", "b"), 3L);
        acc.classifiedPairs = 3;
        acc.expired = 7;
        for (int i = 1; i <= 500; i++) acc.labelDelayMs.update(i);

        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeInformation<ClassificationAccumulator> info = TypeInformation.of(ClassificationAccumulator.class);
        assertEquals(PojoTypeInfo.class, info.getClass());
        TypeSerializer<ClassificationAccumulator> serializer = info.createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(acc, out);
        ClassificationAccumulator back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertEquals(3L, back.confusion.get(ClassificationAccumulator.cell("a", "b")));
        assertEquals(7, back.expired);
        assertEquals(500, back.labelDelayMs.count());
        assertEquals(acc.labelDelayMs.quantile(0.5), back.labelDelayMs.quantile(0.5));
        QuantileSketch copy = serializer.copy(acc).labelDelayMs;
        assertEquals(500, copy.count());
    }
}
