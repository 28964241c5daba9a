package io.modelvitals.vitals;

import io.modelvitals.config.KpiSpec;
import io.modelvitals.events.AttributedEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The numerator and denominator of each of a model's KPIs, and its prediction count, in one slice and window. */
public class KpiAccumulator {
    /** KPI name → numerator (a count, or a sum of values). */
    public Map<String, Double> numerators = new HashMap<>();
    public Map<String, Double> denominators = new HashMap<>();
    /** Accepted predictions: the traffic of the version, for the champion and the sample-ratio check. */
    public long predictions;

    public KpiAccumulator() {}

    public void add(AttributedEvent e, List<KpiSpec> kpis) {
        if (AttributedEvent.PREDICTION.equals(e.type)) predictions++;
        for (KpiSpec k : kpis) {
            double n = k.numerator.contribution(e.type, e.value);
            double d = k.denominator.contribution(e.type, e.value);
            // Every KPI appears once it has seen anything, so a window with impressions but no plays reports 0.
            if (n != 0 || d != 0 || k.numerator.events.contains(e.type) || k.denominator.events.contains(e.type)) {
                add(numerators, k.name, n);
                add(denominators, k.name, d);
            }
        }
    }

    private static final Double ZERO = 0.0;

    /** Adds x to the sum; a zero only makes the term appear (no boxing, no merge: half of all terms are zero). */
    private static void add(java.util.Map<String, Double> sums, String name, double x) {
        if (x == 0) sums.putIfAbsent(name, ZERO);
        else sums.merge(name, x, Double::sum);
    }

    public KpiAccumulator merge(KpiAccumulator o) {
        o.numerators.forEach((k, v) -> numerators.merge(k, v, Double::sum));
        o.denominators.forEach((k, v) -> denominators.merge(k, v, Double::sum));
        predictions += o.predictions;
        return this;
    }
}
