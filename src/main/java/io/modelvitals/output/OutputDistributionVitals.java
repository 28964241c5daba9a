package io.modelvitals.output;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.VitalRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** A window's output distribution as vital records: class counts and shares, mean, variance, quantiles, histogram. */
public class OutputDistributionVitals implements FlatMapFunction<OutputSummary, VitalRecord> {
    private final MonitorSpec spec;

    public OutputDistributionVitals(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void flatMap(OutputSummary s, Collector<VitalRecord> out) {
        ModelSpec model = spec.model(s.model);
        for (VitalRecord v : OutputVitals.distribution(s, model == null ? null : model.drift)) out.collect(v);
    }
}
