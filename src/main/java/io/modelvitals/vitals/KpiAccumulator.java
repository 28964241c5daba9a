package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/** The numerator and denominator of each of a model's KPIs, and its prediction count, in one slice and window. */
public class KpiAccumulator implements Mergeable<KpiAccumulator> {
    /** KPI name → numerator (a count, or a sum of values). */
    public Map<String, Double> numerators = new HashMap<>();

    public Map<String, Double> denominators = new HashMap<>();
    /**
     * KPI name → Σx², Σy² and Σxy over units, where the unit is the prediction: x and y are one prediction's numerator
     * and denominator. With Σx and Σy above they give the delta-method variance of the ratio Σx/Σy (Deng et al. 2018):
     * events of one prediction are correlated, predictions are not. Absent in state written before they were added.
     */
    public Map<String, Double> numeratorSquares = new HashMap<>();

    public Map<String, Double> denominatorSquares = new HashMap<>();
    public Map<String, Double> crossProducts = new HashMap<>();
    /** Accepted predictions: the traffic of the version, for the champion and the sample-ratio check. */
    public long predictions;

    public KpiAccumulator() {}

    @Override
    public KpiAccumulator merge(KpiAccumulator o) {
        o.numerators.forEach((k, v) -> numerators.merge(k, v, Double::sum));
        o.denominators.forEach((k, v) -> denominators.merge(k, v, Double::sum));
        o.numeratorSquares.forEach((k, v) -> numeratorSquares.merge(k, v, Double::sum));
        o.denominatorSquares.forEach((k, v) -> denominatorSquares.merge(k, v, Double::sum));
        o.crossProducts.forEach((k, v) -> crossProducts.merge(k, v, Double::sum));
        predictions += o.predictions;
        return this;
    }
}
