package io.modelvitals.functions;

import io.modelvitals.events.PartialVitals;
import io.modelvitals.vitals.ClassificationAccumulator;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Second phase: merges the buckets' partial accumulators of one (model, version, slice) and window. */
public class PartialVitalsMerger implements AggregateFunction<PartialVitals, ClassificationAccumulator, ClassificationAccumulator> {
    @Override
    public ClassificationAccumulator createAccumulator() {
        return new ClassificationAccumulator();
    }

    @Override
    public ClassificationAccumulator add(PartialVitals p, ClassificationAccumulator acc) {
        return acc.merge(p.accumulator);
    }

    @Override
    public ClassificationAccumulator getResult(ClassificationAccumulator acc) {
        return acc;
    }

    @Override
    public ClassificationAccumulator merge(ClassificationAccumulator a, ClassificationAccumulator b) {
        return a.merge(b);
    }
}
