package io.modelvitals.business;

import io.modelvitals.config.KpiSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.KpiIncrement;
import io.modelvitals.pane.SlicedAggregator;
import io.modelvitals.vitals.KpiAccumulator;
import io.modelvitals.vitals.SlicedKpis;
import java.util.List;

/** First phase of the business KPIs: folds each attributed event into the KPI terms of every slice it counts in. */
public class KpiAggregator extends SlicedAggregator<AttributedEvent, KpiAccumulator, SlicedKpis> {
    private final MonitorSpec spec;

    public KpiAggregator(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public SlicedKpis createAccumulator() {
        return new SlicedKpis();
    }

    @Override
    public KpiAccumulator newSlice() {
        return new KpiAccumulator();
    }

    @Override
    public SlicedKpis add(AttributedEvent e, SlicedKpis acc) {
        List<KpiSpec> kpis = spec.modelOrDefaults(e.model).kpis;
        for (String slice : e.slices) fold(slice(acc, slice), e, kpis);
        return acc;
    }

    /**
     * Folds one attributed event (or prediction) into a slice's KPI sums over prediction units: the increments the
     * join computed from the prediction's running terms. A record without increments is a unit of its own (its terms
     * from zero, capped for a proportion), as a direct event is.
     */
    public static void fold(KpiAccumulator acc, AttributedEvent e, List<KpiSpec> kpis) {
        if (AttributedEvent.PREDICTION.equals(e.type)) acc.predictions++;
        if (e.increments != null) {
            for (KpiIncrement i : e.increments) add(acc, i);
            return;
        }
        for (KpiSpec k : kpis) {
            if (!KpiIncrement.concerns(k, e.type)) continue;
            add(
                    acc,
                    KpiIncrement.change(
                            k,
                            0,
                            0,
                            k.numerator.contribution(e.type, e.value),
                            k.denominator.contribution(e.type, e.value)));
        }
    }

    /** Every KPI appears once it has seen anything, so a window with impressions but no plays reports 0. */
    private static void add(KpiAccumulator acc, KpiIncrement i) {
        add(acc.numerators, i.kpi, i.dx);
        add(acc.denominators, i.kpi, i.dy);
        add(acc.numeratorSquares, i.kpi, i.dxx);
        add(acc.denominatorSquares, i.kpi, i.dyy);
        add(acc.crossProducts, i.kpi, i.dxy);
    }

    private static final Double ZERO = 0.0;

    /** Adds x to the sum; a zero only makes the term appear (no boxing, no merge: half of all terms are zero). */
    private static void add(java.util.Map<String, Double> sums, String name, double x) {
        if (x == 0) sums.putIfAbsent(name, ZERO);
        else sums.merge(name, x, Double::sum);
    }
}
