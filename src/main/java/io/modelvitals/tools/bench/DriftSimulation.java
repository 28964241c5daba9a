package io.modelvitals.tools.bench;

import io.modelvitals.config.DriftSpec;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.output.Drift;
import io.modelvitals.output.DriftReference;
import io.modelvitals.output.OutputVitals;
import io.modelvitals.vitals.OutputAccumulator;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded simulation of the default drift decisions ({@code class_drift}, {@code value_drift} at the
 * default alpha, test_max_samples and thresholds), through the same code the job runs
 * ({@link OutputVitals#drift}): false alerts per 1,000 clean windows, each window against the previous
 * one (both noisy, the setting), and the median number of windows to detection of a shift
 * against a clean reference window (the {@code fixed} setting). Not a test: run it and read the table
 * (docs/drift.md has the figures and the command).
 *
 * <p>Usage: {@code DriftSimulation [windows=10000] [trials=100] [sizes=60,300,18000,100000] [slides=1]}. With
 * slides k &gt; 1 it measures sliding windows instead ({@link #sliding}): windows of n values made of k panes,
 * one test per pane.
 */
public final class DriftSimulation {
    /** Class shares of the clean traffic: a rare class of 3% so that small windows meet small expected counts. */
    static final double[] SHARES = {0.50, 0.25, 0.15, 0.07, 0.03};

    private DriftSimulation() {}

    public static void main(String[] args) {
        int windows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int[] sizes = args.length > 2
                ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {60, 300, 18_000, 100_000};
        int slides = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        if (slides > 1) {
            for (int n : sizes)
                if (n % slides != 0)
                    throw new IllegalArgumentException(n + " values do not split into " + slides + " panes");
            sliding(windows, trials, sizes, slides);
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "windows=%d trials=%d alpha=%s test_max_samples=%d js_threshold=%s wasserstein_threshold=%s%n",
                windows,
                trials,
                DriftSpec.DEFAULT_ALPHA,
                DriftSpec.DEFAULT_TEST_MAX_SAMPLES,
                DriftSpec.DEFAULT_JS_THRESHOLD,
                DriftSpec.DEFAULT_WASSERSTEIN_THRESHOLD);
        System.out.println(
                "| n | class_drift false alerts / 1,000 | value_drift false alerts / 1,000 "
                        + "| class +5 points: median windows | mean +0.5σ: median windows | mean +1σ: median windows | seconds |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            long start = System.nanoTime();
            DriftSpec spec = spec(n);
            SplittableRandom random = new SplittableRandom(17L * n + 1);
            int classAlerts = 0, valueAlerts = 0;
            OutputAccumulator previous = window(random, n, SHARES, 0.0);
            for (int w = 0; w < windows; w++) {
                OutputAccumulator current = window(random, n, SHARES, 0.0);
                List<VitalRecord> v =
                        OutputVitals.drift(summary(current), "previous", DriftReference.of(previous), spec);
                if (value(v, Vitals.CLASS_DRIFT) == 1) classAlerts++;
                if (value(v, Vitals.VALUE_DRIFT) == 1) valueAlerts++;
                previous = current;
            }
            double[] shifted = SHARES.clone();
            shifted[0] += 0.05;
            for (int i = 1; i < shifted.length; i++) shifted[i] *= (1 - shifted[0]) / (1 - SHARES[0]);
            String classShift = median(detection(random, n, trials, spec, shifted, 0.0, Vitals.CLASS_DRIFT));
            String half = median(detection(random, n, trials, spec, SHARES, 0.5, Vitals.VALUE_DRIFT));
            String one = median(detection(random, n, trials, spec, SHARES, 1.0, Vitals.VALUE_DRIFT));
            System.out.printf(
                    Locale.ROOT,
                    "| %,d | %.2f | %.2f | %s | %s | %s | %.0f |%n",
                    n,
                    1000.0 * classAlerts / windows,
                    1000.0 * valueAlerts / windows,
                    classShift,
                    half,
                    one,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * The drift decisions when windows slide: a window of n values is k panes of n / k, and a test may run at every
     * pane (cadence "slide") or only at the windows that end on a multiple of the window size (cadence "window", the
     * tumbling windows among the sliding ones). False alerts: on clean traffic, each window against the window one
     * size earlier (the {@code previous} reference, which does not overlap it), over {@code windows} window sizes;
     * it counts the alert episodes (a test that decides "drifted" after one that did not: a rule with {@code for: 1}
     * fires once per episode) per 1,000 window sizes, so that the figures compare with the tumbling ones per unit of
     * time. Detection: a clean window as the {@code fixed} reference, then shifted panes entering one per slide from a
     * random phase of the window grid; the median time from the first shifted pane to the first alert, in window
     * sizes.
     */
    static void sliding(int windows, int trials, int[] sizes, int k) {
        System.out.println("| n | panes | cadence | class_drift false alerts / 1,000 window sizes "
                + "| value_drift false alerts / 1,000 window sizes | class +5 points: median window sizes "
                + "| mean +0.5σ | mean +1σ | seconds |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int n : sizes) {
            long start = System.nanoTime();
            DriftSpec spec = spec(n);
            SplittableRandom random = new SplittableRandom(31L * n + k);
            OutputAccumulator[] panes = new OutputAccumulator[2 * k];
            for (int i = 0; i < panes.length; i++) panes[i] = window(random, n / k, SHARES, 0.0);
            long tests = (long) windows * k;
            // [cadence][vital]: episodes; a test at window cadence is every k-th one.
            int[][] episodes = new int[2][2];
            boolean[][] was = new boolean[2][2];
            for (long t = 0; t < tests; t++) {
                // panes[t % 2k ...]: the oldest 2k panes, the previous window's k, then the current window's k.
                OutputAccumulator previous = new OutputAccumulator(), current = new OutputAccumulator();
                for (int i = 0; i < k; i++) {
                    previous.merge(panes[(int) ((t + i) % (2 * k))]);
                    current.merge(panes[(int) ((t + k + i) % (2 * k))]);
                }
                List<VitalRecord> v =
                        OutputVitals.drift(summary(current), "previous", DriftReference.of(previous), spec);
                boolean[] drifted = {value(v, Vitals.CLASS_DRIFT) == 1, value(v, Vitals.VALUE_DRIFT) == 1};
                for (int c = 0; c < 2; c++) {
                    if (c == 1 && t % k != 0) continue;
                    for (int i = 0; i < 2; i++) {
                        if (drifted[i] && !was[c][i]) episodes[c][i]++;
                        was[c][i] = drifted[i];
                    }
                }
                // The oldest pane leaves both windows; a new one enters the current window.
                panes[(int) (t % (2 * k))] = window(random, n / k, SHARES, 0.0);
            }
            double[] shifted = SHARES.clone();
            shifted[0] += 0.05;
            for (int i = 1; i < shifted.length; i++) shifted[i] *= (1 - shifted[0]) / (1 - SHARES[0]);
            double[][] classShift = slidingDetection(random, n, k, trials, spec, shifted, 0.0, Vitals.CLASS_DRIFT);
            double[][] half = slidingDetection(random, n, k, trials, spec, SHARES, 0.5, Vitals.VALUE_DRIFT);
            double[][] one = slidingDetection(random, n, k, trials, spec, SHARES, 1.0, Vitals.VALUE_DRIFT);
            double seconds = (System.nanoTime() - start) / 1e9;
            for (int c = 0; c < 2; c++) {
                System.out.printf(
                        Locale.ROOT,
                        "| %,d | %d | %s | %.2f | %.2f | %s | %s | %s | %.0f |%n",
                        n,
                        k,
                        c == 0 ? "slide" : "window",
                        1000.0 * episodes[c][0] / windows,
                        1000.0 * episodes[c][1] / windows,
                        median(classShift[c]),
                        median(half[c]),
                        median(one[c]),
                        seconds);
            }
        }
    }

    /**
     * Time to the first alert per trial and cadence ([0] slide, [1] window), in window sizes from the first shifted
     * pane; CAP + 1 when none within CAP window sizes. Both cadences see the same panes: the window cadence tests the
     * windows that end on the grid, whose phase against the onset is uniform.
     */
    static double[][] slidingDetection(
            SplittableRandom random,
            int n,
            int k,
            int trials,
            DriftSpec spec,
            double[] shares,
            double shift,
            String vital) {
        double[][] out = new double[2][trials];
        for (int t = 0; t < trials; t++) {
            DriftReference reference = DriftReference.of(window(random, n, SHARES, 0.0));
            java.util.ArrayDeque<OutputAccumulator> current = new java.util.ArrayDeque<>();
            for (int i = 0; i < k; i++) current.add(window(random, n / k, SHARES, 0.0));
            int phase = random.nextInt(k);
            out[0][t] = out[1][t] = CAP + 1;
            for (int j = 1; j <= CAP * k && out[1][t] > CAP; j++) {
                current.removeFirst();
                current.addLast(window(random, n / k, shares, shift));
                boolean onGrid = (j + phase) % k == 0;
                if (out[0][t] <= CAP && !onGrid) continue;
                OutputAccumulator w = new OutputAccumulator();
                for (OutputAccumulator p : current) w.merge(p);
                if (value(OutputVitals.drift(summary(w), "fixed", reference, spec), vital) == 1) {
                    if (out[0][t] > CAP) out[0][t] = (double) j / k;
                    if (onGrid) out[1][t] = (double) j / k;
                }
            }
        }
        return out;
    }

    /** The defaults, except min_samples below 100 for the 60-value windows (a challenger at 5% of traffic). */
    static DriftSpec spec(int n) {
        DriftSpec spec = new DriftSpec();
        spec.minSamples = Math.min(100L, n);
        // -Ddrift.alpha=… measures another significance level than the default (how the default was chosen).
        String alpha = System.getProperty("drift.alpha");
        if (alpha != null) spec.alpha = Double.parseDouble(alpha);
        return spec;
    }

    /** The longest run of shifted windows a trial watches before it counts as not detected. */
    static final int CAP = 20;

    /** Windows until the first alert, per trial, against one clean reference window; CAP + 1 when none. */
    static int[] detection(
            SplittableRandom random, int n, int trials, DriftSpec spec, double[] shares, double shift, String vital) {
        int[] out = new int[trials];
        for (int t = 0; t < trials; t++) {
            DriftReference reference = DriftReference.of(window(random, n, SHARES, 0.0));
            out[t] = CAP + 1;
            for (int w = 1; w <= CAP; w++) {
                List<VitalRecord> v =
                        OutputVitals.drift(summary(window(random, n, shares, shift)), "fixed", reference, spec);
                if (value(v, vital) == 1) {
                    out[t] = w;
                    break;
                }
            }
        }
        return out;
    }

    /** One window of n predictions: classes drawn from the shares, values N(30 + shift·8, 8²) as in the issue. */
    static OutputAccumulator window(SplittableRandom random, int n, double[] shares, double shift) {
        OutputAccumulator acc = new OutputAccumulator();
        double[] counts = new double[shares.length];
        Drift.multinomial(random, n, shares, counts);
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) acc.classCounts.put("c" + i, (long) counts[i]);
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++) {
            double x = 30 + 8 * (shift + random.nextGaussian());
            acc.numeric.update(x);
            sum += x;
            squares += x * x;
        }
        acc.predictions = n;
        acc.numericCount = n;
        acc.mean = sum / n;
        acc.m2 = squares - sum * sum / n;
        return acc;
    }

    static OutputSummary summary(OutputAccumulator acc) {
        OutputSummary s = new OutputSummary();
        s.model = "m";
        s.version = "v1";
        s.slice = "all";
        s.accumulator = acc;
        return s;
    }

    static double value(List<VitalRecord> records, String vital) {
        for (VitalRecord v : records) if (v.vital.equals(vital)) return v.value;
        return Double.NaN;
    }

    static String median(int[] windows) {
        int[] sorted = windows.clone();
        Arrays.sort(sorted);
        int m = sorted[sorted.length / 2];
        return m > CAP ? "> " + CAP : Integer.toString(m);
    }

    static String median(double[] windowSizes) {
        double[] sorted = windowSizes.clone();
        Arrays.sort(sorted);
        double m = sorted[sorted.length / 2];
        return m > CAP ? "> " + CAP : String.format(Locale.ROOT, "%.1f", m);
    }
}
