package io.modelvitals.tools.bench;

import io.modelvitals.alerting.AlertLifecycleFunction;
import io.modelvitals.alerting.RuleEvaluator;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.functions.AlertLifecycleFunction.AlertState;
import io.modelvitals.vitals.Proportions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.flink.api.common.functions.util.ListCollector;

/**
 * The detection benchmark of docs/detection.md (not a test: it measures). Seeded simulated vital series go through the
 * real rule path — the spec parsed and validated by SpecLoader, RuleEvaluator's checks, and the alert lifecycle with
 * its detectors (AlertLifecycleFunction.advance, the operator's own logic) — with each rule's default settings:
 *
 * <ul>
 *   <li>clean series: false alerts (a rule going to firing) per 1,000 windows after a 30-window warm-up, with an exact
 *       Poisson 95% interval;
 *   <li>a shift injected after 50 windows (warm-up included) and kept: windows until the rule fires, median and 90th
 *       percentile (the shifted window itself counts as 1; "—" when fewer than half the runs fire within 300).
 * </ul>
 *
 * Run: {@code mvn -q -o compile exec:exec@detection} (or {@code java -cp target/classes:$(cat cp.txt)
 * io.modelvitals.tools.bench.DetectionBenchmark [seed] [cleanRuns] [shiftRuns] [panes]}). Prints a markdown table;
 * with panes &gt; 1, the sliding-window table instead ({@code sliding}).
 */
public final class DetectionBenchmark {
    static final long W = 300_000; // five-minute windows
    static final int WARMUP = 30; // the detectors' default warm-up: windows not counted for false alerts
    static final int CLEAN_WINDOWS = 500; // monitored windows per clean run
    static final int SHIFT_AT = 50;
    static final int HORIZON = 300;

    private DetectionBenchmark() {}

    /** One window's vital records for a scenario; {@code shifted} after the change. */
    interface Traffic {
        List<VitalRecord> window(SplittableRandom rng, int k, boolean shifted);
    }

