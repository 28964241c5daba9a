package io.modelvitals.pane;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.Keys;
import io.modelvitals.vitals.Mergeable;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableSupplier;

/**
 * Second phase of the two-phase aggregation: merges the first phase's pane partials of one (model, version, slice)
 * into one accumulator per pane, and when the watermark passes a window's end combines the window's panes into its
 * result. A pane partial is merged once, whatever the number of windows it belongs to: a sliding window of ten
 * slides costs ten pane merges when it fires, not a copy of every partial into ten window accumulators (the
 * WindowOperator's way, which held ten times the state and merged every partial ten times).
 *
 * <p>Windows per the key's model: they start at multiples of the slide (tumbling when size and slide are equal)
 * and take the panes whose start falls in them. A window with no pane is not emitted. A partial whose windows have
 * all fired goes to the late side output; one whose first windows have fired counts in the later ones only.
 * Panes are dropped once the last window that needs them has fired, so state is bounded by one window per key.
 *
 * <p>With a delay D &gt; 0 ({@link PaneDelay}) a window is computed when the watermark passes its end − 1 + D, once,
 * final: its records may arrive until then, and its panes' partials come several times (the first phase flushes at
 * every slide). A partial is late only when every window that takes its pane has been computed.
 */
public class PaneWindowCombiner<ACC extends Mergeable<ACC>, OUT>
        extends KeyedProcessFunction<String, PanePartial<ACC>, OUT> {
    /** Turns a window's combined accumulator into output, stamped with the key and window. */
    public interface WindowEmitter<ACC, OUT> extends Serializable {
        void emit(String key, long windowStart, long windowEnd, ACC acc, Collector<OUT> out);
    }

    private final MonitorSpec spec;
    private final SerializableSupplier<ACC> newAccumulator;
    private final WindowEmitter<ACC, OUT> emitter;
    private final TypeInformation<ACC> accType;
    private final OutputTag<PanePartial<ACC>> lateTag;
    private final PaneDelay delay;
    private transient MapState<Long, ACC> panes;

    /** @param accType the type of the panes' state: its class name is in savepoints, so it stays the same */
    public PaneWindowCombiner(
            MonitorSpec spec,
            SerializableSupplier<ACC> newAccumulator,
            WindowEmitter<ACC, OUT> emitter,
            TypeInformation<ACC> accType,
            OutputTag<PanePartial<ACC>> lateTag) {
        this(spec, newAccumulator, emitter, accType, lateTag, PaneDelay.NONE);
    }

    /** @param delay how long after a window's end its records may still arrive, per model (see the class comment) */
    public PaneWindowCombiner(
            MonitorSpec spec,
            SerializableSupplier<ACC> newAccumulator,
            WindowEmitter<ACC, OUT> emitter,
            TypeInformation<ACC> accType,
            OutputTag<PanePartial<ACC>> lateTag,
            PaneDelay delay) {
        this.delay = delay;
        this.spec = spec;
        this.newAccumulator = newAccumulator;
        this.emitter = emitter;
        this.accType = accType;
        this.lateTag = lateTag;
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<Long, ACC> descriptor = new MapStateDescriptor<>("panes", Types.LONG, accType);
        // Panes go when their last window fires. The TTL is a safety net for what that misses: a watermark that never
        // advances, or a window size changed on restore (windows are cut by the current spec).
        long longestWindow = 1;
        for (ModelSpec m : spec.monitored())
            longestWindow = Math.max(longestWindow, PaneDelay.after(m.windowSizeMs(), delay.ms(m)));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(
                        Math.max(4 * longestWindow, Duration.ofDays(7).toMillis())))
                .disableCleanupInBackground()
                .cleanupFullSnapshot()
                .build());
        panes = getRuntimeContext().getMapState(descriptor);
    }

    private ModelSpec model(String key) {
        return spec.modelOrDefaults(Keys.split(key)[0]);
    }

    @Override
    public void processElement(PanePartial<ACC> partial, Context ctx, Collector<OUT> out) throws Exception {
        ModelSpec model = model(ctx.getCurrentKey());
        long size = model.windowSizeMs(), slide = model.windowSlideMs(), d = delay.ms(model);
        long pane = partial.windowStart;
        long watermark = ctx.timerService().currentWatermark();
        // The windows that take this pane end at start + size for each start (a multiple of the slide) in (pane − size,
        // pane].
        long lastStart = pane - Math.floorMod(pane, slide);
        boolean counted = false;
        for (long start = lastStart; start > pane - size; start -= slide) {
            long end = start + size;
            long due = PaneDelay.after(end - 1, d);
            if (due > watermark) {
                ctx.timerService().registerEventTimeTimer(due);
                counted = true;
            }
        }
        if (!counted) {
            ctx.output(lateTag, partial);
            return;
        }
        ACC acc = panes.get(pane);
        panes.put(pane, (acc == null ? newAccumulator.get() : acc).merge(partial.accumulator));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        ModelSpec model = model(ctx.getCurrentKey());
        long end = timestamp + 1 - delay.ms(model), start = end - model.windowSizeMs();
        ACC window = null;
        List<Long> done = new ArrayList<>();
        for (Map.Entry<Long, ACC> e : panes.entries()) {
            long pane = e.getKey();
            if (pane >= start && pane < end)
                window = (window == null ? newAccumulator.get() : window).merge(e.getValue());
            // No later window (they start at start + slide or after) takes a pane before that.
            if (pane < start + model.windowSlideMs()) done.add(pane);
        }
        if (window != null) emitter.emit(ctx.getCurrentKey(), start, end, window, out);
        for (Long pane : done) panes.remove(pane);
    }
}
