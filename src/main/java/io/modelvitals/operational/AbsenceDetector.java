package io.modelvitals.operational;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.Heartbeat;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.functions.AbsenceDetector.Activity;
import io.modelvitals.pane.SegmentSlicer;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The silent failure: a model (or version) that stops sending predictions, or stops receiving labels.
 * Keyed by (model, version, stream), fed with heartbeats. Silence is measured two ways, and whichever
 * sees it first reports it:
 * <ul>
 *   <li>in event time, when other traffic moves the watermark past the last activity plus the
 *       configured time (deterministic, so replays see it too);</li>
 *   <li>in processing time, when no heartbeat has come for the configured time of wall clock — the
 *       only clock that moves when every topic is idle.</li>
 * </ul>
 * While silent, the silence vital (seconds) is reported again every configured period; the first
 * heartbeat after it reports 0. Each report's window ends at the last activity plus the silence, so
 * an alert key's windows keep moving forward.
 */
public class AbsenceDetector extends KeyedProcessFunction<String, Heartbeat, VitalRecord> {

    /** A silence longer than this is a version that is gone: its key is forgotten (and its alert resolves as stale). */
    static final long FORGET_AFTER_MS = Duration.ofDays(7).toMillis();

    private final MonitorSpec spec;
    private transient ValueState<Activity> state;
    /** When this instance started: wall-clock silence is not counted across a restart's downtime. */
    private transient long startedMs;

    public AbsenceDetector(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Activity> descriptor = new ValueStateDescriptor<>("activity", Activity.class);
        // A version that stopped serving for good is forgotten after a week (its silence alert then resolves as stale).
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(7))
                .cleanupFullSnapshot()
                .build());
        state = getRuntimeContext().getState(descriptor);
        startedMs = Long.MIN_VALUE;
    }

    /** The processing time of this instance's first call (a restored timer fires first after a restart). */
    private long started(Context ctx) {
        if (startedMs == Long.MIN_VALUE) startedMs = ctx.timerService().currentProcessingTime();
        return startedMs;
    }

    @Override
    public void processElement(Heartbeat h, Context ctx, Collector<VitalRecord> out) throws Exception {
        Activity a = state.value();
        if (a == null) {
            a = new Activity();
            a.model = h.model;
            a.version = h.version;
            a.stream = h.stream;
        }
        started(ctx);
        long now = ctx.timerService().currentProcessingTime();
        a.lastEventTs = Math.max(a.lastEventTs, h.ts);
        a.lastWallMs = now;
        if (a.silent) {
            a.silent = false;
            report(a, 0, Math.max(a.lastEventTs, a.lastReportedEnd + 1), out);
        }
        long after = afterMs(a);
        if (after > 0) {
            schedule(a, ctx, now + after, a.lastEventTs + after);
        }
        state.update(a);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VitalRecord> out) throws Exception {
        Activity a = state.value();
        if (a == null) return;
        long after = afterMs(a);
        if (after <= 0) return;
        long now = ctx.timerService().currentProcessingTime();
        long watermark = ctx.timerService().currentWatermark();
        long silenceMs;
        if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME) {
            if (timestamp != a.processingTimer) return;
            silenceMs = now - Math.max(a.lastWallMs, started(ctx));
        } else {
            // The end of a bounded input moves the watermark to the end of time: that is not silence.
            if (timestamp != a.eventTimer || watermark == Long.MAX_VALUE) return;
            silenceMs = watermark - a.lastEventTs;
        }
        if (silenceMs > FORGET_AFTER_MS) {
            state.clear();
            return;
        }
        if (silenceMs < after) {
            if (ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME) {
                // Restarted since the last heartbeat: judge again one period after the start.
                a.processingTimer = Math.max(a.lastWallMs, started(ctx)) + after;
                ctx.timerService().registerProcessingTimeTimer(a.processingTimer);
                state.update(a);
            }
            return;
        }
        a.silent = true;
        report(a, silenceMs / 1000.0, Math.max(a.lastEventTs + silenceMs, a.lastReportedEnd + 1), out);
        // Again one period later, while the silence lasts.
        schedule(
                a,
                ctx,
                now + after,
                (watermark == Long.MIN_VALUE ? a.lastEventTs : Math.max(watermark, a.lastEventTs)) + after);
        state.update(a);
    }

    private long afterMs(Activity a) {
        ModelSpec m = spec.modelOrDefaults(a.model);
        return m.absence == null ? 0 : m.absence.afterMs(a.stream);
    }

    private void schedule(Activity a, Context ctx, long processingTimer, long eventTimer) {
        if (a.processingTimer != 0) ctx.timerService().deleteProcessingTimeTimer(a.processingTimer);
        if (a.eventTimer != 0) ctx.timerService().deleteEventTimeTimer(a.eventTimer);
        a.processingTimer = processingTimer;
        a.eventTimer = eventTimer;
        ctx.timerService().registerProcessingTimeTimer(processingTimer);
        ctx.timerService().registerEventTimeTimer(eventTimer);
    }

    private void report(Activity a, double silenceSeconds, long windowEnd, Collector<VitalRecord> out) {
        String vital = Heartbeat.PREDICTIONS.equals(a.stream) ? Vitals.PREDICTION_SILENCE_S : Vitals.LABEL_SILENCE_S;
        a.lastReportedEnd = windowEnd;
        out.collect(new VitalRecord(
                a.model, a.version, SegmentSlicer.ALL, vital, null, silenceSeconds, 0, a.lastEventTs, windowEnd));
    }
}
