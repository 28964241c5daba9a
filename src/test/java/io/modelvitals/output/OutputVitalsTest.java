package io.modelvitals.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.DriftSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.OutputSample;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.OutputAccumulator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.Test;

class OutputVitalsTest {

    private static OutputSample sample(String label, Double numeric) {
        OutputSample s = new OutputSample();
        s.label = label;
        s.numeric = numeric;
        return s;
    }

    private static OutputSummary summary(OutputAccumulator acc) {
        OutputSummary s = new OutputSummary();
        s.model = "m";
        s.version = "v";
        s.slice = "all";
        s.windowStart = 0;
        s.windowEnd = 60_000;
        s.accumulator = acc;
        return s;
    }

    private static VitalRecord find(List<VitalRecord> vitals, String vital, String cls, String reference) {
        return vitals.stream()
                .filter(v ->
                        v.vital.equals(vital) && Objects.equals(v.cls, cls) && Objects.equals(v.reference, reference))
                .findFirst()
                .orElse(null);
    }

    @Test
    void welfordMergeMatchesCommonsMath() {
        Random r = new Random(5);
        DescriptiveStatistics reference = new DescriptiveStatistics();
        OutputAccumulator left = new OutputAccumulator(), right = new OutputAccumulator();
        for (int i = 0; i < 1000; i++) {
            double x = 1e6 + r.nextGaussian(); // a large offset is where Σx² − (Σx)²/n would lose the variance
            reference.addValue(x);
            OutputAggregator.fold((i % 3 == 0 ? left : right), sample(null, x));
        }
        OutputAccumulator merged = left.merge(right);
        assertEquals(reference.getMean(), merged.mean, 1e-6);
        assertEquals(reference.getVariance(), merged.variance(), 1e-6);
        assertEquals(reference.getMin(), merged.min, 0);
        assertEquals(reference.getMax(), merged.max, 0);
        assertEquals(1000, merged.numericCount);
    }

    /** Classes a ×3, b ×1; values 0.05, 0.15, 0.15, 0.95: mean 0.325, variance by hand, deciles of [0, 1]. */
    @Test
    void distributionVitalsByHand() {
        OutputAccumulator acc = new OutputAccumulator();
        OutputAggregator.fold(acc, sample("a", 0.05));
        OutputAggregator.fold(acc, sample("a", 0.15));
        OutputAggregator.fold(acc, sample("a", 0.15));
        OutputAggregator.fold(acc, sample("b", 0.95));
        List<VitalRecord> v = OutputVitals.distribution(summary(acc), null);
        assertEquals(4, find(v, Vitals.PREDICTION_COUNT, null, null).value);
        assertEquals(3, find(v, Vitals.CLASS_COUNT, "a", null).value);
        assertEquals(0.75, find(v, Vitals.CLASS_SHARE, "a", null).value, 1e-12);
        assertEquals(0.25, find(v, Vitals.CLASS_SHARE, "b", null).value, 1e-12);
        assertEquals(0.325, find(v, Vitals.VALUE_MEAN, null, null).value, 1e-12);
        // Σ(x − 0.325)² = 0.075625 + 0.030625 + 0.030625 + 0.390625 = 0.5275; / (n − 1) = 0.175833…
        assertEquals(0.5275 / 3, find(v, Vitals.VALUE_VARIANCE, null, null).value, 1e-12);
        assertEquals(0.15, find(v, Vitals.VALUE_P50, null, null).value, 1e-12);
        assertEquals(0.95, find(v, Vitals.VALUE_P95, null, null).value, 1e-12);
        assertEquals(0.05, find(v, Vitals.VALUE_P5, null, null).value, 1e-12);
        // Scores within [0, 1]: ten bins of 0.1; 0.05 in the first, two 0.15 in the second, 0.95 in the last.
        assertEquals(1, find(v, Vitals.VALUE_HISTOGRAM, "[0, 0.1)", null).value);
        assertEquals(2, find(v, Vitals.VALUE_HISTOGRAM, "[0.1, 0.2)", null).value);
        assertEquals(0, find(v, Vitals.VALUE_HISTOGRAM, "[0.5, 0.6)", null).value);
        assertEquals(1, find(v, Vitals.VALUE_HISTOGRAM, "[0.9, 1]", null).value);
        assertEquals(
                10,
                v.stream().filter(r -> r.vital.equals(Vitals.VALUE_HISTOGRAM)).count());
    }