    /** A simulated vital with its rules, and the shifts to inject (each its own traffic). */
    record Scenario(String name, String rules, Traffic clean, Map<String, Traffic> shifts) {}

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 20261202L;
        int cleanRuns = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int shiftRuns = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int panes = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        if (panes > 1) {
            sliding(seed, cleanRuns, shiftRuns, panes);
            return;
        }
        long started = System.nanoTime();
        System.out.printf(
                Locale.ROOT,
                "seed %d; clean: %d runs × %d windows after a %d-window warm-up; shifts: %d runs, shift after window %d,"
                        + " horizon %d%n%n",
                seed,
                cleanRuns,
                CLEAN_WINDOWS,
                WARMUP,
                shiftRuns,
                SHIFT_AT,
                HORIZON);
        System.out.println(
                "| vital | rule | false alerts / 1,000 clean windows (95% CI) | shift: median / p90 windows to"
                        + " detection |");
        System.out.println("|---|---|---|---|");
        int s = 0;
        for (Scenario sc : scenarios()) {
            run(sc, seed + 1_000_003L * s++, cleanRuns, shiftRuns);
        }
        System.out.printf(Locale.ROOT, "%ntook %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    static List<Scenario> scenarios() {
        List<Scenario> out = new ArrayList<>();
        for (int n : new int[] {300, 4000}) {
            Map<String, Traffic> shifts = new LinkedHashMap<>();
            for (double drop : new double[] {0.05, 0.10, 0.20}) {
                shifts.put(String.format(Locale.ROOT, "−%.0f pts", drop * 100), accuracy(0.90 - drop, n));
            }
            out.add(new Scenario(
                    "accuracy 0.90, n = " + n,
                    rules(
                            "accuracy",
                            "op: '<', threshold: 0.85",
                            "op: '<', threshold: 0.85, for: 2",
                            "op: '<', threshold: 0.85, gate: confidence_interval",
                            "compare: relative_change, reference_windows: 6, op: '<', threshold: -0.05",
                            "compare: relative_change, reference_windows: 6, op: '<', threshold: -0.05, for: 2",
                            "detector: {type: cusum}",
                            "detector: {type: bernoulli_cusum}",
                            "detector: {type: page_hinkley}"),
                    accuracy(0.90, n),
                    shifts));
        }
        // A continuous vital: the window's MAE, N(10, 1) (σ = the window-to-window deviation).
        Map<String, Traffic> maeShifts = new LinkedHashMap<>();
        maeShifts.put("+0.5σ", gaussian(Vitals.MAE, 10.5, 1, 500));
        maeShifts.put("+1σ", gaussian(Vitals.MAE, 11, 1, 500));
        out.add(new Scenario(
                "mae N(10, 1)",
                rules(
                        "mae",
                        "op: '>', threshold: 13",
                        "op: '>', threshold: 13, for: 2",
                        "detector: {type: cusum}",
                        "detector: {type: page_hinkley}"),
                gaussian(Vitals.MAE, 10, 1, 500),
                maeShifts));
        // Latency: 1,000 requests a window, lognormal (median 80 ms, σ of the log 0.6): p95 ≈ 215 ms.
        out.add(new Scenario(
                "latency_p95_ms, 1,000 requests",
                rules(
                        "latency_p95_ms",
                        "op: '>', threshold: 300",
                        "detector: {type: cusum}",
                        "detector: {type: page_hinkley}"),
                latency(1),
                Map.of("×2", latency(2))));
        // Class prior: a class's share of 2,000 predictions, 0.30 → 0.33.
        out.add(new Scenario(
                "class_share 0.30, n = 2,000",
                rules(
                        "class_share",
                        "class: a, detector: {type: cusum}",
                        "class: a, detector: {type: bernoulli_cusum}",
                        "class: a, detector: {type: page_hinkley}"),
                classShare(0.30),
                Map.of("0.30 → 0.33", classShare(0.33))));
        // Take rate 0.10, challenger on 5% of 20,000 predictions a window; −20% relative (0.10 → 0.08).
        out.add(new Scenario(
                "take_rate 0.10, challenger 5% of 20,000",
                "      - {name: diff-significance, vital: kpi_difference, class: take_rate, op: '<', threshold: 0,"
                        + " gate: significance}\n"
                        + "      - {name: diff-interval, vital: kpi_difference, class: take_rate, op: '<', threshold: 0,"
                        + " gate: confidence_interval}\n"
                        + "      - {name: kpi-cusum, vital: kpi, class: take_rate, version: v2, detector: {type: cusum}}\n"
                        + "      - {name: kpi-bernoulli_cusum, vital: kpi, class: take_rate, version: v2,"
                        + " detector: {type: bernoulli_cusum}}\n",
                takeRate(0.10),
                Map.of("−20% rel.", takeRate(0.08))));
        return out;
    }

    /** Rules on one vital, named by their condition. */
    private static String rules(String vital, String... conditions) {
        StringBuilder b = new StringBuilder();
        for (String c : conditions) {
            String name = c.startsWith("detector") || c.contains("detector:")
                    ? c.replaceAll(".*type: (\\w+).*", "$1")
                    : c.replace("op: ", "")
                            .replace("threshold: ", "")
                            .replace("compare: ", "")
                            .replace("'", "")
                            .replace(", ", " ");
            b.append("      - {name: \"").append(name).append("\", vital: ").append(vital);
            b.append(", ").append(c).append("}\n");
        }
        return b.toString();
    }

    static MonitorSpec spec(Scenario sc) {
        return SpecLoader.parse(
                "models:\n  - name: m\n    window: {size: 5m}\n"
                        + "    champion: v1\n"
                        + "    kpis:\n      - name: take_rate\n        numerator: {events: [play]}\n"
                        + "        denominator: {events: [impression]}\n"
                        + "    rules:\n" + sc.rules(),
                "detection benchmark");
    }

