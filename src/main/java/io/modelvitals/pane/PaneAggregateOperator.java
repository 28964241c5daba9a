package io.modelvitals.pane;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.Keys;
import io.modelvitals.events.PaneRecord;
import io.modelvitals.vitals.Mergeable;
import io.modelvitals.vitals.Sliced;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;

/**
 * First aggregation phase, in the task that produced the records (chained, no shuffle): folds each
 * record into an in-memory accumulator per (model, version, pane), where a pane is one slide of the
 * model's window, and emits the panes' partials when the watermark passes their end. The second phase
 * merges the partials of all subtasks per (model, version, slice) and assembles windows from panes.
 *
 * <p>So a record is never shuffled nor kept in keyed window state: a hot model is pre-aggregated by
 * every subtask of the upstream operator (which is keyed by prediction_id, so it spreads by itself),
 * RocksDB never sees per-record window updates, and a sliding window costs one pane update per record
 * instead of one update per window. Open panes are checkpointed as operator state. A record whose pane
 * was already emitted goes to the late side output.
 *
 * <p>With a delay D &gt; 0 ({@link PaneDelay}: records of time t keep arriving until the watermark passes their pane's
 * end − 1 + D, D possibly days), panes are not held for D: each time the watermark crosses a slide boundary of the
 * model, every pane of the model emits what it has accumulated so far and starts again, so a pane's partials may
 * come several times (the second phase merges them as it merges several subtasks' partials). A record is late only
 * once its pane's end − 1 + D ≤ watermark. With D = 0 nothing changes: a pane is emitted once, at its end.
 */
