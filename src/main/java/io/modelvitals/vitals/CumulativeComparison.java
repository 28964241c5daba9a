package io.modelvitals.vitals;

/**
 * A challenger's KPI against its champion's over the cumulative sums of an experiment, with always-valid inference
 * (AlwaysValid) on the difference and its variance by the delta method (RatioMetrics).
 *
 * <p>The unit is the prediction when the sums carry its second moments (Σx², Σy², Σxy and the prediction count). Sums
 * without them (KPIs counted by event time) fall back, for a proportion whose denominator events are not more than the
 * predictions (Σy ≤ n), to the binomial variance with the denominator's event as the unit. With several denominator
 * events per prediction that variance is too small (the events of one prediction are correlated), so such a KPI has no
 * test without moments, nor has a ratio of sums.
 *
 * <p>Small samples: no comparison until each version has {@code minSamples} units and a variance above 0 (a challenger
 * with 2 predictions and 0 plays had a variance of 0 and p = 0.00 against its champion). Each version's variance is the
 * larger of two estimates of Σ(x − r·y)²/(Σy)²: the delta method's with its own ratio r and the n/(n − 1) correction
 * (RatioMetrics.variance), and the one restricted to H0, with the pooled ratio r̄ of both versions (the score-test
 * choice, which does not collapse when one version's sample happens to have no variance). Under H0 both estimate the
 * same variance; the larger keeps the test conservative where one of them is small by chance, and the p-value and the
 * confidence sequence use the same V.
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
    /** The mixing variance τ² used: the one given (frozen at the experiment's first look), else effect × champion KPI. */
    public double tau2;
    /** This look's mSPRT p-value (not yet the running minimum). */
    public double pValue;

    public double ciLower;
    public double ciUpper;

    private CumulativeComparison() {}

    /**
     * The comparison of one KPI, or null without a usable variance (no denominator, no moments for a ratio of sums or a
     * KPI with several denominator events per prediction, fewer than {@code minSamples} units, a version's variance of
     * 0 at the first look, or a champion KPI of 0 at the first look, which leaves the mixture without a scale).
     *
     * @param proportion whether the KPI counts both terms (a proportion when the part is not larger than the whole)
     * @param effect the relative change the test is tuned to: τ = effect × the champion's KPI, at the first look
     * @param alpha the level of the confidence sequence
     * @param minSamples the units each version needs
     * @param frozenTau2 τ² fixed at the experiment's first look, or null at the first look: the mixture of the mSPRT
     *     must not change with the data, else Λ is no martingale
     */
    public static CumulativeComparison of(
            KpiAccumulator challenger,
            KpiAccumulator champion,
            String kpi,
            boolean proportion,
            double effect,
            double alpha,
            long minSamples,
            Double frozenTau2) {
        double[] u1 = units(challenger, kpi, proportion), u0 = units(champion, kpi, proportion);
        if (u1 == null || u0 == null || u1[5] != u0[5]) return null;
        if (u1[0] < minSamples || u0[0] < minSamples) return null;
        double pooled = (u1[1] + u0[1]) / (u1[2] + u0[2]);
        double v1 = variance(u1, pooled), v0 = variance(u0, pooled);
        double r1 = u1[1] / u1[2], r0 = u0[1] / u0[2];
        boolean first = frozenTau2 == null;
        if (first && !(hasVariance(u1, r1) && hasVariance(u0, r0))) return null;
        double v = v1 + v0;
        double tau2 = first ? Math.pow(effect * r0, 2) : frozenTau2;
        if (!(v > 0) || !(tau2 > 0) || !Double.isFinite(v)) return null;
        CumulativeComparison c = new CumulativeComparison();
        c.difference = r1 - r0;
        c.variance = v;
        c.tau2 = tau2;
        c.n = Math.round(Math.min(u1[0], u0[0]));
        c.byPrediction = u1[5] == 1;
        c.pValue = AlwaysValid.pValue(c.difference, v, tau2);
        double half = AlwaysValid.halfWidth(v, tau2, alpha);
        c.ciLower = c.difference - half;
        c.ciUpper = c.difference + half;
        return c;
    }

    /** {n, Σx, Σy, Σx², Σy², 1 when the unit is the prediction else 0, Σxy}, or null without a test. */
    private static double[] units(KpiAccumulator a, String kpi, boolean proportion) {
        Double sx = a.numerators.get(kpi), sy = a.denominators.get(kpi);
        if (sx == null || sy == null || !(sy > 0)) return null;
        Double sxx = a.numeratorSquares.get(kpi), syy = a.denominatorSquares.get(kpi), sxy = a.crossProducts.get(kpi);
        if (syy != null) {
            return new double[] {a.predictions, sx, sy, sxx == null ? 0 : sxx, syy, 1, sxy == null ? 0 : sxy};
        }
        // Without moments: binomial units, valid only when each event can be its own prediction's one trial.
        if (!proportion || sx > sy || sy > a.predictions) return null;
        return new double[] {sy, sx, sy, sx, sy, 0, sx}; // 0/1 trials: x² = x, y² = y = 1, xy = x
    }

    /** max(own delta-method variance with n/(n − 1), Σ(x − r̄y)²/(Σy)² at the pooled ratio r̄). */
    private static double variance(double[] u, double pooled) {
        double restricted = Math.max(0.0, u[3] - 2 * pooled * u[6] + pooled * pooled * u[4]) / (u[2] * u[2]);
        double own = ownVariance(u);
        return Double.isNaN(own) ? restricted : Math.max(own, restricted);
    }

    /** A variance above rounding: exactly 0 when every unit has x = r·y (all plays, or none). */
    private static boolean hasVariance(double[] u, double r) {
        return ownVariance(u) > 1e-12 * r * r / u[0];
    }

    private static double ownVariance(double[] u) {
        double v = RatioMetrics.variance(u[0], u[1], u[2], u[3], u[4], u[6]);
        return v * u[0] / (u[0] - 1);
    }
}
