package io.modelvitals.business;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.pane.SegmentSlicer;
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
 * Champion against challengers, keyed by (model, slice) so that every version of the model meets here:
 * per window, each challenger's KPIs against the champion's (difference, relative difference,
 * two-proportion p-value), and the sample-ratio-mismatch check of the versions' traffic against the
 * configured split. Only merged per-window summaries arrive, a handful per window, so keying by model
 * does not concentrate the raw traffic. A window waits until the watermark passes its end − 1 plus the KPI stage's
 * delay (the attribution window, {@link KpiPanes#delayMs}), when all versions' final summaries are here.
 */
public class KpiComparisonFunction extends KeyedProcessFunction<String, KpiSummary, VitalRecord> {
    private final MonitorSpec spec;
    private transient MapState<String, KpiSummary> pending;

    public KpiComparisonFunction(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, KpiSummary> descriptor =
                new MapStateDescriptor<>("kpi-pending", Types.STRING, TypeInformation.of(KpiSummary.class));
        // The timer removes each window; the TTL only forgets what a watermark that never came left behind.
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(7))
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        pending = getRuntimeContext().getMapState(descriptor);
    }

    @Override
    public void processElement(KpiSummary s, Context ctx, Collector<VitalRecord> out) throws Exception {
        WindowVersions.add(spec, pending, s, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<VitalRecord> out) throws Exception {
        Map<String, KpiSummary> window = WindowVersions.take(spec, pending, timestamp, ctx.getCurrentKey());
        if (window.isEmpty()) return;
        for (VitalRecord v :
                compare(window, spec.modelOrDefaults(window.values().iterator().next().model))) out.collect(v);
    }

    /** One window's summaries by version → the comparisons and the sample-ratio check. */
    static List<VitalRecord> compare(Map<String, KpiSummary> window, ModelSpec model) {
        List<VitalRecord> out = new ArrayList<>();
        Map<String, Long> traffic = new TreeMap<>();
        window.forEach((version, s) -> traffic.put(version, s.accumulator.predictions));
        String champion = Champion.of(model.champion, traffic);
        KpiSummary reference = window.get(champion);
        for (KpiSummary s : window.values()) {
            if (!s.version.equals(champion)) out.addAll(KpiVitals.compare(reference, s, model.kpis));
        }
        if (model.trafficSplit != null) {
            Double p = KpiVitals.sampleRatioPValue(traffic, model.trafficSplit);
            if (p != null) {
                long total = 0;
                for (String v : model.trafficSplit.keySet()) total += traffic.getOrDefault(v, 0L);
                out.add(new VitalRecord(
                        reference.model,
                        SegmentSlicer.ALL,
                        reference.slice,
                        Vitals.SAMPLE_RATIO_P_VALUE,
                        null,
                        p,
                        total,
                        reference.windowStart,
                        reference.windowEnd));
            }
        }
        return out;
    }
}