    static void run(Scenario sc, long seed, int cleanRuns, int shiftRuns) {
        MonitorSpec spec = spec(sc);
        RuleEvaluator evaluator = new RuleEvaluator(spec);
        List<String> ruleNames = new ArrayList<>();
        spec.model("m").rules.forEach(r -> ruleNames.add(r.name));
        // Clean traffic.
        Map<String, Long> falseAlerts = new HashMap<>();
        long monitored = (long) cleanRuns * CLEAN_WINDOWS;
        for (int run = 0; run < cleanRuns; run++) {
            SplittableRandom rng = new SplittableRandom(seed * 31 + run);
            Map<String, AlertState> states = new HashMap<>();
            for (int k = 0; k < WARMUP + CLEAN_WINDOWS; k++) {
                int window = k;
                for (RuleCheck c : checks(evaluator, sc.clean().window(rng, k, false), k)) {
                    AlertState st = states.computeIfAbsent(c.rule, x -> new AlertState());
                    AlertLifecycleFunction.advance(c, st, a -> {
                        if (a.status.equals(AlertRecord.FIRING) && window >= WARMUP)
                            falseAlerts.merge(c.rule, 1L, Long::sum);
                    });
                }
            }
        }
        // Shifts.
        Map<String, Map<String, int[]>> delays = new LinkedHashMap<>();
        int shiftNo = 0;
        for (Map.Entry<String, Traffic> shift : sc.shifts().entrySet()) {
            Map<String, int[]> byRule = new HashMap<>();
            for (String r : ruleNames) {
                int[] d = new int[shiftRuns];
                Arrays.fill(d, Integer.MAX_VALUE);
                byRule.put(r, d);
            }
            shiftNo++;
            for (int run = 0; run < shiftRuns; run++) {
                SplittableRandom rng = new SplittableRandom(seed * 131 + 7919L * shiftNo + run);
                Map<String, AlertState> states = new HashMap<>();
                int undetected = ruleNames.size();
                for (int k = 0; k < SHIFT_AT + HORIZON && undetected > 0; k++) {
                    boolean shifted = k >= SHIFT_AT;
                    Traffic t = shifted ? shift.getValue() : sc.clean();
                    for (RuleCheck c : checks(evaluator, t.window(rng, k, shifted), k)) {
                        AlertState st = states.computeIfAbsent(c.rule, x -> new AlertState());
                        AlertLifecycleFunction.advance(c, st, a -> {});
                        int[] d = byRule.get(c.rule);
                        if (shifted && st.firing && d[run] == Integer.MAX_VALUE) {
                            d[run] = k - SHIFT_AT + 1;
                            undetected--;
                        }
                    }
                }
            }
            delays.put(shift.getKey(), byRule);
        }
        for (String r : ruleNames) {
            long fa = falseAlerts.getOrDefault(r, 0L);
            StringBuilder row = new StringBuilder();
            row.append("| ").append(sc.name()).append(" | `").append(r).append("` | ");
            row.append(perThousand(fa, monitored)).append(String.format(Locale.ROOT, ", %d in %,d", fa, monitored));
            row.append(" | ");
            List<String> cells = new ArrayList<>();
            for (Map.Entry<String, Map<String, int[]>> e : delays.entrySet()) {
                cells.add(e.getKey() + ": " + delaySummary(e.getValue().get(r)));
            }
            row.append(String.join("; ", cells)).append(" |");
            System.out.println(row);
        }
    }

