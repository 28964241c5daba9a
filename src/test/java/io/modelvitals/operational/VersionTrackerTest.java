package io.modelvitals.operational;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.OutputAccumulator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Daily windows: v1 serves from day 0, v2 appears on day 3 and takes over on day 4. */
class VersionTrackerTest {
    private static final long DAY = 86_400_000L;

    private static StreamRecord<OutputSummary> summary(String version, int day, long predictions, long errors) {
        OutputSummary s = new OutputSummary();
        s.model = "m";
        s.version = version;
        s.slice = "all";
        s.windowStart = day * DAY;
        s.windowEnd = (day + 1) * DAY;
        s.accumulator = new OutputAccumulator();
        s.accumulator.predictions = predictions;
        s.accumulator.errors = errors;
        return new StreamRecord<>(s, s.windowEnd - 1);
    }

    private static List<VitalRecord> of(List<VitalRecord> out, String vital, int day) {
        return out.stream()
                .filter(v -> v.vital.equals(vital) && v.windowStart == day * DAY)
                .collect(Collectors.toList());
    }

    @Test
    void sharesAgesNewVersionsAndTheServingVersion() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, OutputSummary, VitalRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new VersionTracker()), s -> s.model, Types.STRING)) {
            h.open();
            for (int day = 0; day < 3; day++) {
                h.processElement(summary("v1", day, 1000, 0));
                h.processWatermark(new Watermark((day + 1) * DAY - 1));
            }
            h.processElement(summary("v1", 3, 900, 0));
            h.processElement(summary("v2", 3, 90, 10)); // failures are traffic too
            h.processWatermark(new Watermark(4 * DAY - 1));
            h.processElement(summary("v1", 4, 200, 0));
            h.processElement(summary("v2", 4, 800, 0));
            h.processWatermark(new Watermark(5 * DAY - 1));

            List<VitalRecord> out = h.extractOutputValues();
            assertEquals(1, of(out, "new_version", 0).size());
            assertEquals("v2", of(out, "new_version", 3).get(0).version);
            assertEquals(0, of(out, "new_version", 4).size());
            VitalRecord v2Share = of(out, "version_share", 3).stream()
                    .filter(v -> v.version.equals("v2"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(0.1, v2Share.value, 1e-12);
            assertEquals(1000, v2Share.n);
            // Day 3: v1 serves most, first seen at the start of day 0, so 4 days old at the end of day 3.
            VitalRecord serving3 = of(out, "serving_version_age_days", 3).get(0);
            assertEquals("v1", serving3.version);
            assertEquals(4.0, serving3.value, 1e-12);
            // Day 4: v2 took over; it was first seen at the start of day 3.
            VitalRecord serving4 = of(out, "serving_version_age_days", 4).get(0);
            assertEquals("v2", serving4.version);
            assertEquals(2.0, serving4.value, 1e-12);
        }
    }
}
