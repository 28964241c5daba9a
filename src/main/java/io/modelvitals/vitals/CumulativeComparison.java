package io.modelvitals.vitals;

/**
 * A challenger's KPI against its champion's over the cumulative sums of an experiment, with always-valid inference
 * (AlwaysValid) on the difference and its variance by the delta method (RatioMetrics).
 *
 * <p>The unit is the prediction when the sums carry its second moments (Σx², Σy², Σxy and the prediction count). Sums
 * without them (KPIs counted by event time) fall back, for a proportion, to the binomial variance with the denominator's
 * event as the unit: exact when each prediction has at most one such event, too small otherwise (the simulation in
 * docs/business-kpis.md measures by how much). A ratio of sums without moments has no test.
 */
public final class CumulativeComparison {
    /** challenger − champion. */
    public double difference;
    /** Var(difference): the two versions' variances added (independent units). */
    public double variance;
    /** The smaller unit count of the two (predictions, or denominator events in the fallback). */
    public long n;
    /** Whether the unit is the prediction (delta method) rather than the event. */
    public boolean byPrediction;
    /** This look's mSPRT p-value (not yet the running minimum). */
    public double pValue;

    public double ciLower;
    public double ciUpper;

    private CumulativeComparison() {}

    /**
     * The comparison of one KPI, or null without a usable variance (no denominator, no moments for a ratio of sums, a
     * variance of 0, or a champion KPI of 0, which leaves the mixture without a scale).
     *
     * @param proportion whether the KPI counts both terms (a proportion when the part is not larger than the whole)
     * @param effect the relative change the test is tuned to: τ = effect × the champion's KPI
     * @param alpha the level of the confidence sequence
     */
    public static CumulativeComparison of(
            KpiAccumulator challenger,
            KpiAccumulator champion,
            String kpi,
            boolean proportion,
            double effect,
            double alpha) {
        double[] c1 = ratio(challenger, kpi, proportion), c0 = ratio(champion, kpi, proportion);
        if (c1 == null || c0 == null || c1[3] != c0[3]) return null;
        double v = c1[1] + c0[1];
        double tau = effect * Math.abs(c0[0]);
        if (!(v > 0) || !(tau > 0) || !Double.isFinite(v)) return null;
        CumulativeComparison c = new CumulativeComparison();
        c.difference = c1[0] - c0[0];
        c.variance = v;
        c.n = Math.round(Math.min(c1[2], c0[2]));
        c.byPrediction = c1[3] == 1;
        c.pValue = AlwaysValid.pValue(c.difference, v, tau * tau);
        double half = AlwaysValid.halfWidth(v, tau * tau, alpha);
        c.ciLower = c.difference - half;
        c.ciUpper = c.difference + half;
        return c;
    }

    /** {ratio, its variance, units, 1 when by prediction else 0}, or null. */
    private static double[] ratio(KpiAccumulator a, String kpi, boolean proportion) {
        Double sx = a.numerators.get(kpi), sy = a.denominators.get(kpi);
        if (sx == null || sy == null || sy == 0) return null;
        Double sxx = a.numeratorSquares.get(kpi), syy = a.denominatorSquares.get(kpi), sxy = a.crossProducts.get(kpi);
        if (syy != null && a.predictions >= 2) {
            double v = RatioMetrics.variance(a.predictions, sx, sy, sxx == null ? 0 : sxx, syy, sxy == null ? 0 : sxy);
            return Double.isNaN(v) ? null : new double[] {sx / sy, v, a.predictions, 1};
        }
        if (!proportion || sx > sy) return null;
        return new double[] {sx / sy, RatioMetrics.binomialVariance(sx, sy), sy, 0};
    }
}