    /**
     * False alerts of the accuracy rules (the scenario "accuracy 0.90, n = 300") when windows slide: a window of 300
     * labeled predictions is {@code panes} panes of 300 / panes, and every slide's window goes through the rule path,
     * against the same windows taken once per window size (the tumbling windows among them). Counted per 1,000 window
     * sizes after a warm-up of 30 window sizes, so that the figures compare per hour with the tumbling table.
     */
    static void sliding(long seed, int runs, int shiftRuns, int panes) {
        int n = 300;
        if (n % panes != 0) throw new IllegalArgumentException(n + " does not split into " + panes + " panes");
        Scenario sc = scenarios().get(0);
        long slide = W / panes;
        MonitorSpec spec = SpecLoader.parse(
                "models:\n  - name: m\n    window: {size: 5m, slide: " + slide + "ms}\n    rules:\n" + sc.rules()
                        // for: about size / slide, the advice for threshold rules on sliding windows
                        // (docs/detection.md)
                        + rules(
                                "accuracy",
                                "op: '<', threshold: 0.85, for: " + panes / 2,
                                "op: '<', threshold: 0.85, for: " + panes),
                "detection benchmark, sliding");
        RuleEvaluator evaluator = new RuleEvaluator(spec);
        List<String> ruleNames = new ArrayList<>();
        spec.model("m").rules.forEach(r -> ruleNames.add(r.name));
        // [0] every slide, [1] once per window size.
        List<Map<String, Long>> falseAlerts = List.of(new HashMap<>(), new HashMap<>());
        long windowSizes = (long) runs * CLEAN_WINDOWS;
        for (int run = 0; run < runs; run++) {
            SplittableRandom rng = new SplittableRandom(seed * 37 + run);
            slidingRun(evaluator, rng, n, panes, 0.90, Long.MAX_VALUE, (cadence, c, t, st, fired) -> {
                if (fired && t >= (long) WARMUP * panes)
                    falseAlerts.get(cadence).merge(c.rule, 1L, Long::sum);
            });
        }
        // Shifts after the warm-up and 20 more window sizes, at a random slide: slides from the first shifted pane to
        // the first window with the alert firing (the shifted slide itself counts 1, as the tumbling table counts).
        Map<String, List<Map<String, int[]>>> delays = new LinkedHashMap<>();
        for (double drop : new double[] {0.05, 0.10}) {
            List<Map<String, int[]>> byCadence = List.of(new HashMap<>(), new HashMap<>());
            for (Map<String, int[]> m : byCadence)
                for (String r : ruleNames) {
                    int[] d = new int[shiftRuns];
                    Arrays.fill(d, Integer.MAX_VALUE);
                    m.put(r, d);
                }
            for (int run = 0; run < shiftRuns; run++) {
                SplittableRandom rng = new SplittableRandom(seed * 41 + run + (long) (drop * 1e6));
                long onset = (long) (WARMUP + 20) * panes + rng.nextInt(panes);
                int r0 = run;
                slidingRun(evaluator, rng, n, panes, 0.90 - drop, onset, (cadence, c, t, st, fired) -> {
                    int[] d = byCadence.get(cadence).get(c.rule);
                    if (st.firing && t >= onset && d[r0] == Integer.MAX_VALUE) d[r0] = (int) (t - onset + 1);
                });
            }
            delays.put(String.format(Locale.ROOT, "−%.0f pts", drop * 100), byCadence);
        }
        System.out.printf(
                Locale.ROOT,
                "accuracy 0.90, n = 300, %d panes; clean: %d runs × %d window sizes after a %d-window-size warm-up%n%n",
                panes,
                runs,
                CLEAN_WINDOWS,
                WARMUP);
        System.out.println("| rule | as the job runs it: false alerts / 1,000 window sizes (95% CI) "
                + "| once per window size (95% CI) | shift: median / p90 window sizes to detection, as the job runs it "
                + "| once per window size |");
        System.out.println("|---|---|---|---|---|");
        for (String r : ruleNames) {
            StringBuilder row = new StringBuilder("| `" + r + "` |");
            for (int cadence = 0; cadence < 2; cadence++) {
                long fa = falseAlerts.get(cadence).getOrDefault(r, 0L);
                row.append(' ')
                        .append(perThousand(fa, windowSizes))
                        .append(", ")
                        .append(fa)
                        .append(" |");
            }
            for (int cadence = 0; cadence < 2; cadence++) {
                List<String> cells = new ArrayList<>();
                for (Map.Entry<String, List<Map<String, int[]>>> e : delays.entrySet())
                    cells.add(e.getKey() + ": "
                            + windowSizes(e.getValue().get(cadence).get(r), panes));
                row.append(' ').append(String.join("; ", cells)).append(" |");
            }
            System.out.println(row);
        }
    }

    /** What a sliding run reports: each check of slide t through its alert state, and whether it wrote FIRING. */
    interface SlidingAlert {
        void checked(int cadence, RuleCheck c, long t, AlertState st, boolean fired);
    }

