package io.modelvitals.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/** The watermark of one partition, record by record, with input-activity time driven by hand. */
class CorroboratedWatermarksTest {
    private static final long BOUND = 1_000;
    private static final long MINUTE = 60_000;

    private final ManualClock clock = new ManualClock();
    private final SimpleCounter held = new SimpleCounter();
    private final CorroboratedWatermarks<Long> generator = new CorroboratedWatermarks<>(BOUND, clock, held);
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    private void record(long ts) {
        generator.onEvent(ts, ts, output);
        clock.advanceTime(java.time.Duration.ofMillis(10));
    }

    private long watermark() {
        generator.onPeriodicEmit(output);
        return emitted.get(emitted.size() - 1);
    }

    @Test
    void inOrderTrafficMovesItAsBoundedOutOfOrdernessDoes() {
        for (long ts = 0; ts < 10_000; ts += 250) record(ts);
        // 9,750 - 1,000 - 1, as BoundedOutOfOrdernessWatermarks(1 s) would say
        assertEquals(8_749, watermark());
    }

    @Test
    void aHandfulOfRecordsTenMinutesAheadLeaveTheWatermarkWithTheStream() {
        // One record in 20 comes from a server whose clock is 10 minutes ahead, never two in a row.
        for (int i = 0; i < 400; i++) record(i % 20 == 7 ? i * 250L + 10 * MINUTE : i * 250L);
        assertEquals(399 * 250L - BOUND - 1, watermark(), "the stream's own time, not the clock ahead");
        assertEquals(20, held.getCount(), "each of them held once");
    }

    @Test
    void aJumpThatQuorumRecordsInARowAgreeOnIsTaken() {
        for (long ts = 0; ts <= 5_000; ts += 250) record(ts);
        // The stream really moved on (a gap in traffic): three records in a row say so.
        record(10 * MINUTE);
        record(10 * MINUTE + 500);
        assertEquals(5_000 - BOUND - 1, watermark(), "two records are not yet a quorum");
        record(10 * MINUTE + 250);
        assertEquals(10 * MINUTE - BOUND - 1, watermark(), "to the earliest of the three");
    }

    @Test
    void aStreakBrokenByARecordOnTimeStartsOver() {
        for (long ts = 0; ts <= 5_000; ts += 250) record(ts);
        record(10 * MINUTE);
        record(10 * MINUTE + 1);
        record(5_100); // the stream's time again
        record(10 * MINUTE + 2);
        record(10 * MINUTE + 3);
        assertEquals(5_100 - BOUND - 1, watermark());
    }

    @Test
    void aPartitionsLastRecordIsTakenOnceNothingContradictsItForTheSilence() {
        for (long ts = 0; ts <= 5_000; ts += 250) record(ts);
        record(30 * MINUTE); // a closing record, the last of the partition
        clock.advanceTime(java.time.Duration.ofMillis(CorroboratedWatermarks.SILENCE_MS - 100));
        assertEquals(5_000 - BOUND - 1, watermark());
        clock.advanceTime(java.time.Duration.ofMillis(100));
        assertEquals(30 * MINUTE - BOUND - 1, watermark());
    }

    @Test
    void aWrongClockThatComesFirstDoesNotSetThePartitionsTime() {
        record(10 * MINUTE);
        record(0);
        record(250);
        record(500);
        assertEquals(500 - BOUND - 1, watermark(), "the stream's records, not the clock ahead");
    }
}
