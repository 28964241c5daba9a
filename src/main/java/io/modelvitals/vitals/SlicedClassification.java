package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/** A first-phase accumulator: one {@link ClassificationAccumulator} per segment slice of a (model, version, pane). */
public class SlicedClassification implements Sliced<ClassificationAccumulator> {
    public Map<String, ClassificationAccumulator> slices = new HashMap<>();

    public SlicedClassification() {}

    @Override
    public Map<String, ClassificationAccumulator> slices() {
        return slices;
    }
}
