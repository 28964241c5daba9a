package io.modelvitals.business;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.ExperimentSums;
import io.modelvitals.vitals.ExperimentTraffic;
import io.modelvitals.vitals.KpiAccumulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.correlation.Covariance;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.Variance;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The cumulative comparison: each window a look at the sums since the start, worked out here from the formulas. */
class KpiCumulativeComparisonFunctionTest {
    private static final long MINUTE = 60_000;

    private static MonitorSpec spec(String experiment) {
        return SpecLoader.parse(
                String.join(
                        "\n",
                        "models:",
                        "  - name: rec",
                        "    window: {size: 1m}",
                        "    champion: v1",
                        "    traffic_split: {v1: 0.95, v2: 0.05}",
                        experiment,
                        "    kpis:",
                        "      - {name: take_rate, numerator: {events: [play]}, denominator: {events: [impression]}}",
                        ""),
                "test");
    }

    private static KpiSummary summary(String version, long k, long predictions, double impressions, double plays) {
        KpiAccumulator a = new KpiAccumulator();
        a.predictions = predictions;
        a.denominators.put("take_rate", impressions);
        a.numerators.put("take_rate", plays);
        KpiSummary s = new KpiSummary();
        s.set("rec", version, "all", k * MINUTE, (k + 1) * MINUTE, a);
        return s;
    }

    private static Map<String, KpiSummary> window(KpiSummary... s) {
        Map<String, KpiSummary> w = new TreeMap<>();
        for (KpiSummary x : s) w.put(x.version, x);
        return w;
    }

    /** The mSPRT p of an estimate with variance v, mixing τ², written out (Johari et al. 2022, eq. (11) form). */
    private static double msprtP(double d, double v, double tau2) {
        double lambda = Math.sqrt(v / (v + tau2)) * Math.exp(tau2 * d * d / (2 * v * (v + tau2)));
        return Math.min(1, 1 / lambda);
    }

    private static VitalRecord only(List<VitalRecord> out, String vital) {
        List<VitalRecord> l = new ArrayList<>();
        for (VitalRecord v : out) if (v.vital.equals(vital)) l.add(v);
        assertEquals(1, l.size(), out.toString());
        return l.get(0);
    }

    /**
     * One version's variance for 0/1 units (one impression per prediction, x plays of n): the larger of the sample
     * binomial r(1 − r)/(n − 1) and the H0-restricted Σ(x − r̄y)²/(Σy)² = (x(1 − r̄)² + (n − x)r̄²)/n² at the pooled r̄.
     */
    private static double binomial(double x, double n, double pooled) {
        double r = x / n;
        double restricted = (x * (1 - pooled) * (1 - pooled) + (n - x) * pooled * pooled) / (n * n);
        return Math.max(r * (1 - r) / (n - 1), restricted);
    }

