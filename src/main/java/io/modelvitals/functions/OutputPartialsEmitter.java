package io.modelvitals.functions;

import io.modelvitals.events.OutputSummary;
import io.modelvitals.vitals.OutputAccumulator;
import io.modelvitals.vitals.SlicedOutputs;
import java.util.Map;
import org.apache.flink.util.Collector;

/** First phase: emits a pane's output summary of each slice with its key and pane; computes nothing. */
public class OutputPartialsEmitter implements PaneAggregateOperator.PaneEmitter<SlicedOutputs, OutputSummary> {
    @Override
    public void emit(String model, String version, long paneStart, long paneEnd, SlicedOutputs acc, Collector<OutputSummary> out) {
        for (Map.Entry<String, OutputAccumulator> slice : acc.slices.entrySet()) {
            OutputSummary s = new OutputSummary();
            s.model = model;
            s.version = version;
            s.slice = slice.getKey();
            s.windowStart = paneStart;
            s.windowEnd = paneEnd;
            s.accumulator = slice.getValue();
            out.collect(s);
        }
    }
}
