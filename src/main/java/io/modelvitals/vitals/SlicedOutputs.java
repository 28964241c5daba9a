package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/** A first-phase accumulator: one {@link OutputAccumulator} per segment slice of a (model, version, pane). */
public class SlicedOutputs implements Sliced<OutputAccumulator> {
    public Map<String, OutputAccumulator> slices = new HashMap<>();

    public SlicedOutputs() {}

    @Override
    public Map<String, OutputAccumulator> slices() {
        return slices;
    }
}