    @Test
    void eachLookTestsTheSumsSinceTheStartWithARunningMinimumPValue() {
        ModelSpec model = spec("    experiment: {min_samples: 50}").models.get(0);
        Map<String, ExperimentSums> sums = new HashMap<>();
        ExperimentTraffic traffic = new ExperimentTraffic();

        // Window 0: both 0.3. No difference, p = 1; τ is fixed here, from the champion's 0.3.
        List<VitalRecord> w0 = KpiCumulativeComparisonFunction.look(
                window(summary("v1", 0, 950, 950, 285), summary("v2", 0, 60, 60, 18)), model, sums, traffic);
        VitalRecord d0 = only(w0, "kpi_cumulative_difference");
        assertEquals(0.0, d0.value, 1e-15);
        assertEquals(1.0, d0.pValue);
        assertEquals("champion", d0.reference);
        assertEquals("v2", d0.version);

        // Window 1: the challenger plays 6 of 60. Cumulative: 24/120 = 0.2 against 570/1900 = 0.3.
        List<VitalRecord> w1 = KpiCumulativeComparisonFunction.look(
                window(summary("v1", 1, 950, 950, 285), summary("v2", 1, 60, 60, 6)), model, sums, traffic);
        VitalRecord d1 = only(w1, "kpi_cumulative_difference");
        double pooled = 594.0 / 2020;
        double v = binomial(24, 120, pooled) + binomial(570, 1900, pooled);
        double tau2 = (0.1 * 0.3) * (0.1 * 0.3); // effect 0.1 of the champion's 0.3 at the first look
        assertEquals(-0.1, d1.value, 1e-12);
        assertEquals(120, d1.n);
        assertEquals(msprtP(-0.1, v, tau2), d1.pValue, 1e-12);
        double half = Math.sqrt(v * (v + tau2) / tau2 * (2 * Math.log(20) + Math.log((v + tau2) / v)));
        assertEquals(-0.1 - half, d1.ciLower, 1e-12);
        assertEquals(-0.1 + half, d1.ciUpper, 1e-12);
        // 2.57 standard errors: a fixed-sample test would say p = 0.01, but the sequence pays for every look.
        assertTrue(0.1 / Math.sqrt(v) > 2.55 && d1.ciUpper > 0 && d1.pValue > 0.05, d1.toString());

        // Cumulative sample ratio: 1,900 against 120 on 95/5; χ² = 19²/1919 + 19²/101 = 3.76238, p = 2(1 − Φ(√χ²)).
        VitalRecord srm = only(w1, "sample_ratio_cumulative_p_value");
        assertEquals("all", srm.version);
        assertEquals(2020, srm.n);
        double chi2 = 19.0 * 19 / 1919 + 19.0 * 19 / 101;
        assertEquals(2 * (1 - new NormalDistribution().cumulativeProbability(Math.sqrt(chi2))), srm.value, 1e-9);

        // Window 2: the challenger recovers in part (27 of 60, cumulative 51/180): this look's own p is larger, the
        // reported one stays the minimum of the looks below 0.
        List<VitalRecord> w2 = KpiCumulativeComparisonFunction.look(
                window(summary("v1", 2, 950, 950, 285), summary("v2", 2, 60, 60, 27)), model, sums, traffic);
        VitalRecord d2 = only(w2, "kpi_cumulative_difference");
        double p2 = 51.0 / 180, pooled2 = (51.0 + 855) / 3030;
        double v2 = binomial(51, 180, pooled2) + binomial(855, 2850, pooled2);
        assertEquals(p2 - 0.3, d2.value, 1e-12);
        assertTrue(msprtP(p2 - 0.3, v2, tau2) > d1.pValue);
        assertEquals(d1.pValue, d2.pValue, 0.0, "the always-valid p-value is the running minimum");
        assertEquals(3, sums.get("v2").looks);
    }

    @Test
    void noLookBeforeEachVersionHasMinSamplesAndAVariance() {
        // The reviewer's case: a challenger just started, 2 predictions and 0 plays, against 10,000 at 0.10.
        ModelSpec model = spec("").models.get(0);
        Map<String, ExperimentSums> sums = new HashMap<>();
        ExperimentTraffic traffic = new ExperimentTraffic();
        List<VitalRecord> out = KpiCumulativeComparisonFunction.look(
                window(summary("v1", 0, 10_000, 10_000, 1_000), summary("v2", 0, 2, 2, 0)), model, sums, traffic);
        assertTrue(out.stream().noneMatch(v -> v.vital.equals("kpi_cumulative_difference")), out.toString());
        // 100 predictions (the default min_samples), still 0 plays: no variance of its own, no first look.
        out = KpiCumulativeComparisonFunction.look(
                window(summary("v1", 1, 10_000, 10_000, 1_000), summary("v2", 1, 98, 98, 0)), model, sums, traffic);
        assertTrue(out.stream().noneMatch(v -> v.vital.equals("kpi_cumulative_difference")), out.toString());
        assertTrue(sums.get("v2").tau2.isEmpty(), "τ is fixed at the first look only");
        // 1 play in 200: the first look; both estimates of the challenger's variance are above 0.
        out = KpiCumulativeComparisonFunction.look(
                window(summary("v1", 2, 10_000, 10_000, 1_000), summary("v2", 2, 100, 100, 1)), model, sums, traffic);
        VitalRecord d = only(out, "kpi_cumulative_difference");
        double pooled = 3001.0 / 30_200;
        double v = binomial(1, 200, pooled) + binomial(3000, 30_000, pooled);
        assertEquals(0.005 - 0.1, d.value, 1e-12);
        assertEquals(msprtP(-0.095, v, 0.01 * 0.01), d.pValue, 1e-12);
        assertEquals(0.01 * 0.01, sums.get("v2").tau2.get("take_rate"), 1e-18);
    }

