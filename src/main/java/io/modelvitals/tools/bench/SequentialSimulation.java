package io.modelvitals.tools.bench;

import io.modelvitals.business.KpiCumulativeComparisonFunction;
import io.modelvitals.business.KpiVitals;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.ExperimentSums;
import io.modelvitals.vitals.ExperimentTraffic;
import io.modelvitals.vitals.KpiAccumulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.BetaDistribution;

/**
 * The always-valid simulation of docs/business-kpis.md (a benchmark that measures; SequentialSimulationTest runs a
 * smaller one and asserts). Seeded experiments of a champion (v1) and a challenger (v2) on a 95/5 split, every window a
 * look through KpiCumulativeComparisonFunction.look — the operator's own statistics — with the sums of predictions
 * (delta method) and, beside it, the same sums without their moments (the per-impression binomial test):
 *
 * <ul>
 *   <li>A/A: both versions alike; a false positive is an experiment in which any look's confidence sequence excludes 0
 *       (the always-valid p-value ≤ α), a false SRM one in which the cumulative sample-ratio p-value is ever &lt;
 *       0.0005; for contrast, a per-window two-proportion test at 0.05 in every window;
 *   <li>the incident: from look {@code cleanLooks + 1} on, the challenger's take-rate falls by 40% relative; the delay is
 *       the looks from the fall until the confidence sequence is wholly below 0 (the rule {@code
 *       kpi_cumulative_difference < 0} with {@code gate: confidence_interval}).
 * </ul>
 *
 * Traffic: each prediction is shown 1 to {@code maxImpressions} times (uniform); its plays per impression have a
 * propensity of 0.05 (7 predictions in 8) or 0.45 (1 in 8), times the rate scale: a take-rate of 0.10 per impression
 * and plays of one prediction correlated (intra-prediction correlation 0.19), as when one user sees several items.
 *
 * <p>Run: {@code mvn -q -o compile exec:exec@sequential} or {@code java -cp … SequentialSimulation [seed] [experiments]
 * [looks] [predictionsPerWindow] [maxImpressions] [incidentRuns] [effect] [incidentFactor] [firstWindowShare]}.
 */
public final class SequentialSimulation {
    static final String KPI = "take_rate";

    /** What is simulated; the defaults are those of docs/business-kpis.md. */
    public static final class Setup {
        public long seed = 20261202L;
        public int experiments = 1000;
        public int looks = 100;
        public int predictionsPerWindow = 20_000;
        public double challengerShare = 0.05;
        public int maxImpressions = 5;
        /** The challenger's take-rate falls to this share of the champion's in the incident (0.6: −40%). */
        public double incidentFactor = 0.6;
        /**
         * The share of its first window the challenger serves (0.3: it starts 70% into the window, so its first window
         * has 30% of its usual predictions).
         */
        public double firstWindowShare = 1.0;
        /** Clean looks of the incident runs before the fall. */
        public int cleanLooks = 20;

        public int incidentRuns = 200;
        /** The experiment block of the spec (effect, alpha). */
        public String experiment = "{effect: 0.1, alpha: 0.05}";
    }

    /** The measured figures. */
    public static final class Result {
        public int aaDelta;
        public int aaNaive;
        public int aaSrm;
        public int aaPerWindowExperiments;
        public long perWindowAlarms;
        public long windows;
        public int[] delays;
        public int[] naiveDelays;
    }

    private SequentialSimulation() {}

