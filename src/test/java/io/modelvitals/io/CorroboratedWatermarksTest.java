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
        // To the earliest of the three, 10 min; the other two are within the bound of it, so, read again, they
        // take it on to 10 min + 500 ms, as bounded out-of-orderness would.
        assertEquals(10 * MINUTE + 500 - BOUND - 1, watermark(), "the three agree");
    }

    @Test
    void aSparsePartitionsLastRecordsAreTakenAfterTheSilence() {
        // Records 1.2 s apart, further than the 1 s bound: every one is ahead, so the partition's time follows
        // two records behind, by quorum. After the record at 12,000 it is 9,600, with 10,800 and 12,000 held.
        for (long ts = 0; ts <= 12_000; ts += 1_200) record(ts);
        assertEquals(9_600 - BOUND - 1, watermark());
        // The closing record completes a quorum with those two: the time moves to their earliest, 10,800, and
        // 12,000 and the closing record are still ahead of it, so they stay held...
        record(30 * MINUTE);
        assertEquals(10_800 - BOUND - 1, watermark());
        // ...until the silence vouches for them (before the fix the two were forgotten, and nothing moved it again).
        clock.advanceTime(java.time.Duration.ofMillis(CorroboratedWatermarks.SILENCE_MS));
        assertEquals(30 * MINUTE - BOUND - 1, watermark());
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
