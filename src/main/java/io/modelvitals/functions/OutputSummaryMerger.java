package io.modelvitals.functions;

import io.modelvitals.events.OutputSummary;
import io.modelvitals.vitals.OutputAccumulator;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Second phase: merges the buckets' output summaries of one (model, version, slice) and window. */
public class OutputSummaryMerger implements AggregateFunction<OutputSummary, OutputAccumulator, OutputAccumulator> {
    @Override
    public OutputAccumulator createAccumulator() {
        return new OutputAccumulator();
    }

    @Override
    public OutputAccumulator add(OutputSummary s, OutputAccumulator acc) {
        return acc.merge(s.accumulator);
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
