package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/** A first-phase accumulator of the estimation stage: one {@link EstimationAccumulator} per segment slice. */
public class SlicedEstimation implements Sliced<EstimationAccumulator> {
    public Map<String, EstimationAccumulator> slices = new HashMap<>();

    public SlicedEstimation() {}

    @Override
    public Map<String, EstimationAccumulator> slices() {
        return slices;
    }
}
