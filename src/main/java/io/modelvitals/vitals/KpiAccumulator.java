package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/** The numerator and denominator of each of a model's KPIs, and its prediction count, in one slice and window. */
public class KpiAccumulator implements Mergeable<KpiAccumulator> {
    /** KPI name → numerator (a count, or a sum of values). */
    public Map<String, Double> numerators = new HashMap<>();

    public Map<String, Double> denominators = new HashMap<>();
    /** Accepted predictions: the traffic of the version, for the champion and the sample-ratio check. */
    public long predictions;

    public KpiAccumulator() {}

    @Override
    public KpiAccumulator merge(KpiAccumulator o) {
        o.numerators.forEach((k, v) -> numerators.merge(k, v, Double::sum));
        o.denominators.forEach((k, v) -> denominators.merge(k, v, Double::sum));
        predictions += o.predictions;
        return this;
    }
}
