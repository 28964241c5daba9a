package io.modelvitals.vitals;

import io.modelvitals.config.KpiSpec;
import io.modelvitals.events.AttributedEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A first-phase accumulator: one {@link KpiAccumulator} per segment slice of a (model, version, pane). */
public class SlicedKpis {
    public Map<String, KpiAccumulator> slices = new HashMap<>();

    public SlicedKpis() {}

    public void add(AttributedEvent e, List<KpiSpec> kpis) {
        for (String slice : e.slices) slices.computeIfAbsent(slice, k -> new KpiAccumulator()).add(e, kpis);
    }

    public SlicedKpis merge(SlicedKpis o) {
        o.slices.forEach((slice, acc) -> slices.merge(slice, acc, KpiAccumulator::merge));
        return this;
    }
}
