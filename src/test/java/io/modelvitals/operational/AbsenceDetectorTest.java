package io.modelvitals.operational;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.Heartbeat;
import io.modelvitals.events.VitalRecord;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Silence after 10 s, seen on either clock; both driven by hand. */
class AbsenceDetectorTest {
    private static final MonitorSpec SPEC =
            SpecLoader.parse("models: [{name: m, absence: {predictions: 10s}}]\n", "test");

    private static KeyedOneInputStreamOperatorTestHarness<String, Heartbeat, VitalRecord> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Heartbeat, VitalRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AbsenceDetector(SPEC)), Heartbeat::key, Types.STRING);
        h.open();
        return h;
    }

    private static StreamRecord<Heartbeat> beat(long ts) {
        Heartbeat b = new Heartbeat();
        b.model = "m";
        b.version = "all";
        b.stream = Heartbeat.PREDICTIONS;
        b.ts = ts;
        return new StreamRecord<>(b, ts);
    }

    @Test
    void idleTopicsAreNoticedByTheWallClock() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(1_000);
            h.processElement(beat(50_000));
            h.setProcessingTime(10_999);
            assertEquals(List.of(), h.extractOutputValues());
            h.setProcessingTime(11_000); // 10 s of wall clock without a heartbeat; no watermark moved
            List<VitalRecord> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals("prediction_silence_s", out.get(0).vital);
            assertEquals(10.0, out.get(0).value);
            assertEquals(60_000, out.get(0).windowEnd, "last activity + silence");
            h.setProcessingTime(21_000); // still silent: reported again, longer
            assertEquals(20.0, h.extractOutputValues().get(1).value);
            h.setProcessingTime(22_000);
            h.processElement(beat(70_000)); // traffic is back
            VitalRecord back = h.extractOutputValues().get(2);
            assertEquals(0.0, back.value);
            assertEquals(70_001, back.windowEnd, "strictly after the last silence report (which ended at 50 s + 20 s)");
        }
    }

    @Test
    void otherTrafficMovingTheWatermarkRevealsSilenceInEventTime() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(0);
            h.processElement(beat(50_000));
            h.processWatermark(new Watermark(59_999));
            assertEquals(List.of(), h.extractOutputValues());
            h.processWatermark(new Watermark(65_000));
            List<VitalRecord> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals(15.0, out.get(0).value, "the watermark is 15 s past the last prediction");
        }
    }

    @Test
    void theEndOfABoundedInputIsNotSilence() throws Exception {
        try (var h = harness()) {
            h.setProcessingTime(0);
            h.processElement(beat(50_000));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertEquals(List.of(), h.extractOutputValues());
        }
    }

    @Test
    void aRestartIsNotSilence() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.setProcessingTime(1_000);
            h.processElement(beat(50_000));
            snapshot = h.snapshot(1, 2_000);
        }
        // Restored an hour (of wall clock) later: the timer due at 11 s fires at once, but the silence counts from the
        // restart.
        try (KeyedOneInputStreamOperatorTestHarness<String, Heartbeat, VitalRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AbsenceDetector(SPEC)), Heartbeat::key, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(3_600_000);
            assertEquals(List.of(), h.extractOutputValues(), "no silence reported for the downtime");
            h.setProcessingTime(3_610_000); // ten seconds after the restart, still nothing came
            assertEquals(1, h.extractOutputValues().size());
            assertEquals(10.0, h.extractOutputValues().get(0).value);
        }
    }
}