    @Test
    void histogramOnConfiguredEdgesCountsEachValueOnce() {
        OutputAccumulator acc = new OutputAccumulator();
        for (double x : new double[] {-5, 0, 1, 1, 2, 3, 9}) OutputAggregator.fold(acc, sample(null, x));
        DriftSpec drift = new DriftSpec();
        drift.histogramEdges = List.of(0.0, 1.0, 2.0, 3.0);
        List<VitalRecord> v = OutputVitals.distribution(summary(acc), drift);
        assertEquals(1, find(v, Vitals.VALUE_HISTOGRAM, "[0, 1)", null).value);
        assertEquals(2, find(v, Vitals.VALUE_HISTOGRAM, "[1, 2)", null).value);
        assertEquals(2, find(v, Vitals.VALUE_HISTOGRAM, "[2, 3]", null).value, "the last bin is closed");
    }

    /** Beyond the sketch's exact range, fixed bins still count exactly, however the values were split and merged. */
    @Test
    void histogramOnFixedBinsIsExactBeyondTheSketchesExactRange() {
        DriftSpec drift = new DriftSpec();
        drift.histogramEdges = List.of(10.0, 20.0, 25.0, 30.0, 35.0, 40.0, 50.0);
        double[] edges =
                drift.histogramEdges.stream().mapToDouble(Double::doubleValue).toArray();
        Random r = new Random(8);
        long[] expected = new long[6];
        OutputAccumulator[] parts = {new OutputAccumulator(), new OutputAccumulator(), new OutputAccumulator()};
        for (int i = 0; i < 20_000; i++) {
            double x = Math.round((30 + 8 * r.nextGaussian()) * 2) / 2.0; // many values exactly on an edge
            for (int b = 0; b < 6; b++)
                if (x >= edges[b] && (x < edges[b + 1] || (b == 5 && x == edges[6]))) expected[b]++;
            OutputAggregator.fold(parts[r.nextInt(3)], sample(null, x), edges);
        }
        OutputAccumulator acc =
                new OutputAccumulator().merge(parts[2]).merge(parts[0]).merge(parts[1]);
        assertTrue(!acc.numeric.isExact());
        List<VitalRecord> v = OutputVitals.distribution(summary(acc), drift);
        String[] bins = {"[10, 20)", "[20, 25)", "[25, 30)", "[30, 35)", "[35, 40)", "[40, 50]"};
        for (int b = 0; b < 6; b++) assertEquals(expected[b], find(v, Vitals.VALUE_HISTOGRAM, bins[b], null).value);

        // A summary restored from a version without exact bins (histogram null) falls back to the sketch.
        acc.histogram = null;
        v = OutputVitals.distribution(summary(acc), drift);
        for (int b = 0; b < 6; b++) {
            double share = acc.numeric.rankErrorBound() * 2;
            assertEquals(expected[b], find(v, Vitals.VALUE_HISTOGRAM, bins[b], null).value, share * 20_000 + 1);
        }
    }

    @Test
    void valuesAtTheEdgeOfDoubleRangeGiveNoHistogramRatherThanACrash() {
        OutputAccumulator acc = new OutputAccumulator();
        OutputAggregator.fold(acc, sample(null, 1e308));
        OutputAggregator.fold(acc, sample(null, -1e308));
        List<VitalRecord> v = OutputVitals.distribution(summary(acc), null);
        assertTrue(v.stream().noneMatch(r -> r.vital.equals(Vitals.VALUE_HISTOGRAM)));
        assertEquals(2, find(v, Vitals.PREDICTION_COUNT, null, null).value);
    }