    /**
     * One run of sliding windows through the rule path: panes of n / panes labeled predictions, correct with
     * probability 0.90 before {@code onset} and {@code shifted} from it, until the clean span (no onset) or HORIZON
     * window sizes after the onset; every slide's window ([0], as the job runs it) and the windows on the window-size
     * grid alone ([1]) each through their own alert states.
     */
    static void slidingRun(
            RuleEvaluator evaluator,
            SplittableRandom rng,
            int n,
            int panes,
            double shifted,
            long onset,
            SlidingAlert alert) {
        long slide = W / panes;
        List<Map<String, AlertState>> states = List.of(new HashMap<>(), new HashMap<>());
        long[] correct = new long[panes];
        for (int i = 0; i < panes; i++) correct[i] = binomial(rng, n / panes, 0.90);
        long end = onset == Long.MAX_VALUE ? (long) (WARMUP + CLEAN_WINDOWS) * panes : onset + (long) HORIZON * panes;
        for (long t = 0; t < end; t++) {
            correct[(int) (t % panes)] = binomial(rng, n / panes, t >= onset ? shifted : 0.90);
            long x = 0;
            for (long c : correct) x += c;
            for (int cadence = 0; cadence < 2; cadence++) {
                if (cadence == 1 && (t + 1) % panes != 0) continue;
                VitalRecord v = proportion(Vitals.ACCURACY, null, x, n);
                v.model = "m";
                v.version = "v1";
                v.segment = "all";
                v.windowEnd = (t + 1) * slide;
                v.windowStart = v.windowEnd - W;
                List<RuleCheck> checks = new ArrayList<>();
                evaluator.evaluate(v, new ListCollector<>(checks));
                for (RuleCheck c : checks) {
                    AlertState st = states.get(cadence).computeIfAbsent(c.rule, r -> new AlertState());
                    boolean[] fired = {false};
                    AlertLifecycleFunction.advance(c, st, a -> fired[0] |= a.status.equals(AlertRecord.FIRING));
                    alert.checked(cadence, c, t, st, fired[0]);
                }
            }
        }
    }

    /** Median / p90 of slides to detection, in window sizes to a tenth; "—" beyond the horizon. */
    static String windowSizes(int[] slides, int panes) {
        int[] sorted = slides.clone();
        Arrays.sort(sorted);
        int detected = 0;
        for (int x : sorted) if (x != Integer.MAX_VALUE) detected++;
        java.util.function.DoubleFunction<String> q = p -> {
            int x = sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
            return x == Integer.MAX_VALUE ? "—" : String.format(Locale.ROOT, "%.1f", (double) x / panes);
        };
        String out = q.apply(0.5) + " / " + q.apply(0.9);
        if (detected < sorted.length)
            out += String.format(Locale.ROOT, " (%d%% within %d)", 100 * detected / sorted.length, HORIZON);
        return out;
    }

    private static List<RuleCheck> checks(RuleEvaluator evaluator, List<VitalRecord> records, int k) {
        List<RuleCheck> checks = new ArrayList<>();
        for (VitalRecord v : records) {
            v.model = "m";
            if (v.version == null) v.version = "v1";
            v.segment = "all";
            v.windowStart = k * W;
            v.windowEnd = (k + 1) * W;
            evaluator.evaluate(v, new ListCollector<>(checks));
        }
        return checks;
    }

    static String delaySummary(int[] d) {
        int[] sorted = d.clone();
        Arrays.sort(sorted);
        int detected = 0;
        for (int x : sorted) if (x != Integer.MAX_VALUE) detected++;
        String median = quantile(sorted, 0.5);
        String p90 = quantile(sorted, 0.9);
        String out = median + " / " + p90;
        if (detected < sorted.length)
            out += String.format(Locale.ROOT, " (%d%% within %d)", 100 * detected / sorted.length, HORIZON);
        return out;
    }

