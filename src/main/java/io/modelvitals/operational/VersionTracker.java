package io.modelvitals.operational;

import io.modelvitals.config.Vitals;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.pane.SegmentSlicer;
import io.modelvitals.vitals.Champion;
import io.modelvitals.vitals.Proportions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The versions of each model, keyed by model and fed with each window's merged output summary of the
 * whole population (a handful per window): per window each version's share of the traffic (failed
 * predictions included) and its age since first seen, {@code new_version} the first time a version
 * serves, and the age of the version serving the most traffic — the retraining vital.
 */
public class VersionTracker extends KeyedProcessFunction<String, OutputSummary, VitalRecord> {
    private static final double DAY_MS = 86_400_000.0;

    /** windowEnd|version → traffic, until the window is complete. */
    private transient MapState<String, Long> pending;
    /** version → start of the first window it served in. */
    private transient MapState<String, Long> firstSeen;

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, Long> pendingDescriptor =
                new MapStateDescriptor<>("versions-pending", Types.STRING, Types.LONG);
        MapStateDescriptor<String, Long> firstSeenDescriptor =
                new MapStateDescriptor<>("versions-first-seen", Types.STRING, Types.LONG);
        // Read on every window while the model serves: a version forgotten after 90 days without traffic
        // would count as new if it ever came back.
        StateTtlConfig ttl = StateTtlConfig.newBuilder(Duration.ofDays(90))
                .updateTtlOnReadAndWrite()
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
        pendingDescriptor.enableTimeToLive(ttl);
        firstSeenDescriptor.enableTimeToLive(ttl);
        pending = getRuntimeContext().getMapState(pendingDescriptor);
        firstSeen = getRuntimeContext().getMapState(firstSeenDescriptor);
    }

    @Override
    public void processElement(OutputSummary s, Context ctx, Collector<VitalRecord> out) throws Exception {
        pending.put(
                s.windowEnd + "|" + s.windowStart + "|" + s.version, s.accumulator.predictions + s.accumulator.errors);
        ctx.timerService().registerEventTimeTimer(s.windowEnd - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VitalRecord> out) throws Exception {
        String prefix = (timestamp + 1) + "|";
        Map<String, Long> traffic = new TreeMap<>();
        long windowStart = 0;
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Long> e : pending.entries()) {
            if (!e.getKey().startsWith(prefix)) continue;
            String[] parts = e.getKey().split("\\|", 3);
            windowStart = Long.parseLong(parts[1]);
            traffic.put(parts[2], e.getValue());
            done.add(e.getKey());
        }
        for (String k : done) pending.remove(k);
        if (traffic.isEmpty()) return;
        String model = ctx.getCurrentKey();
        long windowEnd = timestamp + 1;
        long total = traffic.values().stream().mapToLong(Long::longValue).sum();
        for (Map.Entry<String, Long> e : traffic.entrySet()) {
            String version = e.getKey();
            Long first = firstSeen.get(version);
            if (first == null) {
                first = windowStart;
                firstSeen.put(version, first);
                out.collect(new VitalRecord(
                        model,
                        version,
                        SegmentSlicer.ALL,
                        Vitals.NEW_VERSION,
                        null,
                        1,
                        e.getValue(),
                        windowStart,
                        windowEnd));
            }
            VitalRecord share = new VitalRecord(
                    model,
                    version,
                    SegmentSlicer.ALL,
                    Vitals.VERSION_SHARE,
                    null,
                    total == 0 ? 0 : (double) e.getValue() / total,
                    total,
                    windowStart,
                    windowEnd);
            if (total > 0) {
                double[] ci = Proportions.wilson(e.getValue(), total, Proportions.Z95);
                share.ciLower = ci[0];
                share.ciUpper = ci[1];
            }
            out.collect(share);
            out.collect(new VitalRecord(
                    model,
                    version,
                    SegmentSlicer.ALL,
                    Vitals.VERSION_AGE_DAYS,
                    null,
                    (windowEnd - first) / DAY_MS,
                    e.getValue(),
                    windowStart,
                    windowEnd));
        }
        String serving = Champion.of(null, traffic);
        out.collect(new VitalRecord(
                model,
                serving,
                SegmentSlicer.ALL,
                Vitals.SERVING_VERSION_AGE_DAYS,
                null,
                (windowEnd - firstSeen.get(serving)) / DAY_MS,
                traffic.get(serving),
                windowStart,
                windowEnd));
    }
}
