package io.modelvitals.functions;

import io.modelvitals.events.OutputSample;
import io.modelvitals.vitals.OutputAccumulator;
import org.apache.flink.api.common.functions.AggregateFunction;

/** First phase: folds output samples into a mergeable summary as they arrive, one per window. */
public class OutputAggregator implements AggregateFunction<OutputSample, OutputAccumulator, OutputAccumulator> {
    @Override
    public OutputAccumulator createAccumulator() {
        return new OutputAccumulator();
    }

    @Override
    public OutputAccumulator add(OutputSample s, OutputAccumulator acc) {
        acc.add(s);
        return acc;
    }

    @Override
    public OutputAccumulator getResult(OutputAccumulator acc) {
        return acc;
    }

    @Override
    public OutputAccumulator merge(OutputAccumulator a, OutputAccumulator b) {
        return a.merge(b);
    }
}