    public static void main(String[] args) {
        Setup s = new Setup();
        if (args.length > 0) s.seed = Long.parseLong(args[0]);
        if (args.length > 1) s.experiments = Integer.parseInt(args[1]);
        if (args.length > 2) s.looks = Integer.parseInt(args[2]);
        if (args.length > 3) s.predictionsPerWindow = Integer.parseInt(args[3]);
        if (args.length > 4) s.maxImpressions = Integer.parseInt(args[4]);
        if (args.length > 5) s.incidentRuns = Integer.parseInt(args[5]);
        if (args.length > 6) s.experiment = "{effect: " + Double.parseDouble(args[6]) + ", alpha: 0.05}";
        if (args.length > 7) s.incidentFactor = Double.parseDouble(args[7]);
        if (args.length > 8) s.firstWindowShare = Double.parseDouble(args[8]);
        long started = System.nanoTime();
        Result r = run(s);
        System.out.printf(
                Locale.ROOT,
                "seed %d; %d A/A experiments × %d looks; %,d predictions a window, challenger %.0f%%; 1-%d impressions"
                        + " a prediction; take-rate 0.10; %s%n",
                s.seed,
                s.experiments,
                s.looks,
                s.predictionsPerWindow,
                100 * s.challengerShare,
                s.maxImpressions,
                s.experiment);
        System.out.println("| test | false positives (experiments) | share | 95% CI |");
        System.out.println("|---|---|---|---|");
        row("cumulative, delta method (prediction unit)", r.aaDelta, s.experiments);
        row("cumulative, binomial per impression", r.aaNaive, s.experiments);
        row("cumulative sample ratio, p < 0.0005", r.aaSrm, s.experiments);
        row("per-window two-proportion test, p < 0.05, any window", r.aaPerWindowExperiments, s.experiments);
        System.out.printf(
                Locale.ROOT,
                "per-window test at 0.05: %d alarms in %d windows (%.1f per 1,000)%n",
                r.perWindowAlarms,
                r.windows,
                1000.0 * r.perWindowAlarms / r.windows);
        System.out.printf(
                Locale.ROOT,
                "incident (take-rate ×%.2f after %d clean looks), %d runs: delta method %s; binomial per impression"
                        + " %s%n",
                s.incidentFactor,
                s.cleanLooks,
                s.incidentRuns,
                describe(r.delays, s.looks - s.cleanLooks),
                describe(r.naiveDelays, s.looks - s.cleanLooks));
        System.out.printf(Locale.ROOT, "took %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private static void row(String name, int k, int n) {
        double[] ci = clopperPearson(k, n);
        System.out.printf(
                Locale.ROOT, "| %s | %d of %d | %.4f | %.4f–%.4f |%n", name, k, n, (double) k / n, ci[0], ci[1]);
    }

    /** Exact (Clopper-Pearson) 95% interval of a binomial share. */
    public static double[] clopperPearson(int k, int n) {
        double lo = k == 0 ? 0 : new BetaDistribution(k, n - k + 1.0).inverseCumulativeProbability(0.025);
        double hi = k == n ? 1 : new BetaDistribution(k + 1.0, n - k).inverseCumulativeProbability(0.975);
        return new double[] {lo, hi};
    }

    /** Median, 90th percentile and maximum of the delays in looks, and how many runs detected. */
    static String describe(int[] delays, int horizon) {
        int[] found = Arrays.stream(delays).filter(d -> d > 0).sorted().toArray();
        if (found.length == 0) return "none detected within " + horizon + " looks";
        return String.format(
                Locale.ROOT,
                "median %d, p90 %d, max %d looks (%d of %d detected within %d)",
                found[found.length / 2],
                found[(int) Math.ceil(0.9 * found.length) - 1],
                found[found.length - 1],
                found.length,
                delays.length,
                horizon);
    }

    static ModelSpec model(Setup s) {
        return SpecLoader.parse(
                        String.join(
                                "\n",
                                "models:",
                                "  - name: rec",
                                "    champion: v1",
                                "    traffic_split: {v1: " + (1 - s.challengerShare) + ", v2: " + s.challengerShare
                                        + "}",
                                "    experiment: " + s.experiment,
                                "    kpis:",
                                "      - {name: take_rate, numerator: {events: [play]}, denominator: {events:"
                                        + " [impression]}}",
                                ""),
                        "simulation")
                .models
                .get(0);
    }

    public static Result run(Setup s) {
        ModelSpec model = model(s);
        Result r = new Result();
        for (int e = 0; e < s.experiments; e++) {
            SplittableRandom rng = new SplittableRandom(s.seed * 1_000_003L + e);
            Experiment x = new Experiment(model);
            boolean delta = false, naive = false, srm = false, perWindow = false;
            for (int k = 0; k < s.looks; k++) {
                KpiSummary[] w = window(rng, s, k, 1.0);
                Look l = x.look(w);
                delta |= l.deltaLower > 0 || l.deltaUpper < 0;
                naive |= l.naiveLower > 0 || l.naiveUpper < 0;
                srm |= l.srm < 0.0005;
                double p = KpiVitals.twoProportionPValue(
                        Math.round(w[1].accumulator.numerators.get(KPI)),
                        Math.round(w[1].accumulator.denominators.get(KPI)),
                        Math.round(w[0].accumulator.numerators.get(KPI)),
                        Math.round(w[0].accumulator.denominators.get(KPI)));
                if (p < 0.05) {
                    r.perWindowAlarms++;
                    perWindow = true;
                }
                r.windows++;
            }
            if (delta) r.aaDelta++;
            if (naive) r.aaNaive++;
            if (srm) r.aaSrm++;
            if (perWindow) r.aaPerWindowExperiments++;
        }
        r.delays = new int[s.incidentRuns];
        r.naiveDelays = new int[s.incidentRuns];
        for (int e = 0; e < s.incidentRuns; e++) {
            SplittableRandom rng = new SplittableRandom(s.seed * 1_000_003L + 500_000_000L + e);
            Experiment x = new Experiment(model);
            for (int k = 0; k < s.looks && (r.delays[e] == 0 || r.naiveDelays[e] == 0); k++) {
                boolean fallen = k >= s.cleanLooks;
                Look l = x.look(window(rng, s, k, fallen ? s.incidentFactor : 1.0));
                if (fallen && r.delays[e] == 0 && l.deltaUpper < 0) r.delays[e] = k - s.cleanLooks + 1;
                if (fallen && r.naiveDelays[e] == 0 && l.naiveUpper < 0) r.naiveDelays[e] = k - s.cleanLooks + 1;
            }
        }
        return r;
    }

    /** One look's confidence sequences (delta method and per-impression binomial) and the cumulative SRM p-value. */
    static final class Look {
        double deltaLower = Double.NEGATIVE_INFINITY, deltaUpper = Double.POSITIVE_INFINITY;
        double naiveLower = Double.NEGATIVE_INFINITY, naiveUpper = Double.POSITIVE_INFINITY;
        double srm = 1;
    }

    /** The operator's state for one experiment, twice: with the sums' moments and without. */
    static final class Experiment {
        final ModelSpec model;
        final Map<String, ExperimentSums> delta = new HashMap<>(), naive = new HashMap<>();
        final ExperimentTraffic traffic = new ExperimentTraffic(), naiveTraffic = new ExperimentTraffic();

        Experiment(ModelSpec model) {
            this.model = model;
        }

        Look look(KpiSummary[] w) {
            Look l = new Look();
            for (VitalRecord v : KpiCumulativeComparisonFunction.look(byVersion(w), model, delta, traffic)) {
                if (v.vital.equals(Vitals.KPI_CUMULATIVE_DIFFERENCE)) {
                    l.deltaLower = v.ciLower;
                    l.deltaUpper = v.ciUpper;
                } else if (v.vital.equals(Vitals.SAMPLE_RATIO_CUMULATIVE_P_VALUE)) l.srm = v.value;
            }
            KpiSummary[] stripped = {withoutMoments(w[0]), withoutMoments(w[1])};
            for (VitalRecord v :
                    KpiCumulativeComparisonFunction.look(byVersion(stripped), model, naive, naiveTraffic)) {
                if (v.vital.equals(Vitals.KPI_CUMULATIVE_DIFFERENCE)) {
                    l.naiveLower = v.ciLower;
                    l.naiveUpper = v.ciUpper;
                }
            }
            return l;
        }
    }

    private static Map<String, KpiSummary> byVersion(KpiSummary[] w) {
        Map<String, KpiSummary> m = new TreeMap<>();
        for (KpiSummary s : w) m.put(s.version, s);
        return m;
    }

    private static KpiSummary withoutMoments(KpiSummary s) {
        KpiAccumulator a = new KpiAccumulator();
        a.predictions = s.accumulator.predictions;
        a.numerators.putAll(s.accumulator.numerators);
        a.denominators.putAll(s.accumulator.denominators);
        KpiSummary c = new KpiSummary();
        c.set(s.model, s.version, s.slice, s.windowStart, s.windowEnd, a);
        return c;
    }

    /** One window of both versions: each prediction to v2 with the challenger's share, its impressions and plays. */
    static KpiSummary[] window(SplittableRandom rng, Setup s, int k, double challengerFactor) {
        double[][] sums = new double[2][6]; // per version: n, Σx, Σy, Σx², Σy², Σxy
        for (int i = 0; i < s.predictionsPerWindow; i++) {
            double share = k == 0 ? s.challengerShare * s.firstWindowShare : s.challengerShare;
            int v = rng.nextDouble() < share ? 1 : 0;
            int y = 1 + rng.nextInt(s.maxImpressions);
            double q = (rng.nextDouble() < 0.875 ? 0.05 : 0.45) * (v == 1 ? challengerFactor : 1.0);
            int x = 0;
            for (int j = 0; j < y; j++) if (rng.nextDouble() < q) x++;
            double[] t = sums[v];
            t[0]++;
            t[1] += x;
            t[2] += y;
            t[3] += (double) x * x;
            t[4] += (double) y * y;
            t[5] += (double) x * y;
        }
        List<KpiSummary> out = new ArrayList<>();
        for (int v = 0; v < 2; v++) {
            double[] t = sums[v];
            KpiAccumulator a = new KpiAccumulator();
            a.predictions = (long) t[0];
            a.numerators.put(KPI, t[1]);
            a.denominators.put(KPI, t[2]);
            a.numeratorSquares.put(KPI, t[3]);
            a.denominatorSquares.put(KPI, t[4]);
            a.crossProducts.put(KPI, t[5]);
            KpiSummary summary = new KpiSummary();
            summary.set("rec", v == 0 ? "v1" : "v2", "all", k * 600_000L, (k + 1) * 600_000L, a);
            out.add(summary);
        }
        return out.toArray(new KpiSummary[0]);
    }
}
