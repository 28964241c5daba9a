package io.modelvitals.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Passes records through and fails the job once, on the first record after a checkpoint completed (its
 * {@link #notifyCheckpointComplete}) that had seen at least one record: a restart from scratch, or from a
 * checkpoint of nothing, cannot pass for a restore. It counts the records it passed in operator state, so the
 * test can check that the restored count is the one snapshotted in the restored checkpoint.
 *
 * <p>The books are static: the restarted instance and the test share them (a MiniCluster runs in the test's
 * JVM and the function is on the test's classpath). One test at a time; {@link #reset} first. Run it at
 * parallelism 1.
 */
public final class FailAfterCheckpoint<T> extends RichMapFunction<T, T>
        implements CheckpointedFunction, CheckpointListener {
    public static final AtomicBoolean FAILED = new AtomicBoolean();
    /** The first completed checkpoint that had seen a record: from then on the next record throws. */
    public static final AtomicLong ARMED_BY = new AtomicLong(-1);
    /** At the throw: the last checkpoint notified complete, and the last one this function snapshotted. */
    public static final AtomicLong NOTIFIED_AT_FAILURE = new AtomicLong(-1);

    public static final AtomicLong SNAPSHOTTED_AT_FAILURE = new AtomicLong(-1);
    /** After the restart: the checkpoint it restored from (Flink's own word) and the count it found there. */
    public static final AtomicLong RESTORED_FROM = new AtomicLong(-1);

    public static final AtomicLong RESTORED_COUNT = new AtomicLong(-1);
    /** The count each checkpoint snapshotted. */
    public static final Map<Long, Long> COUNT_AT = new ConcurrentHashMap<>();

    private transient ListState<Long> state;
    private long count;
    private long lastNotified = -1;
    private long lastSnapshotted = -1;

    public static void reset() {
        FAILED.set(false);
        ARMED_BY.set(-1);
        NOTIFIED_AT_FAILURE.set(-1);
        SNAPSHOTTED_AT_FAILURE.set(-1);
        RESTORED_FROM.set(-1);
        RESTORED_COUNT.set(-1);
        COUNT_AT.clear();
    }

    @Override
    public T map(T value) {
        if (ARMED_BY.get() >= 0 && FAILED.compareAndSet(false, true)) {
            NOTIFIED_AT_FAILURE.set(lastNotified);
            SNAPSHOTTED_AT_FAILURE.set(lastSnapshotted);
            throw new IllegalStateException("injected failure after checkpoint " + lastNotified + " completed");
        }
        count++;
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        state.update(java.util.List.of(count));
        COUNT_AT.put(context.getCheckpointId(), count);
        lastSnapshotted = context.getCheckpointId();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("count", Long.class));
        count = 0;
        for (Long c : state.get()) count += c;
        if (context.isRestored()) {
            RESTORED_FROM.set(context.getRestoredCheckpointId().orElse(-2));
            RESTORED_COUNT.set(count);
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        lastNotified = checkpointId;
        Long seen = COUNT_AT.get(checkpointId);
        if (seen != null && seen > 0) ARMED_BY.compareAndSet(-1, checkpointId);
    }
}
