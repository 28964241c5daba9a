package io.modelvitals.functions;

import io.modelvitals.events.JoinResult;
import io.modelvitals.vitals.ClassificationAccumulator;
import org.apache.flink.api.common.functions.AggregateFunction;

/** First phase: folds join results into a mergeable accumulator as they arrive, one per window. */
public class ClassificationAggregator implements AggregateFunction<JoinResult, ClassificationAccumulator, ClassificationAccumulator> {
    @Override
    public ClassificationAccumulator createAccumulator() {
        return new ClassificationAccumulator();
    }

    @Override
    public ClassificationAccumulator add(JoinResult r, ClassificationAccumulator acc) {
        acc.add(r);
        return acc;
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
