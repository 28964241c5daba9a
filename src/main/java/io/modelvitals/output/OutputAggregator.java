package io.modelvitals.output;

import io.modelvitals.events.OutputSample;
import io.modelvitals.pane.SlicedAggregator;
import io.modelvitals.vitals.OutputAccumulator;
import io.modelvitals.vitals.SlicedOutputs;

/** First phase of the output distribution: folds each prediction into the summary of every slice it counts in. */
public class OutputAggregator extends SlicedAggregator<OutputSample, OutputAccumulator, SlicedOutputs> {
    @Override
    public SlicedOutputs createAccumulator() {
        return new SlicedOutputs();
    }

    @Override
    public OutputAccumulator newSlice() {
        return new OutputAccumulator();
    }

    @Override
    public SlicedOutputs add(OutputSample s, SlicedOutputs acc) {
        for (String slice : s.slices) fold(slice(acc, slice), s);
        return acc;
    }

    /** Folds one prediction into a slice's output summary. */
    public static void fold(OutputAccumulator acc, OutputSample s) {
        if (s.latencyMs != null) acc.latencyMs.update(s.latencyMs);
        if (s.error) {
            acc.errors++;
            return;
        }
        acc.predictions++;
        if (s.label != null) acc.classCounts.merge(s.label, 1L, Long::sum);
        if (s.numeric != null) {
            double x = s.numeric;
            acc.numericCount++;
            double delta = x - acc.mean;
            acc.mean += delta / acc.numericCount;
            acc.m2 += delta * (x - acc.mean);
            acc.min = Math.min(acc.min, x);
            acc.max = Math.max(acc.max, x);
            acc.numeric.update(x);
        }
    }
}
