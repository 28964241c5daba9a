package io.modelvitals.business;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.KpiSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.KpiIncrement;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.KpiAccumulator;
import io.modelvitals.vitals.Proportions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/** KPI values, Wilson bounds, two-proportion and sample-ratio p-values, against numbers worked out independently. */
class KpiVitalsTest {
    static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "models:",
                    "  - name: rec",
                    "    kpis:",
                    "      - name: take_rate",
                    "        numerator: {events: [play], where: 'value >= 30'}",
                    "        denominator: {events: [impression]}",
                    "      - name: revenue_per_prediction",
                    "        numerator: {events: [purchase], measure: sum}",
                    "        denominator: {events: [prediction]}",
                    ""),
            "test");
    static final List<KpiSpec> KPIS = SPEC.model("rec").kpis;

    private static AttributedEvent event(String type, Double value) {
        AttributedEvent e = new AttributedEvent();
        e.model = "rec";
        e.version = "v1";
        e.type = type;
        e.value = value;
        return e;
    }

    private static KpiSummary summary(String version, KpiAccumulator acc) {
        KpiSummary s = new KpiSummary();
        s.model = "rec";
        s.version = version;
        s.slice = "all";
        s.windowStart = 0;
        s.windowEnd = 60_000;
        s.accumulator = acc;
        return s;
    }

    /** One prediction unit of a KPI with numerator x and denominator y: its increments from (0, 0), worked by hand. */
    private static void unit(KpiAccumulator acc, String kpi, double x, double y) {
        KpiIncrement i = new KpiIncrement();
        i.kpi = kpi;
        i.dx = x;
        i.dy = y;
        i.dxx = x * x;
        i.dyy = y * y;
        i.dxy = x * y;
        AttributedEvent e = event("impression", null);
        e.increments = List.of(i);
        KpiAggregator.fold(acc, e, KPIS);
    }

    /** A take-rate of x played predictions over n shown (one impression each). */
    private static KpiAccumulator takeRate(long x, long n) {
        KpiAccumulator acc = new KpiAccumulator();
        for (long i = 0; i < n; i++) unit(acc, "take_rate", i < x ? 1 : 0, 1);
        return acc;
    }

    private static Map<String, VitalRecord> byName(List<VitalRecord> records) {
        return records.stream().collect(Collectors.toMap(v -> v.vital + "/" + v.cls, v -> v));
    }

    @Test
    void ratiosOfFilteredCountsAndSumsOverPredictionUnits() {
        KpiAccumulator acc = new KpiAccumulator();
        // Ten predictions shown once each; plays of 10 s, 30 s, 45 s, 100 s and one without a value on the first five:
        // 30, 45 and 100 pass "value >= 30", so three units have x = 1: 3 of 10.
        for (int i = 0; i < 10; i++) unit(acc, "take_rate", i >= 1 && i <= 3 ? 1 : 0, 1);
        // Four predictions, two of them bought: 9.99 and 20.01.
        for (double revenue : new double[] {9.99, 20.01, 0, 0}) unit(acc, "revenue_per_prediction", revenue, 1);
        for (int i = 0; i < 4; i++) KpiAggregator.fold(acc, event("prediction", null), List.of());

        Map<String, VitalRecord> v = byName(KpiVitals.of(summary("v1", acc), KPIS));
        VitalRecord takeRate = v.get("kpi/take_rate");
        assertEquals(0.3, takeRate.value, 1e-12);
        assertEquals(3.0, takeRate.numerator);
        assertEquals(10, takeRate.n);
        // Wilson 95% for 3/10, as tabulated (Newcombe 1998, Statistics in Medicine 17:857, method 3): 0.1078–0.6032.
        assertEquals(0.1078, takeRate.ciLower, 5e-5);
        assertEquals(0.6032, takeRate.ciUpper, 5e-5);
        // Σx² = 3, Σy² = 10, Σxy = 3 over the ten units.
        assertEquals(3.0, acc.numeratorSquares.get("take_rate"), 1e-12);
        assertEquals(10.0, acc.denominatorSquares.get("take_rate"), 1e-12);
        assertEquals(3.0, acc.crossProducts.get("take_rate"), 1e-12);

        VitalRecord revenue = v.get("kpi/revenue_per_prediction");
        assertEquals(30.0 / 4, revenue.value, 1e-12);
        assertEquals(4, revenue.n);
        assertNull(revenue.ciLower, "a ratio of a sum has no Wilson interval");
        // Σx² = 9.99² + 20.01² = 99.8001 + 400.4001, Σxy = 9.99 + 20.01.
        assertEquals(500.2002, acc.numeratorSquares.get("revenue_per_prediction"), 1e-9);
        assertEquals(30.0, acc.crossProducts.get("revenue_per_prediction"), 1e-12);
        assertEquals(4, acc.predictions);
    }

    /**
     * A record without increments (a direct event: no prediction) is a unit of its own: an impression is (0, 1), a
     * play alone is (1, 0) capped at its denominator, so 0 (a proportion never exceeds 1), a purchase (9.99, 0) is a
     * sum and is not capped.
     */
    @Test
    void aRecordWithoutIncrementsIsAUnitOfItsOwn() {
        KpiAccumulator acc = new KpiAccumulator();
        KpiAggregator.fold(acc, event("impression", null), KPIS);
        KpiAggregator.fold(acc, event("play", 60.0), KPIS);
        KpiAggregator.fold(acc, event("purchase", 9.99), KPIS);
        KpiAggregator.fold(acc, event("click", 1.0), KPIS); // selected by no KPI
        assertEquals(0.0, acc.numerators.get("take_rate"));
        assertEquals(1.0, acc.denominators.get("take_rate"));
        assertEquals(9.99, acc.numerators.get("revenue_per_prediction"));
        assertEquals(0.0, acc.denominators.get("revenue_per_prediction"));
        assertEquals(9.99 * 9.99, acc.numeratorSquares.get("revenue_per_prediction"), 1e-12);
        assertEquals(0, acc.predictions);
    }

    /**
     * The cap of a proportion on the running totals of one prediction, step by step (worked by hand): a play before
     * any impression counts 0; the impression releases it; a second play counts nothing more; a second impression
     * releases it. Each step's increments telescope to the final unit (x, y) = (2, 2): Σx² = Σy² = Σxy = 4.
     */
    @Test
    void aProportionCapsAPredictionsNumeratorAtItsDenominator() {
        KpiSpec takeRate = KPIS.get(0);
        double[][] steps = {{1, 0}, {1, 1}, {2, 1}, {2, 2}}; // raw (x, y) after play, impression, play, impression
        double[][] expected = { // dx, dy, dx², dy², dxy
            {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}, {0, 0, 0, 0, 0}, {1, 1, 3, 3, 3}
        };
        double x0 = 0, y0 = 0;
        double[] sums = new double[5];
        for (int i = 0; i < steps.length; i++) {
            KpiIncrement inc = KpiIncrement.change(takeRate, x0, y0, steps[i][0], steps[i][1]);
            double[] got = {inc.dx, inc.dy, inc.dxx, inc.dyy, inc.dxy};
            for (int j = 0; j < 5; j++) {
                assertEquals(expected[i][j], got[j], 1e-12, "step " + i + ", term " + j);
                sums[j] += got[j];
            }
            x0 = steps[i][0];
            y0 = steps[i][1];
        }
        assertEquals(List.of(2.0, 2.0, 4.0, 4.0, 4.0), List.of(sums[0], sums[1], sums[2], sums[3], sums[4]));
        // A sum is not capped: revenue 30 on a prediction counted once is (30, 1).
        KpiIncrement revenue = KpiIncrement.change(KPIS.get(1), 0, 1, 30, 1);
        assertEquals(30.0, revenue.dx);
        assertEquals(900.0, revenue.dxx);
        assertEquals(30.0, revenue.dxy);
    }

    @Test
    void aKpiWithoutDenominatorIsNotReported() {
        KpiAccumulator acc = new KpiAccumulator();
        KpiAggregator.fold(acc, event("play", 60.0), KPIS);
        assertEquals(List.of(), KpiVitals.of(summary("v1", acc), KPIS));
    }

    @Test
    void aChallengerAgainstItsChampion() {
        // Champion 60/120 = 0.5, challenger 36/120 = 0.3. Pooled p = 96/240 = 0.4,
        // se = sqrt(0.4 · 0.6 · 2/120) = sqrt(0.004), z = −0.2 / sqrt(0.004) = −sqrt(10).
        List<VitalRecord> out =
                KpiVitals.compare(summary("v1", takeRate(60, 120)), summary("v2", takeRate(36, 120)), KPIS);
        Map<String, VitalRecord> v = byName(out);
        VitalRecord diff = v.get("kpi_difference/take_rate");
        assertEquals("v2", diff.version);
        assertEquals("champion", diff.reference);
        assertEquals(-0.2, diff.value, 1e-12);
        assertEquals(120, diff.n);
        double expectedP = 2 * new NormalDistribution().cumulativeProbability(-Math.sqrt(10));
        assertEquals(expectedP, diff.pValue, 1e-12);
        // The same test as a 2×2 chi-square without continuity correction (chi² = z²), straight from Commons Math.
        assertEquals(new ChiSquareTest().chiSquareTest(new long[][] {{36, 84}, {60, 60}}), diff.pValue, 1e-9);
        // Newcombe's hybrid score interval (method 10) from the Wilson intervals of 36/120 and 60/120,
        // computed independently (Python, Newcombe's formula, z = 1.959964): [−0.315505, −0.076104].
        assertEquals(-0.315505, diff.ciLower, 1e-6);
        assertEquals(-0.076104, diff.ciUpper, 1e-6);
        VitalRecord relative = v.get("kpi_relative_difference/take_rate");
        assertEquals(-0.4, relative.value, 1e-12);
        assertEquals(diff.pValue, relative.pValue);
    }

    /**
     * Newcombe (1998), "Interval estimation for the difference between independent proportions: comparison of
     * eleven methods", Statistics in Medicine 17:873–890, Table II, method 10 (score interval from Wilson
     * intervals, no continuity correction): the published 95% limits, to the four decimals printed there.
     */
    @Test
    void newcombeHybridScoreIntervalMatchesNewcombesTableII() {
        long[][] examples = {
            {56, 70, 48, 80},
            {9, 10, 3, 10},
            {6, 7, 2, 7},
            {5, 56, 0, 29},
            {0, 10, 0, 20},
            {0, 10, 0, 10},
            {10, 10, 0, 20},
            {10, 10, 0, 10}
        };
        double[][] published = {
            {0.0524, 0.3339},
            {0.1705, 0.8090},
            {0.0582, 0.8062},
            {-0.0381, 0.1926},
            {-0.1611, 0.2775},
            {-0.2775, 0.2775},
            {0.6791, 1.0000},
            {0.6075, 1.0000}
        };
        for (int i = 0; i < examples.length; i++) {
            long[] e = examples[i];
            double[] ci = Proportions.newcombe(e[0], e[1], e[2], e[3], Proportions.Z95);
            assertEquals(published[i][0], ci[0], 5e-5, "lower, example " + (char) ('a' + i));
            assertEquals(published[i][1], ci[1], 5e-5, "upper, example " + (char) ('a' + i));
        }
    }

    @Test
    void zeroOutOfAHundredAgainstTwoPercentIsNoEvidence() {
        // The case: 0/100 against 100/5000. Fisher's exact two-sided p = 0.2675 (SciPy 1.17
        // fisher_exact([[0, 100], [100, 4900]])), so the interval must contain 0: Newcombe gives
        // [−0.0243, 0.0172] (the Wald interval was [−0.024, −0.016]).
        List<VitalRecord> out =
                KpiVitals.compare(summary("v1", takeRate(100, 5000)), summary("v2", takeRate(0, 100)), KPIS);
        VitalRecord diff = byName(out).get("kpi_difference/take_rate");
        assertEquals(-0.02, diff.value, 1e-12);
        assertEquals(-0.0243, diff.ciLower, 5e-5);
        assertEquals(0.0172, diff.ciUpper, 5e-5);
        assertTrue(diff.ciLower < 0 && diff.ciUpper > 0);
    }

    @Test
    void manyPlaysPerPredictionStillGiveAProportion() {
        // 15 plays on 10 shown predictions, every prediction played once or twice: capped, each unit has x = 1, so
        // the take-rate is 10/10 with a Wilson interval, not 1.5 (the old per-event count).
        KpiAccumulator acc = new KpiAccumulator();
        for (int i = 0; i < 10; i++) {
            KpiIncrement play = KpiIncrement.change(KPIS.get(0), 0, 0, 1, 0);
            KpiIncrement impression = KpiIncrement.change(KPIS.get(0), 1, 0, 1, 1);
            KpiIncrement again = KpiIncrement.change(KPIS.get(0), 1, 1, i < 5 ? 2 : 1, 1);
            AttributedEvent e = event("play", 60.0);
            e.increments = List.of(play, impression, again);
            KpiAggregator.fold(acc, e, KPIS);
        }
        VitalRecord v = byName(KpiVitals.of(summary("v2", acc), KPIS)).get("kpi/take_rate");
        assertEquals(1.0, v.value, 1e-12);
        assertEquals(10, v.n);
        // Wilson 95% for 10/10: the upper bound is 1, the lower 10 / (10 + 1.96²) = 0.7225 (Newcombe 1998, method 3).
        assertEquals(1.0, v.ciUpper, 1e-12);
        assertEquals(0.7225, v.ciLower, 5e-5);
    }

    @Test
    void sampleRatioMismatchIsAChiSquareGoodnessOfFit() {
        // 930 and 70 against a 90/10 split: expected 900 and 100, chi² = 30²/900 + 30²/100 = 10, one degree of freedom.
        Double p = KpiVitals.sampleRatioPValue(Map.of("v1", 930L, "v2", 70L), Map.of("v1", 0.9, "v2", 0.1));
        assertEquals(1 - new ChiSquaredDistribution(1).cumulativeProbability(10), p, 1e-12);
        // Shares need not sum to 1; a version of the split without traffic counts as 0 and unknown versions are
        // ignored.
        Double q = KpiVitals.sampleRatioPValue(Map.of("v1", 50L, "v3", 7L), Map.of("v1", 1.0, "v2", 1.0));
        assertEquals(1 - new ChiSquaredDistribution(1).cumulativeProbability(50.0), q, 1e-12); // (25² + 25²)/25 = 50
        assertNull(KpiVitals.sampleRatioPValue(Map.of("v3", 7L), Map.of("v1", 1.0, "v2", 1.0)));
    }

    @Test
    void oneSidedFall() {
        // 240/1000 against 900/3000: pooled 1140/4000 = 0.285, se = sqrt(0.285 · 0.715 · (1/1000 + 1/3000)).
        double se = Math.sqrt(0.285 * 0.715 * (1.0 / 1000 + 1.0 / 3000));
        double z = (0.24 - 0.30) / se;
        assertEquals(
                new NormalDistribution().cumulativeProbability(z), KpiVitals.lowerPValue(240, 1000, 900, 3000), 1e-12);
        assertEquals(0.5, KpiVitals.lowerPValue(0, 10, 0, 30), 1e-12, "no variance: no evidence either way");
    }
}