    @Test
    void classDriftAgainstASampleAndAgainstShares() {
        OutputAccumulator current = new OutputAccumulator(), reference = new OutputAccumulator();
        for (int i = 0; i < 200; i++)
            OutputAggregator.fold(current, sample(i < 40 ? "a" : i < 100 ? "b" : "c", null)); // .2 .3 .5
        for (int i = 0; i < 400; i++)
            OutputAggregator.fold(reference, sample(i < 160 ? "a" : i < 280 ? "b" : "d", null)); // .4 .3 0 .3
        List<VitalRecord> v = OutputVitals.drift(summary(current), "previous", DriftReference.of(reference), 100);
        double[] p = {0.2, 0.3, 0.5, 0.0};
        double[] q = {0.4, 0.3, 0.0, 0.3};
        assertEquals(Drift.psi(p, q), find(v, Vitals.CLASS_PSI, null, "previous").value, 1e-12);
        assertEquals(
                Drift.jensenShannonDistance(p, q), find(v, Vitals.CLASS_JS_DISTANCE, null, "previous").value, 1e-12);
        assertEquals(
                new org.apache.commons.math3.stat.inference.ChiSquareTest()
                        .chiSquareTestDataSetsComparison(new long[] {40, 60, 100, 0}, new long[] {160, 120, 0, 120}),
                find(v, Vitals.CLASS_CHI2_P_VALUE, null, "previous").value,
                1e-12);
        assertEquals(200, find(v, Vitals.CLASS_PSI, null, "previous").n);

        DriftSpec.Baseline baseline = new DriftSpec.Baseline();
        baseline.classShares = Map.of("a", 2.0, "b", 3.0, "c", 5.0); // normalized to .2 .3 .5
        List<VitalRecord> same = OutputVitals.drift(summary(current), "baseline", DriftReference.of(baseline), 100);
        assertEquals(0.0, find(same, Vitals.CLASS_PSI, null, "baseline").value, 1e-12);
        assertEquals(1.0, find(same, Vitals.CLASS_CHI2_P_VALUE, null, "baseline").value, 1e-9);
        // At most 1,000 samples the default decision is the chi-square test at alpha 0.001.
        VitalRecord drifted = find(v, Vitals.CLASS_DRIFT, null, "previous");
        assertEquals(1.0, drifted.value);
        assertEquals(find(v, Vitals.CLASS_CHI2_P_VALUE, null, "previous").value, drifted.pValue, 0.0);
        assertEquals(0.0, find(same, Vitals.CLASS_DRIFT, null, "baseline").value);
    }

    /**
     * Skewed scores, Beta(0.5, 5), against a baseline binned at their own exact deciles (Commons Math's inverse CDF,
     * 100,000 per bin). The uniform-within-bin model is far from the Beta's CDF inside the first bins (a fixed bias of
     * the baseline, not noise), and value_drift used to fire on every clean window of 5,000. Read at the edges, a clean
     * window drifts in at most 2 of 2,000 (99.9%); a real change, Beta(0.5, 4) (mean 0.111 against 0.0909, W/σ ≈ 0.18),
     * is detected in every one of 20 windows.
     */
    @Test
    void valueDriftAgainstABinnedBaselineOfSkewedScoresHoldsItsLevel() {
        org.apache.commons.math3.random.Well19937c rng = new org.apache.commons.math3.random.Well19937c(41);
        org.apache.commons.math3.distribution.BetaDistribution beta =
                new org.apache.commons.math3.distribution.BetaDistribution(rng, 0.5, 5);
        DriftSpec.Baseline baseline = new DriftSpec.Baseline();
        baseline.binEdges = new java.util.ArrayList<>();
        baseline.binCounts = new java.util.ArrayList<>();
        baseline.binEdges.add(0.0);
        for (int i = 1; i < 10; i++) baseline.binEdges.add(beta.inverseCumulativeProbability(i / 10.0));
        baseline.binEdges.add(1.0);
        for (int i = 0; i < 10; i++) baseline.binCounts.add(100_000L);
        DriftReference reference = DriftReference.of(baseline);
        int drifted = 0;
        for (int w = 0; w < 2_000; w++) {
            OutputAccumulator acc = new OutputAccumulator();
            for (int i = 0; i < 5_000; i++) OutputAggregator.fold(acc, sample(null, beta.sample()));
            List<VitalRecord> v = OutputVitals.drift(summary(acc), "baseline", reference, 100);
            drifted += (int) find(v, Vitals.VALUE_DRIFT, null, "baseline").value;
        }
        assertTrue(drifted <= 2, drifted + " of 2,000 clean windows drifted");
        org.apache.commons.math3.distribution.BetaDistribution changed =
                new org.apache.commons.math3.distribution.BetaDistribution(rng, 0.5, 4);
        for (int w = 0; w < 20; w++) {
            OutputAccumulator acc = new OutputAccumulator();
            for (int i = 0; i < 5_000; i++) OutputAggregator.fold(acc, sample(null, changed.sample()));
            List<VitalRecord> v = OutputVitals.drift(summary(acc), "baseline", reference, 100);
            assertEquals(1.0, find(v, Vitals.VALUE_DRIFT, null, "baseline").value, "window " + w);
        }
    }

