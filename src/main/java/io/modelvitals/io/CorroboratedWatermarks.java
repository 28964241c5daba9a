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
 * them), or once nothing has contradicted it for {@link #SILENCE_MS} of input activity (the last records of a
 * partition). A record within the bound resets the streak. The bound is the out-of-orderness itself: a record at most
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
    /** Records in a row ahead of it by more than the bound, and the earliest of them. */
    private int streak;

    private long streakMin;
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
        if (maxTs != Long.MIN_VALUE && ts <= maxTs + outOfOrdernessMs) {
            maxTs = Math.max(maxTs, ts);
            streak = 0;
            return;
        }
        if (maxTs != Long.MIN_VALUE) held.inc();
        streakMin = streak == 0 ? ts : Math.min(streakMin, ts);
        if (++streak >= QUORUM) corroborate();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (streak > 0 && clock.relativeTimeMillis() - lastEventMs >= SILENCE_MS) corroborate();
        // As BoundedOutOfOrdernessWatermarks: everything up to maxTs - bound - 1 has been seen.
        if (maxTs != Long.MIN_VALUE) output.emitWatermark(new Watermark(maxTs - outOfOrdernessMs - 1));
    }

    private void corroborate() {
        maxTs = Math.max(maxTs, streakMin);
        streak = 0;
    }
}
