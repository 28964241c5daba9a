package io.modelvitals.operational;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.Heartbeat;
import io.modelvitals.events.Keys;
import io.modelvitals.pane.SegmentSlicer;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Thins a stream down to heartbeats for the absence detector: per (model, version), and per model,
 * at most one a second (wall clock) per subtask, carrying the latest event time seen. Chained to its
 * input, so a hot model costs a map lookup per record, not a shuffle; only models that watch their
 * absence get heartbeats.
 */
public class Heartbeats<IN> extends RichFlatMapFunction<IN, Heartbeat> {
    public static final long INTERVAL_MS = io.modelvitals.config.AbsenceSpec.HEARTBEAT_INTERVAL_MS;

    private final MonitorSpec spec;
    private final String stream;
    private final SerializableFunction<IN, String> modelOf;
    private final SerializableFunction<IN, String> versionOf;
    private final SerializableFunction<IN, Long> timeOf;
    /** model|version → [latest event time, wall time of the last heartbeat, event time of the last heartbeat]. */
    private transient Map<String, long[]> seen;

    public Heartbeats(
            MonitorSpec spec,
            String stream,
            SerializableFunction<IN, String> modelOf,
            SerializableFunction<IN, String> versionOf,
            SerializableFunction<IN, Long> timeOf) {
        this.spec = spec;
        this.stream = stream;
        this.modelOf = modelOf;
        this.versionOf = versionOf;
        this.timeOf = timeOf;
    }

    @Override
    public void open(OpenContext openContext) {
        seen = new HashMap<>();
    }

    @Override
    public void flatMap(IN in, Collector<Heartbeat> out) {
        String model = modelOf.apply(in);
        ModelSpec m = spec.model(model);
        if (m == null || m.absence == null || m.absence.afterMs(stream) <= 0) return;
        long ts = timeOf.apply(in);
        long now = System.currentTimeMillis();
        long eventStep = m.absence.afterMs(stream) / 4;
        beat(model, versionOf.apply(in), ts, now, eventStep, out);
        beat(model, SegmentSlicer.ALL, ts, now, eventStep, out);
    }

    /**
     * At most one heartbeat a second of wall clock — and one whenever event time moved on by a quarter
     * of the absence period, so that a replay or a catch-up (hours of event time in a second) never
     * looks silent in event time.
     */
    private void beat(String model, String version, long ts, long now, long eventStep, Collector<Heartbeat> out) {
        long[] s = seen.computeIfAbsent(
                Keys.of(model, version), k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE});
        s[0] = Math.max(s[0], ts);
        if (s[1] != Long.MIN_VALUE && now - s[1] < INTERVAL_MS && s[0] - s[2] < eventStep) return;
        s[1] = now;
        s[2] = s[0];
        Heartbeat h = new Heartbeat();
        h.model = model;
        h.version = version;
        h.stream = stream;
        h.ts = s[0];
        out.collect(h);
    }
}
