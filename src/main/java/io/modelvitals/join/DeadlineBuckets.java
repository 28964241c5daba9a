package io.modelvitals.join;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.functions.PredictionJoinOperator.JoinState;
import java.util.Arrays;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * The join's deadlines, coalesced: one event-time timer per bucket and key group rather than one per prediction.
 *
 * <p>Each prediction has one deadline at a time ({@link JoinState#timer}), but it does not get an event-time timer of
 * its own: a timer per pending prediction made the timer queue (poll, sift, register) the largest cost of the join
 * (docs/benchmarks.md). Deadlines are grouped into {@link #bucketMs} buckets per key group instead: the prediction_id
 * goes on the bucket's list (keyed list state under a key of that key group, namespaced by the bucket's end), and one
 * timer per bucket and key group fires at the bucket's end, when the operator expires the ids whose live entry is that
 * list ({@link JoinState#filedAt}). The results are the same as with a timer per prediction (each carries its own
 * deadline as its time): a deadline the watermark has passed also takes effect before the key's next record (the
 * operator's {@code current}), and an expiry released at its bucket's end still reaches its pane before the watermark
 * closes it, since the bucket divides every model's window slide. Keeping the buckets per key group keeps them in
 * step with the predictions' state when the job is rescaled.
 *
 * <p>The lists and the timers are the operator's ("join-deadlines"); this class switches the operator's current key
 * to a bucket's key and back around each use.
 */
final class DeadlineBuckets {
    /** The coarsest bucket of deadlines; a finer one is used when a window slide needs it. */
    static final long MAX_BUCKET_MS = 60_000;

    private final long bucketMs;
    /** The operator whose keyed state holds the lists. */
    private final AbstractStreamOperator<?> keyed;

    private final ListStateDescriptor<String> lists;
    private final InternalTimerService<Long> timers;
    private final KeyGroupRange keyGroups;
    private final int maxParallelism;
    /** For each key group of this subtask, the key its buckets are kept under. */
    private final String[] bucketKeys;
    /** Per key group of this subtask, the bucket whose timer was registered last. */
    private final long[] lastBucket;

    DeadlineBuckets(
            MonitorSpec spec,
            AbstractStreamOperator<?> keyed,
            ListStateDescriptor<String> lists,
            InternalTimerService<Long> timers,
            KeyGroupRange keyGroups,
            int maxParallelism) {
        this.bucketMs = bucketMs(spec);
        this.keyed = keyed;
        this.lists = lists;
        this.timers = timers;
        this.keyGroups = keyGroups;
        this.maxParallelism = maxParallelism;
        this.bucketKeys = bucketKeys(keyGroups, maxParallelism);
        this.lastBucket = new long[bucketKeys.length];
        Arrays.fill(lastBucket, Long.MIN_VALUE);
    }

    /** The largest bucket that divides every monitored model's window slide, at most {@link #MAX_BUCKET_MS}. */
    static long bucketMs(MonitorSpec spec) {
        long bucket = MAX_BUCKET_MS;
        for (ModelSpec m : spec.monitored()) bucket = gcd(bucket, m.windowSlideMs());
        return bucket;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /**
     * For each key group, the first of "\0deadlines:0", "\0deadlines:1", … that falls into it: the same on every
     * subtask and after any rescale. A prediction_id equal to one of them would do no harm: the buckets are
     * separate state and timers.
     */
    static String[] bucketKeys(KeyGroupRange range, int maxParallelism) {
        String[] keys = new String[range.getNumberOfKeyGroups()];
        int missing = keys.length;
        for (long i = 0; missing > 0; i++) {
            String key = "\0deadlines:" + i;
            int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
            if (range.contains(group) && keys[group - range.getStartKeyGroup()] == null) {
                keys[group - range.getStartKeyGroup()] = key;
                missing--;
            }
        }
        return keys;
    }

    /** {@code a + b}, or {@link Long#MAX_VALUE} (never) if that overflows. */
    static long saturatedAdd(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    /**
     * Sets the current key's deadline and files the key in the deadline's bucket, unless it is filed there already. A
     * key filed elsewhere before leaves a stale entry there, skipped when that bucket fires (cheaper than removing
     * it). The bucket lists are namespaced by the bucket's end, which is also their timer's time: buckets of another
     * size (a spec changed on restore) never lose an entry.
     */
    void schedule(JoinState st, long deadline) throws Exception {
        st.timer = deadline;
        long end = bucketEnd(deadline);
        if (st.filedAt == end) return;
        st.filedAt = end;
        String key = (String) keyed.getCurrentKey();
        int group = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism) - keyGroups.getStartKeyGroup();
        keyed.setCurrentKey(bucketKeys[group]);
        keyed.getPartitionedState(end, LongSerializer.INSTANCE, lists).add(key);
        // The timer is registered once per bucket and key group (a bucket still ahead of the watermark has not fired).
        if (lastBucket[group] != end || end <= timers.currentWatermark()) {
            timers.registerEventTimeTimer(end, end);
            lastBucket[group] = end;
        }
        keyed.setCurrentKey(key);
    }

    /**
     * The ids filed in the bucket that ends at {@code end} (null: none), whose timer has fired with its key group's
     * bucket key as the current key. The list is cleared first: a key filed into this same bucket while it fires
     * starts a new list and timer.
     */
    Iterable<String> drain(long end) throws Exception {
        ListState<String> entries = keyed.getPartitionedState(end, LongSerializer.INSTANCE, lists);
        Iterable<String> ids = entries.get();
        entries.clear();
        return ids;
    }

    /** The last millisecond of the deadline's bucket: once the watermark is there, every deadline in it has passed. */
    private long bucketEnd(long deadline) {
        return saturatedAdd(deadline - Math.floorMod(deadline, bucketMs), bucketMs - 1);
    }
}
