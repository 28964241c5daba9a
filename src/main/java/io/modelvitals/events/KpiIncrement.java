package io.modelvitals.events;

import io.modelvitals.config.KpiSpec;

/**
 * How one attributed record changes one KPI's sums over prediction units: a prediction's numerator x and denominator
 * y of the KPI went from (x0, y0) to (x1, y1), so Σx grows by x1 − x0, Σx² by x1² − x0², Σxy by x1·y1 − x0·y0, and so
 * on. The increments of one prediction telescope to its final (x, y), whatever order its events arrive in, so the
 * window's sums over units are exact without the window ever holding a prediction.
 *
 * <p>A proportion (both terms count events) caps a prediction's numerator at its denominator: a play counts only as
 * far as its prediction had impressions, so Σx ≤ Σy and the KPI stays in [0, 1]. The cap is applied to the running
 * totals (x = min(raw x, y)), so an impression that arrives after its play releases the play.
 */
public class KpiIncrement {
    public String kpi;
    public double dx;
    public double dy;
    public double dxx;
    public double dyy;
    public double dxy;

    public KpiIncrement() {}

    /**
     * The change of a prediction unit of {@code k} whose raw terms went from (x0, y0) to (x1, y1); the numerator is
     * capped for a proportion.
     */
    public static KpiIncrement change(KpiSpec k, double x0, double y0, double x1, double y1) {
        double c0 = capped(k, x0, y0), c1 = capped(k, x1, y1);
        KpiIncrement i = new KpiIncrement();
        i.kpi = k.name;
        i.dx = c1 - c0;
        i.dy = y1 - y0;
        i.dxx = c1 * c1 - c0 * c0;
        i.dyy = y1 * y1 - y0 * y0;
        i.dxy = c1 * y1 - c0 * y0;
        return i;
    }

    /** A prediction's numerator as the KPI counts it: for a proportion at most its denominator. */
    public static double capped(KpiSpec k, double x, double y) {
        return k.proportion() ? Math.min(x, y) : x;
    }

    /** Whether a record of this type is selected by either term of the KPI (it then makes the KPI appear). */
    public static boolean concerns(KpiSpec k, String type) {
        return k.numerator.events.contains(type) || k.denominator.events.contains(type);
    }
}
