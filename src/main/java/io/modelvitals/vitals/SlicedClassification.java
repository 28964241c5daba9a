package io.modelvitals.vitals;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.events.JoinResult;
import java.util.HashMap;
import java.util.Map;

/** A first-phase accumulator: one {@link ClassificationAccumulator} per segment slice of a (model, version, bucket). */
public class SlicedClassification {
    public Map<String, ClassificationAccumulator> slices = new HashMap<>();

    public SlicedClassification() {}

    public void add(JoinResult r, ModelSpec model) {
        // One key string (and one hash of it) per record rather than per slice.
        String cell = ClassificationAccumulator.cellOf(r);
        for (String slice : r.slices) {
            slices.computeIfAbsent(slice, s -> new ClassificationAccumulator()).add(r, cell, model.positiveClass, model.topK, model.calibrationBins);
        }
    }

    public SlicedClassification merge(SlicedClassification o) {
        o.slices.forEach((slice, acc) -> slices.merge(slice, acc, ClassificationAccumulator::merge));
        return this;
    }
}