    @Test
    void aboveAThousandSamplesClassDriftNeedsADistanceBeyondNoise() {
        // 5,000 predictions against declared shares 0.5/0.5: a distance decision (Evidently's switch at 1,000).
        DriftSpec.Baseline baseline = new DriftSpec.Baseline();
        baseline.classShares = Map.of("a", 1.0, "b", 1.0);
        OutputAccumulator small = new OutputAccumulator(), large = new OutputAccumulator();
        for (int i = 0; i < 5000; i++) {
            OutputAggregator.fold(small, sample(i < 2750 ? "a" : "b", null)); // 0.55 / 0.45
            OutputAggregator.fold(large, sample(i < 4000 ? "a" : "b", null)); // 0.80 / 0.20
        }
        List<VitalRecord> v = OutputVitals.drift(summary(small), "baseline", DriftReference.of(baseline), 100);
        // χ² = 2 · 250² / 2500 = 50 with 1 df: far beyond noise, yet JS distance = 0.0425 < 0.12: no drift.
        assertEquals(
                1 - new org.apache.commons.math3.distribution.ChiSquaredDistribution(1).cumulativeProbability(50),
                find(v, Vitals.CLASS_CHI2_P_VALUE, null, "baseline").value,
                1e-15);
        double js = Drift.jensenShannonDistance(new double[] {0.55, 0.45}, new double[] {0.5, 0.5});
        assertTrue(js < 0.12);
        assertEquals(0.0, find(v, Vitals.CLASS_DRIFT, null, "baseline").value);
        // 0.8 / 0.2: JS distance 0.270 ≥ 0.12 and its null p (8 ln2 · 5000 · JS² ≈ 2,027 on χ²(1)) ≈ 0: drift.
        List<VitalRecord> w = OutputVitals.drift(summary(large), "baseline", DriftReference.of(baseline), 100);
        double jsLarge = Drift.jensenShannonDistance(new double[] {0.8, 0.2}, new double[] {0.5, 0.5});
        assertTrue(jsLarge > 0.12);
        VitalRecord jsRecord = find(w, Vitals.CLASS_JS_DISTANCE, null, "baseline");
        assertEquals(jsLarge, jsRecord.value, 1e-12);
        assertEquals(
                1
                        - new org.apache.commons.math3.distribution.ChiSquaredDistribution(1)
                                .cumulativeProbability(8 * Math.log(2) * 5000 * jsLarge * jsLarge),
                jsRecord.pValue,
                1e-15);
        assertEquals(1.0, find(w, Vitals.CLASS_DRIFT, null, "baseline").value);
    }

    @Test
    void tooFewSamplesOnEitherSideSkipsTheStatistics() {
        OutputAccumulator current = new OutputAccumulator(),
                small = new OutputAccumulator(),
                empty = new OutputAccumulator();
        for (int i = 0; i < 200; i++) OutputAggregator.fold(current, sample("a", (double) i));
        for (int i = 0; i < 50; i++) OutputAggregator.fold(small, sample("a", (double) i));
        assertTrue(OutputVitals.drift(summary(current), "previous", DriftReference.of(small), 100)
                .isEmpty());
        assertTrue(OutputVitals.drift(summary(small), "previous", DriftReference.of(current), 100)
                .isEmpty());
        assertTrue(OutputVitals.drift(summary(current), "previous", DriftReference.of(empty), 1)
                .isEmpty());
    }