    @Test
    void thePValueIsTheRunningMinimumOfTheEstimatesDirection() {
        ModelSpec model = spec("    experiment: {min_samples: 50}").models.get(0);
        Map<String, ExperimentSums> sums = new HashMap<>();
        ExperimentTraffic traffic = new ExperimentTraffic();
        // An early "better": 55 of 60 against 0.3.
        VitalRecord better = only(
                KpiCumulativeComparisonFunction.look(
                        window(summary("v1", 0, 950, 950, 285), summary("v2", 0, 60, 60, 55)), model, sums, traffic),
                "kpi_cumulative_difference");
        assertTrue(better.value > 0 && better.pValue < 0.1, better.toString());
        // Then no plays: cumulative 55/120, 55/180 (still above 0.3), then 55/240 = 0.229, below the champion.
        VitalRecord worse = null;
        for (int k = 1; k <= 3; k++) {
            worse = only(
                    KpiCumulativeComparisonFunction.look(
                            window(summary("v1", k, 950, 950, 285), summary("v2", k, 60, 60, 0)), model, sums, traffic),
                    "kpi_cumulative_difference");
        }
        assertEquals(55.0 / 240 - 0.3, worse.value, 1e-12);
        double pooled = (55.0 + 1140) / 4040;
        double v = binomial(55, 240, pooled) + binomial(1140, 3800, pooled);
        assertEquals(
                msprtP(55.0 / 240 - 0.3, v, 0.03 * 0.03),
                worse.pValue,
                1e-12,
                "the only look below 0 is this one: the early better p does not count for worse");
        assertTrue(worse.pValue > better.pValue, worse + " " + better);
        assertEquals(better.pValue, sums.get("v2").minPBetter.get("take_rate"), 0.0);
    }

    @Test
    void withTheMomentsOfPredictionsTheVarianceIsTheDeltaMethods() {
        ModelSpec model = spec("    experiment: {min_samples: 5}").models.get(0);
        // Six champion and five challenger predictions: impressions y and plays x of each.
        double[] y0 = {3, 1, 2, 4, 1, 2}, x0 = {1, 0, 1, 2, 1, 0};
        double[] y1 = {2, 5, 1, 3, 1}, x1 = {0, 1, 0, 2, 0};
        List<VitalRecord> out = KpiCumulativeComparisonFunction.look(
                window(withMoments("v1", x0, y0), withMoments("v2", x1, y1)),
                model,
                new HashMap<>(),
                new ExperimentTraffic());
        VitalRecord d = only(out, "kpi_cumulative_difference");
        double m0 = 5.0 / 13, m1 = 3.0 / 12, pooled = 8.0 / 25;
        // Each version: Deng's variance with n − 1, or the H0-restricted Σ(x − r̄y)²/(Σy)², the larger.
        double v = Math.max(deng(x1, y1) * 5 / 4, restricted(x1, y1, pooled))
                + Math.max(deng(x0, y0) * 6 / 5, restricted(x0, y0, pooled));
        double tau2 = (0.1 * m0) * (0.1 * m0);
        assertEquals(m1 - m0, d.value, 1e-12);
        assertEquals(5, d.n, "the unit is the prediction");
        assertEquals(msprtP(m1 - m0, v, tau2), d.pValue, 1e-12);
        double half = Math.sqrt(v * (v + tau2) / tau2 * (2 * Math.log(20) + Math.log((v + tau2) / v)));
        assertEquals(m1 - m0 + half, d.ciUpper, 1e-12);
    }

