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
 * <p>Usage: {@code DriftSimulation [windows=10000] [trials=100] [sizes=60,300,18000,100000]}.
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
}