    @Test
    void numericDriftAgainstASampleBaselineMatchesCommonsMath() {
        Random r = new Random(9);
        OutputAccumulator current = new OutputAccumulator();
        double[] x = new double[150];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.3 + r.nextGaussian();
            OutputAggregator.fold(current, sample(null, x[i]));
        }
        DriftSpec.Baseline baseline = new DriftSpec.Baseline();
        double[] y = new double[180];
        for (int i = 0; i < y.length; i++) y[i] = r.nextGaussian();
        baseline.sample = java.util.Arrays.stream(y).boxed().collect(java.util.stream.Collectors.toList());
        List<VitalRecord> v = OutputVitals.drift(summary(current), "baseline", DriftReference.of(baseline), 100);
        KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
        double d = ks.kolmogorovSmirnovStatistic(x, y);
        assertEquals(d, find(v, Vitals.VALUE_KS_STATISTIC, null, "baseline").value, 1e-12);
        assertEquals(ks.kolmogorovSmirnovTest(x, y), find(v, Vitals.VALUE_KS_P_VALUE, null, "baseline").value, 1e-9);
        assertTrue(find(v, Vitals.VALUE_WASSERSTEIN, null, "baseline").value > 0.1);
        assertTrue(find(v, Vitals.VALUE_PSI, null, "baseline").value > 0);
        // At most 1,000 samples value_drift is the KS test at alpha 0.0005, with the p-value as Commons Math has it.
        VitalRecord drift = find(v, Vitals.VALUE_DRIFT, null, "baseline");
        assertEquals(ks.kolmogorovSmirnovTest(x, y) < 0.0005 ? 1.0 : 0.0, drift.value);
        assertEquals(ks.kolmogorovSmirnovTest(x, y), drift.pValue, 1e-9);
    }

    @Test
    void operationalVitals() {
        OutputAccumulator acc = new OutputAccumulator();
        // 100 served predictions with latencies 1..100 ms (shuffled), and 25 failures without a latency.
        List<Integer> latencies = new java.util.ArrayList<>();
        for (int i = 1; i <= 100; i++) latencies.add(i);
        java.util.Collections.shuffle(latencies, new Random(3));
        for (int ms : latencies) {
            OutputSample s = sample("a", null);
            s.latencyMs = (double) ms;
            OutputAggregator.fold(acc, s);
        }
        for (int i = 0; i < 25; i++) {
            OutputSample s = sample(null, null);
            s.error = true;
            OutputAggregator.fold(acc, s);
        }
        List<VitalRecord> v = OutputVitals.distribution(summary(acc), null);
        assertEquals(100, find(v, "prediction_count", null, null).value);
        assertEquals(
                125 / 60.0,
                find(v, "predictions_per_second", null, null).value,
                1e-12,
                "failures are served requests too");
        VitalRecord errorRate = find(v, "error_rate", null, null);
        assertEquals(0.2, errorRate.value, 1e-12);
        assertEquals(125, errorRate.n);
        // Nearest rank, exact below 200 values: the smallest latency with at least p of the values at or below it.
        assertEquals(50.0, find(v, "latency_p50_ms", null, null).value);
        assertEquals(95.0, find(v, "latency_p95_ms", null, null).value);
        assertEquals(99.0, find(v, "latency_p99_ms", null, null).value);
        assertEquals(100, find(v, "latency_p99_ms", null, null).n);
    }

    @Test
    void binEdgesAreWrittenWithSixSignificantDigitsAndNoPadding() {
        // By hand from the values: round numbers keep their zeros; only a fraction's padding goes.
        assertEquals("100000", OutputVitals.fmt(100_000));
        assertEquals("120000", OutputVitals.fmt(120_000));
        assertEquals("0.25", OutputVitals.fmt(0.25));
        assertEquals("1", OutputVitals.fmt(1.0));
        assertEquals("0", OutputVitals.fmt(0.0));
        assertEquals("-2.5", OutputVitals.fmt(-2.5));
        assertEquals("1.23457e+06", OutputVitals.fmt(1_234_567));
        assertEquals("1e-07", OutputVitals.fmt(1e-7));
        assertEquals("1.5e-07", OutputVitals.fmt(1.5e-7));
    }
}