public class PaneAggregateOperator<IN extends PaneRecord, A extends Mergeable<A>, ACC extends Sliced<A>>
        extends AbstractStreamOperator<PanePartial<A>> implements OneInputStreamOperator<IN, PanePartial<A>> {

    private final MonitorSpec spec;
    private final SlicedAggregator<IN, A, ACC> aggregate;
    private final TypeInformation<ACC> accType;
    private final OutputTag<IN> lateTag;
    private final PaneDelay delay;

    /**
     * Open panes by (model, version, start). An object key, not the string of the checkpoint's "pane-keys": building and
     * hashing that string for every record was 5% of the join's task (two Long.toString and a concatenation per record
     * and stage, docs/benchmarks.md).
     */
    private transient Map<PaneKey, Pane<ACC>> panes;

    private transient long watermark;
    private transient ListState<String> paneKeysState;
    private transient ListState<ACC> paneAccsState;
    private transient ListState<Long> watermarkState;

    /** A pane's identity in memory: what its checkpoint key says (a pane restored after a slide change keeps its end). */
    private record PaneKey(String model, String version, long start, long end) {}

    private static final class Pane<ACC> {
        final String model;
        final String version;
        final long start;
        final long end;
        final ACC acc;
        /** D of the pane's model (0: emitted once, at its end); from the current spec, not checkpointed. */
        final long delay;

        final long slide;

        Pane(String model, String version, long start, long end, ACC acc, long delay, long slide) {
            this.model = model;
            this.version = version;
            this.start = start;
            this.end = end;
            this.acc = acc;
            this.delay = delay;
            this.slide = slide;
        }

        /** The pane as the checkpoint names it ("pane-keys"): a savepoint contract. */
        String key() {
            return Keys.of(model, version, Long.toString(start), Long.toString(end));
        }

        PaneKey id() {
            return new PaneKey(model, version, start, end);
        }
    }

    /** @param accType the first phase's state type: its class name is in savepoints, so it stays the same */
    public PaneAggregateOperator(
            MonitorSpec spec,
            SlicedAggregator<IN, A, ACC> aggregate,
            TypeInformation<ACC> accType,
            OutputTag<IN> lateTag) {
        this(spec, aggregate, accType, lateTag, PaneDelay.NONE);
    }

    /** @param delay how long after its pane's end a record may still arrive, per model (see the class comment) */
    public PaneAggregateOperator(
            MonitorSpec spec,
            SlicedAggregator<IN, A, ACC> aggregate,
            TypeInformation<ACC> accType,
            OutputTag<IN> lateTag,
            PaneDelay delay) {
        this.spec = spec;
        this.aggregate = aggregate;
        this.accType = accType;
        this.lateTag = lateTag;
        this.delay = delay;
    }

    private Pane<ACC> newPane(String model, String version, long start, long end, ACC acc) {
        ModelSpec m = spec.modelOrDefaults(model);
        return new Pane<>(model, version, start, end, acc, delay.ms(m), m.windowSlideMs());
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        panes = new HashMap<>();
        watermark = Long.MIN_VALUE;
        paneKeysState =
                context.getOperatorStateStore().getListState(new ListStateDescriptor<>("pane-keys", Types.STRING));
        paneAccsState =
                context.getOperatorStateStore().getListState(new ListStateDescriptor<>("pane-accumulators", accType));
        // The watermark already passed survives a restart, so a record that was late before it still is
        // (else a window already emitted could be emitted again with just that record).
        watermarkState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("pane-watermark", Types.LONG));
        for (Long w : watermarkState.get()) watermark = Math.max(watermark, w);
        Iterator<ACC> accs = paneAccsState.get().iterator();
        for (String key : paneKeysState.get()) {
            String[] parts = Keys.split(key);
            ACC acc = accs.next();
            Pane<ACC> restored = newPane(parts[0], parts[1], Long.parseLong(parts[2]), Long.parseLong(parts[3]), acc);
            // After a rescale two subtasks' partials of one pane may land here: merge them.
            panes.merge(
                    restored.id(),
                    restored,
                    (a, b) -> newPane(a.model, a.version, a.start, a.end, aggregate.merge(a.acc, b.acc)));
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<String> keys = new ArrayList<>(panes.size());
        List<ACC> accs = new ArrayList<>(panes.size());
        for (Pane<ACC> p : panes.values()) {
            keys.add(p.key());
            accs.add(p.acc);
        }
        paneKeysState.update(keys);
        paneAccsState.update(accs);
        watermarkState.update(List.of(watermark));
    }

    @Override
    public void processElement(StreamRecord<IN> record) throws Exception {
        IN in = record.getValue();
        String model = in.model();
        ModelSpec modelSpec = spec.modelOrDefaults(model);
        long slide = modelSpec.windowSlideMs();
        long ts = in.time();
        long start = ts - Math.floorMod(ts, slide);
        long end = start + slide;
        if (PaneDelay.after(end - 1, delay.ms(modelSpec)) <= watermark) {
            output.collect(lateTag, record);
            return;
        }
        String version = in.version();
        PaneKey key = new PaneKey(model, version, start, end);
        Pane<ACC> pane = panes.get(key);
        if (pane == null) {
            pane = newPane(model, version, start, end, aggregate.createAccumulator());
            panes.put(key, pane);
        }
        aggregate.add(in, pane.acc);
    }

    /**
     * When this subtask's input goes idle, downstream stops waiting for its watermark, so its open
     * panes would reach the second phase after their windows were computed. Emit them now instead:
     * if more records of a pane come later, their partial is merged as long as the window is open.
     */
    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) flush(watermark, Long.MAX_VALUE);
        super.processWatermarkStatus(status);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long previous = watermark;
        watermark = Math.max(watermark, mark.getTimestamp());
        flush(previous, watermark);
        // Partials go out before the watermark that completes them, so the second phase never sees them late.
        super.processWatermark(mark);
    }

    /**
     * Emits (and forgets) every pane that ends at or before {@code upTo}, oldest first; with a delay, every pane of a
     * model whose slide boundary the watermark crossed from {@code previous} to {@code upTo}.
     */
    private void flush(long previous, long upTo) {
        if (!panes.isEmpty()) {
            List<Pane<ACC>> due = new ArrayList<>();
            for (Pane<ACC> p : panes.values()) {
                if (p.end - 1 <= upTo && (p.delay == 0 || upTo == Long.MAX_VALUE)) due.add(p);
                else if (p.delay > 0 && crossed(previous, upTo, p.slide)) due.add(p);
            }
            due.sort((a, b) -> Long.compare(a.end, b.end));
            StreamRecord<PanePartial<A>> reuse = new StreamRecord<>(null);
            for (Pane<ACC> p : due) {
                // Stamped with the pane's last instant: the partial belongs to the pane, whatever the watermark.
                for (Map.Entry<String, A> slice : p.acc.slices().entrySet()) {
                    PanePartial<A> partial = new PanePartial<>();
                    partial.model = p.model;
                    partial.version = p.version;
                    partial.slice = slice.getKey();
                    partial.windowStart = p.start;
                    partial.windowEnd = p.end;
                    partial.accumulator = slice.getValue();
                    output.collect(reuse.replace(partial, p.end - 1));
                }
                panes.remove(p.id());
            }
        }
    }

    /** Whether the watermark passed the last instant of some slide (a pane's end − 1) from {@code from} to {@code to}. */
    static boolean crossed(long from, long to, long slide) {
        if (to == Long.MAX_VALUE) return true;
        if (from == Long.MIN_VALUE) return to != Long.MIN_VALUE;
        return Math.floorDiv(to + 1, slide) > Math.floorDiv(from + 1, slide);
    }
}
