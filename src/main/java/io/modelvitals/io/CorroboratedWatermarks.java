package io.modelvitals.io;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness per partition, except that one clock running ahead cannot move the watermark on its own.
 *
 * <p>A record more than the out-of-orderness bound ahead of the partition's highest corroborated timestamp is held
 * back: it moves the watermark only once {@link #QUORUM} records in a row are that far ahead (then to the earliest of
 * them; the others are read again against that time and stay held while still ahead), or once nothing has
 * contradicted it for {@link #SILENCE_MS} of input activity (the last records of a partition). A record within the
 * bound resets the streak. The bound is the out-of-orderness itself: a record at most
 * that far ahead raises the watermark to at most the highest corroborated timestamp, so no record that keeps the
 * out-of-orderness contract becomes late through it. The held records are not refused: they count in their own
 * windows, which are still open. docs/semantics.md has the reasoning and the figures.
 *
 * <p>The first records of a partition obey the same rule (nothing is corroborated yet), so a wrong clock that happens
 * to come first does not set the partition's time either.
 */
public class CorroboratedWatermarks<T> implements WatermarkGenerator<T> {
    /** Records in a row that make a jump true: a clock ahead on a share f of a partition's records jumps with f³. */
    public static final int QUORUM = 3;
    /** Input activity after a held record with nothing against it: then it is the partition's time (its last record). */
    public static final long SILENCE_MS = 5_000;

    private final long outOfOrdernessMs;
    private final RelativeClock clock;
    private final Counter held;

    /** The highest corroborated timestamp. */
    private long maxTs = Long.MIN_VALUE;
    /** The records in a row ahead of it by more than the bound, in arrival order (at most QUORUM - 1 between calls). */
    private final long[] streak = new long[QUORUM];

    private int streakLength;
    private long lastEventMs;

    /**
     * @param clock input activity time (it stands still while the source is paused or back-pressured)
     * @param held counts the records held back on arrival, past a partition's first (Flink metric
     *     {@code recordsAheadOfStream})
     */
    public CorroboratedWatermarks(long outOfOrdernessMs, RelativeClock clock, Counter held) {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.clock = clock;
        this.held = held != null ? held : new SimpleCounter();
    }

    @Override
    public void onEvent(T event, long ts, WatermarkOutput output) {
        lastEventMs = clock.relativeTimeMillis();
        if (maxTs != Long.MIN_VALUE) {
            if (ts <= maxTs + outOfOrdernessMs) {
                maxTs = Math.max(maxTs, ts);
                streakLength = 0;
                return;
            }
            held.inc();
        }
        streak[streakLength++] = ts;
        if (streakLength >= QUORUM) corroborate();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        // The silence vouches for every record still held, one after the other.
        while (streakLength > 0 && clock.relativeTimeMillis() - lastEventMs >= SILENCE_MS) corroborate();
        // As BoundedOutOfOrdernessWatermarks: everything up to maxTs - bound - 1 has been seen.
        if (maxTs != Long.MIN_VALUE) output.emitWatermark(new Watermark(maxTs - outOfOrdernessMs - 1));
    }

    /**
     * Takes the earliest held record as the partition's time, then reads the held records again, in arrival order,
     * against that time, as if they came now: those within the bound move it on (and, as on arrival, drop the held
     * records before them), those still ahead stay held. Without the second step the records after the earliest were
     * forgotten: a sparse partition (records further apart than the bound) whose last records formed the quorum
     * stopped two records short of its end, and no silence could move it (MidStreamFailureITCase hung on it).
     */
    private void corroborate() {
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < streakLength; i++) earliest = Math.min(earliest, streak[i]);
        maxTs = Math.max(maxTs, earliest);
        int still = 0;
        for (int i = 0; i < streakLength; i++) {
            if (streak[i] <= maxTs + outOfOrdernessMs) {
                maxTs = Math.max(maxTs, streak[i]);
                still = 0;
            } else {
                streak[still++] = streak[i];
            }
        }
        streakLength = still;
    }
}
