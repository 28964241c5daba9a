package io.modelvitals.business;

import io.modelvitals.config.KpiSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.Proportions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/** Business KPIs of a window, the comparison of a challenger with its champion, and the sample-ratio check. */
public final class KpiVitals {
    private static final NormalDistribution NORMAL = new NormalDistribution(null, 0, 1);

    private KpiVitals() {}

    /** Each KPI whose denominator is not zero: value, numerator, n = denominator, and a Wilson interval for a proportion. */
    public static List<VitalRecord> of(KpiSummary s, List<KpiSpec> kpis) {
        List<VitalRecord> out = new ArrayList<>();
        for (KpiSpec k : kpis) {
            Double num = s.accumulator.numerators.get(k.name);
            Double den = s.accumulator.denominators.get(k.name);
            if (num == null || den == null || den == 0) continue;
            VitalRecord v = new VitalRecord(
                    s.model,
                    s.version,
                    s.slice,
                    Vitals.KPI,
                    k.name,
                    num / den,
                    Math.round(den),
                    s.windowStart,
                    s.windowEnd);
            v.numerator = num;
            if (isProportion(k, num, den)) {
                double[] ci = Proportions.wilson(Math.round(num), Math.round(den), Proportions.Z95);
                v.ciLower = ci[0];
                v.ciUpper = ci[1];
            }
            out.add(v);
        }
        return out;
    }

    /**
     * A challenger against the champion in the same window and slice, for each KPI both have: the
     * difference (challenger − champion) and the relative difference. For a proportion, the difference
     * carries its 95% Newcombe hybrid score interval (built from the two
     * Wilson intervals, so it behaves at 0/n and small n where the Wald interval claims certainty) and both carry the two-sided p-value of the pooled two-proportion
     * z-test. n is the smaller of the two denominators.
     */
    public static List<VitalRecord> compare(KpiSummary champion, KpiSummary challenger, List<KpiSpec> kpis) {
        List<VitalRecord> out = new ArrayList<>();
        for (KpiSpec k : kpis) {
            Double n0 = champion.accumulator.numerators.get(k.name), d0 = champion.accumulator.denominators.get(k.name);
            Double n1 = challenger.accumulator.numerators.get(k.name),
                    d1 = challenger.accumulator.denominators.get(k.name);
            if (n0 == null || n1 == null || d0 == null || d1 == null || d0 == 0 || d1 == 0) continue;
            double p0 = n0 / d0, p1 = n1 / d1;
            long n = Math.round(Math.min(d0, d1));
            boolean proportion = isProportion(k, n0, d0) && isProportion(k, n1, d1);
            Double p = proportion
                    ? twoProportionPValue(Math.round(n1), Math.round(d1), Math.round(n0), Math.round(d0))
                    : null;

            VitalRecord diff = comparison(challenger, Vitals.KPI_DIFFERENCE, k.name, p1 - p0, n, p);
            if (proportion) {
                double[] ci = Proportions.newcombe(
                        Math.round(n1), Math.round(d1), Math.round(n0), Math.round(d0), Proportions.Z95);
                diff.ciLower = ci[0];
                diff.ciUpper = ci[1];
            }
            out.add(diff);
            if (p0 != 0) out.add(comparison(challenger, Vitals.KPI_RELATIVE_DIFFERENCE, k.name, (p1 - p0) / p0, n, p));
        }
        return out;
    }

    private static VitalRecord comparison(
            KpiSummary challenger, String vital, String kpi, double value, long n, Double p) {
        VitalRecord v = new VitalRecord(
                challenger.model,
                challenger.version,
                challenger.slice,
                vital,
                kpi,
                value,
                n,
                challenger.windowStart,
                challenger.windowEnd);
        v.reference = io.modelvitals.config.DriftSpec.CHAMPION;
        v.pValue = p;
        return v;
    }

    /** Counts that are a share of their denominator: both terms count, and the part is no larger than the whole. */
    static boolean isProportion(KpiSpec k, double num, double den) {
        return k.proportion() && num <= den;
    }

    /** Two-sided p-value of the pooled two-proportion z-test of x1/n1 against x2/n2 (1 when both are 0 or 1). */
    public static double twoProportionPValue(long x1, long n1, long x2, long n2) {
        double z = twoProportionZ(x1, n1, x2, n2);
        return 2 * NORMAL.cumulativeProbability(-Math.abs(z));
    }

    /** One-sided p-value that x1/n1 is below x2/n2 (small when the first proportion is significantly lower). */
    public static double lowerPValue(long x1, long n1, long x2, long n2) {
        return NORMAL.cumulativeProbability(twoProportionZ(x1, n1, x2, n2));
    }

    static double twoProportionZ(long x1, long n1, long x2, long n2) {
        double pooled = (double) (x1 + x2) / (n1 + n2);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        if (se == 0) return 0;
        return ((double) x1 / n1 - (double) x2 / n2) / se;
    }

    /**
     * Chi-square goodness of fit of the observed prediction counts per version against the configured
     * split (shares need not sum to 1; a version of the split without traffic counts as 0). Null when no
     * version of the split served.
     */
    public static Double sampleRatioPValue(Map<String, Long> observed, Map<String, Double> split) {
        long total = 0;
        double shares = 0;
        for (Map.Entry<String, Double> e : split.entrySet()) {
            total += observed.getOrDefault(e.getKey(), 0L);
            shares += e.getValue();
        }
        if (total == 0) return null;
        double[] expected = new double[split.size()];
        long[] counts = new long[split.size()];
        int i = 0;
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(split).entrySet()) {
            expected[i] = total * e.getValue() / shares;
            counts[i] = observed.getOrDefault(e.getKey(), 0L);
            i++;
        }
        return new ChiSquareTest().chiSquareTest(expected, counts);
    }
}
