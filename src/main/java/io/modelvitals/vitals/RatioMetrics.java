package io.modelvitals.vitals;

/**
 * The delta-method variance of a ratio metric Σx/Σy whose unit is not the event (Deng, Knoblich, Lu 2018, "Applying the
 * Delta Method in Metric Analytics", KDD): with n independent units (predictions) and x, y one unit's numerator and
 * denominator, Var(X̄/Ȳ) ≈ (σx² − 2r·σxy + r²·σy²) / (n·μy²), r = μx/μy. Events of one prediction are correlated,
 * predictions are not, so this variance is honest where the per-event binomial one is too small. Everything comes from
 * mergeable sums: Σx, Σy, Σx², Σy², Σxy and n.
 */
public final class RatioMetrics {
    private RatioMetrics() {}

    /**
     * Var(Σx/Σy) by the delta method, the moments taken over the n units (divided by n: with one 0/1 event per unit it is
     * then exactly the binomial r(1 − r)/Σy; CumulativeComparison applies n/(n − 1)). NaN when it cannot be estimated (fewer than two units, Σy = 0).
     */
    public static double variance(double n, double sx, double sy, double sxx, double syy, double sxy) {
        if (!(n >= 2) || sy == 0) return Double.NaN;
        double mx = sx / n, my = sy / n, r = sx / sy;
        double vx = sxx / n - mx * mx, vy = syy / n - my * my, cxy = sxy / n - mx * my;
        return Math.max(0.0, vx - 2 * r * cxy + r * r * vy) / (n * my * my);
    }

    /** Var(r) of a proportion of independent trials: r(1 − r)/Σy (the unit is the denominator's event). */
    public static double binomialVariance(double sx, double sy) {
        if (!(sy > 0)) return Double.NaN;
        double r = sx / sy;
        return r * (1 - r) / sy;
    }
}
