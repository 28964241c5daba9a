package io.modelvitals.vitals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * CBPE of a multi-class classifier that reports a full vector of per-class scores (NannyML's multiclass CBPE;
 * docs/estimation.md): each class's score is calibrated one-vs-rest by its own isotonic fit over the score bins, the
 * calibrated vector normalised to sum 1, and the expected confusion E[C(pred = i, true = j)] = Σ_{x predicted i}
 * p̂_j(x). Accuracy, per-class precision, recall and F1, macro-F1 and the confusion cells are then the usual functions
 * of the confusion matrix, evaluated at its expectation.
 *
 * <p>Intervals: delta method on the confusion counts, each prediction's true class an independent categorical draw
 * with probabilities p̂(x), so row i of C has covariance Σ_{x predicted i} (diag p̂ − p̂ p̂ᵀ) (the multi-class form of
 * the binary code's independent Bernoullis), plus the calibrations' own error: one term per class and isotonic block,
 * as the binary estimate adds per block. Neglected: the curvature of the ratio metrics (first order only) and the
 * bias of binned scores when their distribution within a bin moves.
 *
 * <p>In the streaming stage a window keeps each prediction's vector of score bins ({@link ScoreBins#vectors}): the
 * normalisation is not additive over per-class bins, see {@link Group}.
 */
public final class MulticlassEstimation {
    private MulticlassEstimation() {}

    /** Predictions sharing a predicted class and a vector of per-class score bins. */
    public static final class Group {
        public int predicted;
        public int[] bins;
        public long count;

        public Group() {}

        public Group(int predicted, int[] bins, long count) {
            this.predicted = predicted;
            this.bins = bins;
            this.count = count;
        }
    }

    /** The calibrated, normalised class probabilities of a vector of score bins (uniform if all calibrate to 0). */
    public static double[] probabilities(int[] bins, IsotonicCalibration[] calibrations) {
        int k = bins.length;
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) sum += p[j] = calibrations[j].p[bins[j]];
        for (int j = 0; j < k; j++) p[j] = sum > 0 ? p[j] / sum : 1.0 / k;
        return p;
    }

    /** Estimates with intervals at normal quantile z (1.96 for 95%), the calibrations' own error included. */
    public static List<PerformanceEstimation.Value> estimate(
            List<String> classes, List<Group> groups, IsotonicCalibration[] calibrations, double z) {
        return estimate(classes, groups, calibrations, z, true);
    }

    /**
     * Estimates with intervals at normal quantile z.
     *
     * @param calibrationError add the calibrations' own error: each class's isotonic block is one rate estimated from
     *     its m labelled predictions (variance p̃(1 − p̃)/m, Laplace's p̃, as the binary estimate), and moves every
     *     prediction whose score of that class falls in the block together (through the normalisation, every class's
     *     probability of it): + Σ_class Σ_block (∂f/∂p_block)²·Var p_block, the derivative by central differences
     */
    public static List<PerformanceEstimation.Value> estimate(
            List<String> classes,
            List<Group> groups,
            IsotonicCalibration[] calibrations,
            double z,
            boolean calibrationError) {
        int k = classes.size();
        double[][] expected = expected(k, groups, calibrations, -1, -1, 0);
        long[] predicted = new long[k];
        List<double[]> probabilities = new ArrayList<>();
        for (Group g : groups) {
            probabilities.add(probabilities(g.bins, calibrations));
            predicted[g.predicted] += g.count;
        }
        List<Metric> metrics = metrics(classes, predicted);
        double[] calibrationVariance = new double[metrics.size()];
        if (calibrationError) {
            double h = 1e-5;
            for (int j = 0; j < k; j++) {
                IsotonicCalibration cal = calibrations[j];
                int blocks = 0;
                for (int b : cal.block) blocks = Math.max(blocks, b + 1);
                for (int block = 0; block < blocks; block++) {
                    int bin = -1;
                    boolean used = false;
                    for (int b = 0; b < cal.block.length; b++) if (cal.block[b] == block && bin < 0) bin = b;
                    for (Group g : groups) used |= cal.block[g.bins[j]] == block;
                    if (bin < 0 || !used) continue;
                    double[][] up = expected(k, groups, calibrations, j, block, h);
                    double[][] down = expected(k, groups, calibrations, j, block, -h);
                    for (int mi = 0; mi < metrics.size(); mi++) {
                        double d = (metrics.get(mi).f.applyAsDouble(up)
                                        - metrics.get(mi).f.applyAsDouble(down))
                                / (2 * h);
                        if (Double.isFinite(d)) calibrationVariance[mi] += d * d * cal.variance(bin);
                    }
                }
            }
        }
        List<PerformanceEstimation.Value> out = new ArrayList<>();
        for (int mi = 0; mi < metrics.size(); mi++) {
            Metric m = metrics.get(mi);
            double value = m.f.applyAsDouble(expected);
            if (!Double.isFinite(value)) continue;
            double[][] grad = gradient(m.f, expected);
            double variance = 0;
            for (int gi = 0; gi < groups.size(); gi++) {
                Group g = groups.get(gi);
                double[] p = probabilities.get(gi), d = grad[g.predicted];
                // gᵀ (diag p − p pᵀ) g = Σ p_j d_j² − (Σ p_j d_j)²
                double first = 0, second = 0;
                for (int j = 0; j < k; j++) {
                    first += p[j] * d[j];
                    second += p[j] * d[j] * d[j];
                }
                variance += g.count * Math.max(0, second - first * first);
            }
            variance += calibrationVariance[mi];
            double sd = Math.sqrt(variance);
            double lower = Math.max(0, value - z * sd), upper = value + z * sd;
            if (!m.count) upper = Math.min(1, upper);
            out.add(new PerformanceEstimation.Value(m.name, m.cls, m.predictedCls, value, lower, upper, m.n));
        }
        return out;
    }

    /**
     * The expected confusion [predicted][actual]; with {@code delta} ≠ 0, class {@code cls}'s calibrated probability
     * moved by delta in every bin of isotonic block {@code block} (before the normalisation).
     */
    private static double[][] expected(
            int k, List<Group> groups, IsotonicCalibration[] calibrations, int cls, int block, double delta) {
        double[][] expected = new double[k][k];
        double[] p = new double[k];
        for (Group g : groups) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                p[j] = calibrations[j].p[g.bins[j]];
                if (j == cls && calibrations[j].block[g.bins[j]] == block) p[j] += delta;
                sum += p[j];
            }
            for (int j = 0; j < k; j++) expected[g.predicted][j] += g.count * (sum > 0 ? p[j] / sum : 1.0 / k);
        }
        return expected;
    }

    /** The same metrics of an observed confusion matrix (confusion[predicted][actual]). */
    public static List<PerformanceEstimation.Value> realized(List<String> classes, double[][] confusion) {
        int k = classes.size();
        long[] predicted = new long[k];
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) predicted[i] += (long) confusion[i][j];
        List<PerformanceEstimation.Value> out = new ArrayList<>();
        for (Metric m : metrics(classes, predicted)) {
            double value = m.f.applyAsDouble(confusion);
            if (Double.isFinite(value))
                out.add(new PerformanceEstimation.Value(
                        m.name, m.cls, m.predictedCls, value, Double.NaN, Double.NaN, m.n));
        }
        return out;
    }

    /** A metric as a function of the confusion matrix c[predicted][actual]. */
    private record Metric(
            String name, String cls, String predictedCls, long n, boolean count, ToDoubleFunction<double[][]> f) {}

    private static double diagonal(double[][] c, int i) {
        return c[i][i];
    }

    private static double column(double[][] c, int j) {
        double s = 0;
        for (double[] row : c) s += row[j];
        return s;
    }

    private static double ratio(double a, double b) {
        return b > 0 ? a / b : Double.NaN;
    }

    private static List<Metric> metrics(List<String> classes, long[] predicted) {
        int k = classes.size();
        long total = 0;
        for (long p : predicted) total += p;
        List<Metric> metrics = new ArrayList<>();
        if (total == 0) return metrics;
        final double all = total;
        final long n = total;
        metrics.add(new Metric(PerformanceEstimation.ACCURACY, null, null, n, false, c -> {
            double correct = 0;
            for (int i = 0; i < k; i++) correct += c[i][i];
            return correct / all;
        }));
        List<ToDoubleFunction<double[][]>> f1s = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            final int ci = i;
            final double nPred = predicted[i];
            String cls = classes.get(i);
            if (nPred > 0)
                metrics.add(new Metric(
                        PerformanceEstimation.PRECISION, cls, null, predicted[i], false, c -> c[ci][ci] / nPred));
            metrics.add(new Metric(
                    PerformanceEstimation.RECALL, cls, null, n, false, c -> ratio(c[ci][ci], column(c, ci))));
            // F1 = 2 TP / (predicted + actual): defined (0) for a class never predicted but present.
            ToDoubleFunction<double[][]> f1 = c -> ratio(2 * diagonal(c, ci), nPred + column(c, ci));
            f1s.add(f1);
            metrics.add(new Metric(PerformanceEstimation.F1, cls, null, n, false, f1));
        }
        metrics.add(new Metric(PerformanceEstimation.MACRO_F1, null, null, n, false, c -> {
            double s = 0;
            for (ToDoubleFunction<double[][]> f : f1s) s += f.applyAsDouble(c);
            return s / k;
        }));
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) {
                final int pi = i, aj = j;
                metrics.add(new Metric(
                        PerformanceEstimation.CONFUSION, classes.get(j), classes.get(i), n, true, c -> c[pi][aj]));
            }
        return metrics;
    }

    /** Central differences per cell (the metrics are smooth rational functions of the counts). */
    private static double[][] gradient(ToDoubleFunction<double[][]> f, double[][] c) {
        int k = c.length;
        double[][] g = new double[k][k];
        double step = 1e-4;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++) {
                double keep = c[i][j];
                c[i][j] = keep + step;
                double up = f.applyAsDouble(c);
                c[i][j] = keep - step;
                double down = f.applyAsDouble(c);
                c[i][j] = keep;
                double d = (up - down) / (2 * step);
                g[i][j] = Double.isFinite(d) ? d : 0;
            }
        return g;
    }
}
