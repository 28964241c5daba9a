package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/** A first-phase accumulator: one {@link KpiAccumulator} per segment slice of a (model, version, pane). */
public class SlicedKpis implements Sliced<KpiAccumulator> {
    public Map<String, KpiAccumulator> slices = new HashMap<>();

    public SlicedKpis() {}

    @Override
    public Map<String, KpiAccumulator> slices() {
        return slices;
    }
}
