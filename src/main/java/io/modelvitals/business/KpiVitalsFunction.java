package io.modelvitals.business;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.VitalRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** A window's KPIs of one (model, version, slice) as vital records. */
public class KpiVitalsFunction implements FlatMapFunction<KpiSummary, VitalRecord> {
    private final MonitorSpec spec;

    public KpiVitalsFunction(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void flatMap(KpiSummary s, Collector<VitalRecord> out) {
        for (VitalRecord v : KpiVitals.of(s, spec.modelOrDefaults(s.model).kpis)) out.collect(v);
    }
}