    /** The empirical quantile (lower order statistic at ⌈q·n⌉); "—" when it is beyond the horizon. */
    private static String quantile(int[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        int x = sorted[Math.max(0, i)];
        return x == Integer.MAX_VALUE ? "—" : String.valueOf(x);
    }

    /** A count per 1,000 of {@code of}, with its exact Poisson 95% interval: "1.15 (0.73–1.73)". */
    static String perThousand(long count, long of) {
        double[] ci = poissonInterval(count);
        return String.format(
                Locale.ROOT, "%.2f (%.2f–%.2f)", 1000.0 * count / of, 1000.0 * ci[0] / of, 1000.0 * ci[1] / of);
    }

    /** Exact (Garwood) 95% interval of a Poisson count. */
    static double[] poissonInterval(long count) {
        double lower =
                count == 0 ? 0 : new ChiSquaredDistribution(null, 2 * count).inverseCumulativeProbability(0.025) / 2;
        double upper = new ChiSquaredDistribution(null, 2 * count + 2).inverseCumulativeProbability(0.975) / 2;
        return new double[] {lower, upper};
    }

    // ---- traffic ----

    static long binomial(SplittableRandom rng, long n, double p) {
        long x = 0;
        for (long i = 0; i < n; i++) if (rng.nextDouble() < p) x++;
        return x;
    }

    /** A proportion vital as QualityVitals emits it: x/n with n and its Wilson interval. */
    static VitalRecord proportion(String vital, String cls, long x, long n) {
        VitalRecord v = new VitalRecord(null, null, null, vital, cls, (double) x / n, n, 0, 0);
        double[] ci = Proportions.wilson(x, n, Proportions.Z95);
        v.ciLower = ci[0];
        v.ciUpper = ci[1];
        return v;
    }

    static Traffic accuracy(double p, int n) {
        return (rng, k, shifted) -> List.of(proportion(Vitals.ACCURACY, null, binomial(rng, n, p), n));
    }

    static Traffic classShare(double p) {
        return (rng, k, shifted) -> List.of(proportion(Vitals.CLASS_SHARE, "a", binomial(rng, 2000, p), 2000));
    }

    static Traffic gaussian(String vital, double mean, double sd, long n) {
        return (rng, k, shifted) ->
                List.of(new VitalRecord(null, null, null, vital, null, mean + sd * gauss(rng), n, 0, 0));
    }

    static Traffic latency(double factor) {
        return (rng, k, shifted) -> {
            double[] ms = new double[1000];
            for (int i = 0; i < ms.length; i++) ms[i] = factor * 80 * Math.exp(0.6 * gauss(rng));
            Arrays.sort(ms);
            // The nearest-rank 95th percentile (the job's comes from a sketch: a slightly noisier estimate).
            double p95 = ms[(int) Math.ceil(0.95 * ms.length) - 1];
            return List.of(new VitalRecord(null, null, null, Vitals.LATENCY_P95_MS, null, p95, ms.length, 0, 0));
        };
    }

    /**
     * The champion (v1, 95% of 20,000 predictions) at 0.10, the challenger (v2, 5%) at p: the challenger's kpi, and the
     * per-window comparison as KpiVitals.compare makes it — pooled two-proportion z-test p-value and the job's own
     * Newcombe (hybrid Wilson score) interval from {@link Proportions#newcombe}. The p-value is an adapter (the same
     * formula as KpiVitals), the interval the job's code.
     */
    static Traffic takeRate(double p) {
        return (rng, k, shifted) -> {
            long d0 = 19_000, d1 = 1_000;
            long x0 = binomial(rng, d0, 0.10), x1 = binomial(rng, d1, p);
            List<VitalRecord> out = new ArrayList<>();
            VitalRecord kpi = proportion(Vitals.KPI, "take_rate", x1, d1);
            kpi.version = "v2";
            kpi.numerator = (double) x1;
            out.add(kpi);
            double p0 = (double) x0 / d0, p1 = (double) x1 / d1;
            VitalRecord diff = new VitalRecord(null, "v2", null, Vitals.KPI_DIFFERENCE, "take_rate", p1 - p0, d1, 0, 0);
            diff.reference = "champion";
            double pooled = (double) (x0 + x1) / (d0 + d1);
            double z = (p1 - p0) / Math.sqrt(pooled * (1 - pooled) * (1.0 / d0 + 1.0 / d1));
            diff.pValue = 2 * normalUpper(Math.abs(z));
            double[] ci = Proportions.newcombe(x1, d1, x0, d0, Proportions.Z95);
            diff.ciLower = ci[0];
            diff.ciUpper = ci[1];
            out.add(diff);
            return out;
        };
    }

    private static final org.apache.commons.math3.distribution.NormalDistribution NORMAL =
            new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1);

    private static double normalUpper(double z) {
        return NORMAL.cumulativeProbability(-z);
    }

    /** Standard normal (Marsaglia's polar method), from the run's own generator so that a seed fixes everything. */
    static double gauss(SplittableRandom rng) {
        double u, v, s;
        do {
            u = 2 * rng.nextDouble() - 1;
            v = 2 * rng.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
