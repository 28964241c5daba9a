package io.modelvitals.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.Label;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class DeadLetterBlindWatermarksTest {

    @Test
    void deadLettersNeverReachTheGenerator() {
        List<Long> seen = new ArrayList<>();
        WatermarkGenerator<InputRecord> recording = new WatermarkGenerator<>() {
            @Override
            public void onEvent(InputRecord event, long ts, WatermarkOutput output) {
                seen.add(ts);
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {}
        };
        DeadLetterBlindWatermarks blind = new DeadLetterBlindWatermarks(recording);
        Label label = new Label();
        label.ts = 42;
        blind.onEvent(InputRecord.of(new DeadLetter("broken", null, "x", "utf8")), Long.MIN_VALUE, null);
        blind.onEvent(InputRecord.of(label), 42, null);
        blind.onEvent(InputRecord.of(new DeadLetter("broken", null, "y", "utf8")), Long.MIN_VALUE, null);
        // Only the label counts as activity: the idleness wrapper inside sees nothing else.
        assertEquals(List.of(42L), seen);
    }
}
