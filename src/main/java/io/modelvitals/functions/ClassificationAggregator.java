package io.modelvitals.functions;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.JoinResult;
import io.modelvitals.vitals.SlicedClassification;
import org.apache.flink.api.common.functions.AggregateFunction;

/** First phase: folds join results into one accumulator per slice as they arrive, one set per window. */
public class ClassificationAggregator implements AggregateFunction<JoinResult, SlicedClassification, SlicedClassification> {
    private final MonitorSpec spec;

    public ClassificationAggregator(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public SlicedClassification createAccumulator() {
        return new SlicedClassification();
    }

    @Override
    public SlicedClassification add(JoinResult r, SlicedClassification acc) {
        acc.add(r, spec.modelOrDefaults(r.model));
        return acc;
    }

    @Override
    public SlicedClassification getResult(SlicedClassification acc) {
        return acc;
    }

    @Override
    public SlicedClassification merge(SlicedClassification a, SlicedClassification b) {
        return a.merge(b);
    }
}
