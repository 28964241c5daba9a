package io.modelvitals.functions;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.vitals.SlicedKpis;
import org.apache.flink.api.common.functions.AggregateFunction;

/** First phase: folds attributed events into each slice's KPI terms as they arrive. */
public class KpiAggregator implements AggregateFunction<AttributedEvent, SlicedKpis, SlicedKpis> {
    private final MonitorSpec spec;

    public KpiAggregator(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public SlicedKpis createAccumulator() {
        return new SlicedKpis();
    }

    @Override
    public SlicedKpis add(AttributedEvent e, SlicedKpis acc) {
        acc.add(e, spec.modelOrDefaults(e.model).kpis);
        return acc;
    }

    @Override
    public SlicedKpis getResult(SlicedKpis acc) {
        return acc;
    }

    @Override
    public SlicedKpis merge(SlicedKpis a, SlicedKpis b) {
        return a.merge(b);
    }
}
