package io.modelvitals.functions;

import io.modelvitals.events.OutputSample;
import io.modelvitals.vitals.SlicedOutputs;
import org.apache.flink.api.common.functions.AggregateFunction;

/** First phase: folds output samples into one summary per slice as they arrive, one set per window. */
public class OutputAggregator implements AggregateFunction<OutputSample, SlicedOutputs, SlicedOutputs> {
    @Override
    public SlicedOutputs createAccumulator() {
        return new SlicedOutputs();
    }

    @Override
    public SlicedOutputs add(OutputSample s, SlicedOutputs acc) {
        acc.add(s);
        return acc;
    }

    @Override
    public SlicedOutputs getResult(SlicedOutputs acc) {
        return acc;
    }

    @Override
    public SlicedOutputs merge(SlicedOutputs a, SlicedOutputs b) {
        return a.merge(b);
    }
}
