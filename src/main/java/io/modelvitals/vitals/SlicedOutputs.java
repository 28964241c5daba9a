package io.modelvitals.vitals;

import io.modelvitals.events.OutputSample;
import java.util.HashMap;
import java.util.Map;

/** A first-phase accumulator: one {@link OutputAccumulator} per segment slice of a (model, version, bucket). */
public class SlicedOutputs {
    public Map<String, OutputAccumulator> slices = new HashMap<>();

    public SlicedOutputs() {}

    public void add(OutputSample s) {
        for (String slice : s.slices) slices.computeIfAbsent(slice, k -> new OutputAccumulator()).add(s);
    }

    public SlicedOutputs merge(SlicedOutputs o) {
        o.slices.forEach((slice, acc) -> slices.merge(slice, acc, OutputAccumulator::merge));
        return this;
    }
}