    private static double restricted(double[] x, double[] y, double r) {
        double s = 0, sy = 0;
        for (int i = 0; i < x.length; i++) {
            s += (x[i] - r * y[i]) * (x[i] - r * y[i]);
            sy += y[i];
        }
        return s / (sy * sy);
    }

    /** Deng et al. 2018, eq. (3), from the raw units with Commons Math's population moments. */
    private static double deng(double[] x, double[] y) {
        double mx = new Mean().evaluate(x), my = new Mean().evaluate(y);
        double vx = new Variance(false).evaluate(x), vy = new Variance(false).evaluate(y);
        double cxy = new Covariance().covariance(x, y, false);
        return (vx / (my * my) - 2 * mx * cxy / (my * my * my) + mx * mx * vy / Math.pow(my, 4)) / x.length;
    }

    private static KpiSummary withMoments(String version, double[] x, double[] y) {
        KpiSummary s = summary(version, 0, x.length, 0, 0);
        KpiAccumulator a = s.accumulator;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.length; i++) {
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            syy += y[i] * y[i];
            sxy += x[i] * y[i];
        }
        a.numerators.put("take_rate", sx);
        a.denominators.put("take_rate", sy);
        a.numeratorSquares.put("take_rate", sxx);
        a.denominatorSquares.put("take_rate", syy);
        a.crossProducts.put("take_rate", sxy);
        return s;
    }

    @Test
    void anExperimentStartSkipsEarlierWindowsAndANewStartOrChampionResets() {
        ModelSpec model = spec("    experiment: {start: '1970-01-01T00:02:00Z', min_samples: 50}")
                .models
                .get(0);
        Map<String, ExperimentSums> sums = new HashMap<>();
        ExperimentTraffic traffic = new ExperimentTraffic();
        assertEquals(
                List.of(),
                KpiCumulativeComparisonFunction.look(
                        window(summary("v1", 1, 950, 950, 285), summary("v2", 1, 50, 50, 5)), model, sums, traffic),
                "window 1 ends before the experiment starts at minute 2");
        KpiCumulativeComparisonFunction.look(
                window(summary("v1", 2, 950, 950, 285), summary("v2", 2, 50, 50, 15)), model, sums, traffic);
        assertEquals(1, sums.get("v2").looks);
        assertEquals(120_000L, sums.get("v2").since);

        // Restarted with a later start: the sums begin again.
        ModelSpec later = spec("    experiment: {start: '1970-01-01T00:03:00Z', min_samples: 50}")
                .models
                .get(0);
        VitalRecord d = only(
                KpiCumulativeComparisonFunction.look(
                        window(summary("v1", 3, 950, 950, 285), summary("v2", 3, 50, 50, 10)), later, sums, traffic),
                "kpi_cumulative_difference");
        assertEquals(1, sums.get("v2").looks);
        assertEquals(10.0 / 50 - 0.3, d.value, 1e-12);
        assertEquals(
                1000,
                traffic.predictions.values().stream().mapToLong(Long::longValue).sum());

        // Without a named champion, a new biggest version is a new champion and a new experiment.
        ModelSpec unnamed = spec("").models.get(0);
        unnamed.champion = null;
        Map<String, ExperimentSums> s2 = new HashMap<>();
        KpiCumulativeComparisonFunction.look(
                window(summary("v1", 0, 950, 950, 285), summary("v2", 0, 50, 50, 15)),
                unnamed,
                s2,
                new ExperimentTraffic());
        KpiCumulativeComparisonFunction.look(
                window(summary("v1", 1, 50, 50, 15), summary("v2", 1, 950, 950, 285)),
                unnamed,
                s2,
                new ExperimentTraffic());
        assertEquals("v2", s2.get("v1").champion);
        assertEquals(1, s2.get("v1").looks);
    }

    @Test
    void aSlidingWindowIsAddedOnlyWhenItDoesNotOverlapTheLastOneAndRepeatsTheLastLook() {
        ModelSpec model = spec("    experiment: {min_samples: 50}").models.get(0);
        Map<String, ExperimentSums> sums = new HashMap<>();
        ExperimentTraffic traffic = new ExperimentTraffic();
        KpiSummary a = summary("v2", 0, 50, 50, 10), b = summary("v2", 0, 50, 50, 25);
        b.windowStart = MINUTE / 2; // a window sliding by half a minute
        b.windowEnd = MINUTE * 3 / 2;
        KpiSummary ca = summary("v1", 0, 950, 950, 285), cb = summary("v1", 0, 950, 950, 285);
        cb.windowStart = b.windowStart;
        cb.windowEnd = b.windowEnd;
        VitalRecord first = only(
                KpiCumulativeComparisonFunction.look(window(ca, a), model, sums, traffic), "kpi_cumulative_difference");
        List<VitalRecord> out = KpiCumulativeComparisonFunction.look(window(cb, b), model, sums, traffic);
        assertEquals(1, sums.get("v2").looks);
        // Nothing added, but rules see the last look's statistics stamped with this window (alert_stale_after).
        VitalRecord again = only(out, "kpi_cumulative_difference");
        assertEquals(10.0 / 50 - 0.3, again.value, 1e-12);
        assertEquals(first.pValue, again.pValue, 0.0);
        assertEquals(first.ciLower, again.ciLower, 0.0);
        assertEquals(first.ciUpper, again.ciUpper, 0.0);
        assertEquals(b.windowEnd, again.windowEnd);
        assertTrue(out.stream().noneMatch(v -> v.vital.equals("sample_ratio_cumulative_p_value")));
    }

    @Test
    void sumsWhoseMomentsCoverPartOfThePredictionsRestartTheExperiment() {
        ModelSpec model = spec("    experiment: {min_samples: 5}").models.get(0);
        Map<String, ExperimentSums> sums = new HashMap<>();
        // Restored from a build without moments: 1,000 and 100 predictions of one impression each.
        KpiCumulativeComparisonFunction.look(
                window(summary("v1", 0, 1000, 1000, 300), summary("v2", 0, 100, 100, 30)),
                model,
                sums,
                new ExperimentTraffic());
        assertEquals(1, sums.get("v2").looks);
        double[] y0 = {3, 1, 2, 4, 1, 2}, x0 = {1, 0, 1, 2, 1, 0};
        double[] y1 = {2, 5, 1, 3, 1}, x1 = {0, 1, 0, 2, 0};
        KpiSummary m0 = withMoments("v1", x0, y0), m1 = withMoments("v2", x1, y1);
        for (KpiSummary m : List.of(m0, m1)) {
            m.windowStart = MINUTE;
            m.windowEnd = 2 * MINUTE;
        }
        KpiCumulativeComparisonFunction.look(window(m0, m1), model, sums, new ExperimentTraffic());
        assertEquals(1, sums.get("v2").looks, "a new experiment on the window with moments");
        assertEquals(5, sums.get("v2").challengerSums.predictions);
        assertEquals(5L, sums.get("v2").challengerMomentUnits.get("take_rate"));
    }

    @Test
    void theCumulativeSampleRatioStartsWhenEveryVersionServedAndResetsOnANewSplit() {
        ModelSpec model = spec("").models.get(0);
        ExperimentTraffic traffic = new ExperimentTraffic();
        Map<String, ExperimentSums> sums = new HashMap<>();
        // An hour of v1 alone before the challenger is deployed: no mismatch, nothing counted.
        List<VitalRecord> alone = KpiCumulativeComparisonFunction.look(
                window(summary("v1", 0, 60_000, 60_000, 18_000)), model, sums, traffic);
        assertEquals(List.of(), alone);
        VitalRecord srm = only(
                KpiCumulativeComparisonFunction.look(
                        window(summary("v1", 1, 950, 950, 285), summary("v2", 1, 50, 50, 15)), model, sums, traffic),
                "sample_ratio_cumulative_p_value");
        assertEquals(1000, srm.n);
        assertEquals(1.0, srm.value, 1e-12, "exactly on the split");
        // A new split (90/10): the counts restart from this window, 900 against 100.
        ModelSpec resplit = spec("").models.get(0);
        resplit.trafficSplit = new TreeMap<>(Map.of("v1", 0.9, "v2", 0.1));
        srm = only(
                KpiCumulativeComparisonFunction.look(
                        window(summary("v1", 2, 900, 900, 270), summary("v2", 2, 100, 100, 30)),
                        resplit,
                        sums,
                        traffic),
                "sample_ratio_cumulative_p_value");
        assertEquals(1000, srm.n);
        assertEquals(1.0, srm.value, 1e-12);
    }

    @Test
    void theOperatorLooksWhenTheWatermarkPassesTheWindowsEndPlusTheKpiDelay() throws Exception {
        MonitorSpec spec = spec("    experiment: {min_samples: 50}");
        long delay = KpiPanes.delayMs(spec.models.get(0));
        assertTrue(delay > 0, "the attribution window");
        try (KeyedOneInputStreamOperatorTestHarness<String, KpiSummary, VitalRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new KpiCumulativeComparisonFunction(spec)),
                        KpiSummary::comparisonKey,
                        Types.STRING)) {
            h.open();
            for (int k = 0; k < 3; k++) {
                long due = (k + 1) * MINUTE - 1 + delay;
                // The champion's summary of the window arrives; the challenger's comes later, before end − 1 + D.
                h.processElement(new StreamRecord<>(summary("v1", k, 950, 950, 285), due));
                h.processWatermark(new Watermark((k + 1) * MINUTE - 1));
                h.processElement(new StreamRecord<>(summary("v2", k, 50, 50, 15), due));
                h.processWatermark(new Watermark(due - 1));
                assertEquals(2 * k, h.extractOutputValues().size(), "nothing before the watermark passes end − 1 + D");
                h.processWatermark(new Watermark(due));
            }
            List<VitalRecord> out = h.extractOutputValues();
            assertEquals(6, out.size(), out.toString());
            VitalRecord last = out.get(4);
            assertEquals("kpi_cumulative_difference", last.vital);
            assertEquals(150, last.n, "three windows of 50 impressions, both versions in every look");
            assertEquals(0.0, last.value, 1e-12);
            assertEquals(2 * MINUTE, last.windowStart);
            assertEquals("sample_ratio_cumulative_p_value", out.get(5).vital);
            assertEquals(1.0, out.get(5).value, 1e-12, "exactly on the split: χ² = 0, p = 1");
            // Pending windows are gone; one experiment (v2) and one traffic count remain.
            assertEquals(2, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void rulesGateOnTheConfidenceSequenceOrOnTheAlwaysValidPValue() {
        MonitorSpec spec = spec(String.join(
                "\n",
                "    rules:",
                "      - {name: cs, vital: kpi_cumulative_difference, class: take_rate, op: '<', threshold: 0,",
                "         gate: confidence_interval}",
                "      - {name: p, vital: kpi_cumulative_difference, class: take_rate, op: '<', threshold: 0,",
                "         gate: significance, alpha: 0.05}"));
        io.modelvitals.alerting.RuleEvaluator rules = new io.modelvitals.alerting.RuleEvaluator(spec);
        VitalRecord v = new VitalRecord("rec", "v2", "all", "kpi_cumulative_difference", "take_rate", -0.05, 500, 0, 1);
        v.reference = "champion";
        v.ciLower = -0.09;
        v.ciUpper = -0.01; // wholly below 0
        v.pValue = 0.01;
        List<io.modelvitals.events.RuleCheck> checks = new ArrayList<>();
        rules.evaluate(v, new org.apache.flink.api.common.functions.util.ListCollector<>(checks));
        assertEquals(2, checks.size());
        assertTrue(checks.get(0).breached && checks.get(1).breached, checks.toString());

        v.ciUpper = 0.01; // the sequence reaches 0: no breach; p above alpha: none either
        v.pValue = 0.2;
        checks.clear();
        rules.evaluate(v, new org.apache.flink.api.common.functions.util.ListCollector<>(checks));
        assertTrue(!checks.get(0).breached && !checks.get(1).breached, checks.toString());
    }
}
