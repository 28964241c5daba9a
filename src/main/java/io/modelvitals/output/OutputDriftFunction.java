package io.modelvitals.output;

import io.modelvitals.config.DriftSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.functions.OutputDriftFunction.FixedReference;
import io.modelvitals.vitals.Champion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Compares each window's output distribution with the model's references, keyed by (model, slice)
 * so that every version of the model meets here: the previous window (or one further back), a fixed
 * period captured from the version's first windows, the champion version in the same window, and
 * the training baseline from the spec. Only merged per-window summaries arrive here, a handful per
 * window, so keying by model does not concentrate the raw traffic.
 *
 * <p>A window's summaries wait until the watermark passes the window's end, when all versions' summaries
 * have arrived; then the window is compared and moved to the history the "previous" reference needs.
 */
public class OutputDriftFunction extends KeyedProcessFunction<String, OutputSummary, VitalRecord> {

    private final MonitorSpec spec;
    private transient MapState<String, OutputSummary> pending;
    private transient MapState<String, OutputSummary> history;
    private transient MapState<String, FixedReference> fixed;

    public OutputDriftFunction(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext openContext) {
        // Timers and pruning bound pending and history; the TTL, with background cleanup (this state sees
        // a handful of accesses per window, so it costs nothing), forgets versions that stopped serving.
        StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofDays(7))
                .updateTtlOnReadAndWrite()
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
        MapStateDescriptor<String, OutputSummary> pendingDescriptor =
                new MapStateDescriptor<>("drift-pending", Types.STRING, TypeInformation.of(OutputSummary.class));
        MapStateDescriptor<String, OutputSummary> historyDescriptor =
                new MapStateDescriptor<>("drift-history", Types.STRING, TypeInformation.of(OutputSummary.class));
        MapStateDescriptor<String, FixedReference> fixedDescriptor =
                new MapStateDescriptor<>("drift-fixed", Types.STRING, TypeInformation.of(FixedReference.class));
        pendingDescriptor.enableTimeToLive(ttl);
        historyDescriptor.enableTimeToLive(ttl);
        fixedDescriptor.enableTimeToLive(ttl);
        pending = getRuntimeContext().getMapState(pendingDescriptor);
        history = getRuntimeContext().getMapState(historyDescriptor);
        fixed = getRuntimeContext().getMapState(fixedDescriptor);
    }

    @Override
    public void processElement(OutputSummary s, Context ctx, Collector<VitalRecord> out) throws Exception {
        pending.put(s.windowEnd + "|" + s.version, s);
        ctx.timerService().registerEventTimeTimer(s.windowEnd - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VitalRecord> out) throws Exception {
        long end = timestamp + 1;
        String prefix = end + "|";
        Map<String, OutputSummary> window = new TreeMap<>();
        for (Map.Entry<String, OutputSummary> e : pending.entries()) {
            if (e.getKey().startsWith(prefix)) window.put(e.getValue().version, e.getValue());
        }
        for (String version : window.keySet()) pending.remove(prefix + version);
        if (window.isEmpty()) return;

        ModelSpec model = spec.model(window.values().iterator().next().model);
        if (model == null) return;
        DriftSpec drift = model.drift;
        long size = model.windowSizeMs(), slide = model.windowSlideMs();
        long back = drift.previousWindowsBack * size;
        // Sliding windows are compared once per window size unless drift.every says slide (DriftSpec#every): the
        // windows skipped here are neither compared, nor captured as the fixed reference, nor kept for "previous"
        // (the window a size earlier of a compared one is a compared one).
        if (!drift.everySlide() && !model.onWindowGrid(end)) return;
        Map<String, Long> traffic = new TreeMap<>();
        window.forEach((version, s) -> traffic.put(version, s.accumulator.predictions));
        String champion = Champion.of(drift.champion != null ? drift.champion : model.champion, traffic);
        for (OutputSummary s : window.values()) {
            List<VitalRecord> records = new ArrayList<>();
            if (drift.references.contains(DriftSpec.BASELINE)) {
                records.addAll(OutputVitals.drift(s, DriftSpec.BASELINE, DriftReference.of(drift.baseline), drift));
            }
            if (drift.references.contains(DriftSpec.PREVIOUS)) {
                OutputSummary previous = history.get(s.version + "|" + (end - back));
                if (previous != null) {
                    records.addAll(
                            OutputVitals.drift(s, DriftSpec.PREVIOUS, DriftReference.of(previous.accumulator), drift));
                }
            }
            if (drift.references.contains(DriftSpec.FIXED)) {
                FixedReference f = fixed.get(s.version);
                if (f != null && f.windows >= drift.fixedWindows) {
                    records.addAll(OutputVitals.drift(s, DriftSpec.FIXED, DriftReference.of(f.accumulator), drift));
                } else if (f == null || end >= f.nextWindowEnd) {
                    // The next window that does not overlap the captured ones: a night without traffic
                    // only delays the capture.
                    if (f == null) f = new FixedReference();
                    f.accumulator.merge(s.accumulator);
                    f.windows++;
                    f.nextWindowEnd = end + size;
                    fixed.put(s.version, f);
                }
            }
            if (drift.references.contains(DriftSpec.CHAMPION) && !s.version.equals(champion)) {
                records.addAll(OutputVitals.drift(
                        s, DriftSpec.CHAMPION, DriftReference.of(window.get(champion).accumulator), drift));
            }
            records.forEach(out::collect);
        }
        if (drift.references.contains(DriftSpec.PREVIOUS)) {
            for (OutputSummary s : window.values()) history.put(s.version + "|" + end, s);
            // The next compared window (end + its cadence) needs end + cadence − back; anything older is done with.
            long cadence = drift.cadenceMs(size, slide);
            List<String> stale = new ArrayList<>();
            for (Map.Entry<String, OutputSummary> e : history.entries()) {
                if (e.getValue().windowEnd < end + cadence - back) stale.add(e.getKey());
            }
            for (String k : stale) history.remove(k);
        }
    }
}
