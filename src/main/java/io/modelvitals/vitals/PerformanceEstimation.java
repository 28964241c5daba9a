package io.modelvitals.vitals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Confidence-based performance estimation (CBPE, as NannyML does in batch; docs/estimation.md). Every metric is a
 * function of the hits H[c][b] per predicted class c and score bin b, the counts n[c][b] being known. Without labels
 * each H[c][b] is a sum of n[c][b] Bernoullis with the bin's calibrated probability p[b]: its expectation n·p goes into
 * the metric (expected confusion counts, then the metric from them, as NannyML does), and its variance n·p(1 − p)
 * (exact if the predictions of a bin share its p; with unequal true rates n·p̄(1 − p̄) bounds the Poisson-binomial's
 * Σ p_i(1 − p_i) from above) into the interval by the delta method, with the calibration's own variance added: a
 * block of pooled bins has one p estimated from its m labelled predictions, and its error moves every count of the
 * block's bins together. With labels
 * the same functions of the observed hits give the realized values, so estimate and outcome are computed alike.
 *
 * <p>Binary (score = probability of the positive class): accuracy, precision, recall and F1 of both classes, macro-F1,
 * the expected confusion matrix and ROC AUC over the score bins (ties within a bin count ½). Confidence (score = the
 * model's confidence in its predicted class): accuracy and precision per predicted class, which are all that the
 * probability of being right determines.
 */
public final class PerformanceEstimation {
    private PerformanceEstimation() {}

    public static final String ACCURACY = "accuracy",
            PRECISION = "precision",
            RECALL = "recall",
            F1 = "f1",
            MACRO_F1 = "macro_f1",
            ROC_AUC = "roc_auc",
            CONFUSION = "confusion";

    /** One estimated or realized metric; for an estimate, [lower, upper] is its interval (NaN for a realized one). */
    public static final class Value {
        public final String metric;
        /** The class it is about (for a confusion cell the actual class), or null. */
        public final String cls;
        /** For a confusion cell: the predicted class. */
        public final String predictedCls;

        public final double value;
        public final double lower;
        public final double upper;
        public final long n;

        public Value(String metric, String cls, String predictedCls, double value, double lower, double upper, long n) {
            this.metric = metric;
            this.cls = cls;
            this.predictedCls = predictedCls;
            this.value = value;
            this.lower = lower;
            this.upper = upper;
            this.n = n;
        }

        public String key() {
            return metric + "/" + cls + "/" + predictedCls;
        }
    }

    /** A metric as a function of the hits. */
    private record Metric(
            String name, String cls, String predictedCls, long n, boolean count, ToDoubleFunction<double[][]> f) {}

    /**
     * Estimates from the predictions' bins and the calibration.
     *
     * @param binary the score is the positive class's probability (else the confidence in the predicted class)
     * @param z the normal quantile of the interval (1.96 for 95%)
     */
    public static List<Value> estimate(
            boolean binary,
            String positive,
            String negative,
            ScoreBins predictions,
            IsotonicCalibration calibration,
            double z) {
        int bins = calibration.p.length;
        List<String> classes = classes(binary, positive, negative, predictions);
        double[][] n = counts(classes, predictions, bins);
        double[][] expected = new double[classes.size()][bins];
        for (int c = 0; c < classes.size(); c++)
            for (int b = 0; b < bins; b++) expected[c][b] = n[c][b] * calibration.p[b];
        List<Value> out = new ArrayList<>();
        for (Metric m : metrics(binary, classes, n)) {
            double value = m.f.applyAsDouble(expected);
            if (!Double.isFinite(value)) continue;
            double[][] g = gradient(m.f, expected, n);
            double variance = 0;
            // The calibration's error: bins pooled into one block (or filled from it) share one estimated rate, so
            // their effects add before squaring, Σ_blocks (Σ_{b∈block} along_b)² · Var(p_block).
            double[] alongBlock = new double[bins];
            int[] blockBin = new int[bins];
            for (int b = 0; b < bins; b++) {
                double p = calibration.p[b], along = 0;
                for (int c = 0; c < classes.size(); c++) {
                    variance += g[c][b] * g[c][b] * n[c][b] * p * (1 - p);
                    along += g[c][b] * n[c][b];
                }
                alongBlock[calibration.block[b]] += along;
                blockBin[calibration.block[b]] = b;
            }
            for (int k = 0; k < bins; k++)
                if (alongBlock[k] != 0) variance += alongBlock[k] * alongBlock[k] * calibration.variance(blockBin[k]);
            double sd = Math.sqrt(variance);
            double lower = value - z * sd, upper = value + z * sd;
            lower = Math.max(0, lower);
            if (!m.count) upper = Math.min(1, upper);
            out.add(new Value(m.name, m.cls, m.predictedCls, value, lower, upper, m.n));
        }
        return out;
    }

    /** The same metrics of labelled predictions (each counted in {@code outcomes} with whether it was a hit). */
    public static List<Value> realized(boolean binary, String positive, String negative, ScoreBins outcomes, int bins) {
        List<String> classes = classes(binary, positive, negative, outcomes);
        double[][] n = counts(classes, outcomes, bins);
        double[][] h = new double[classes.size()][bins];
        for (int c = 0; c < classes.size(); c++)
            for (int b = 0; b < bins; b++) h[c][b] = outcomes.hits(classes.get(c), b);
        List<Value> out = new ArrayList<>();
        for (Metric m : metrics(binary, classes, n)) {
            double value = m.f.applyAsDouble(h);
            if (Double.isFinite(value))
                out.add(new Value(m.name, m.cls, m.predictedCls, value, Double.NaN, Double.NaN, m.n));
        }
        return out;
    }

    private static List<String> classes(boolean binary, String positive, String negative, ScoreBins bins) {
        return binary ? List.of(positive, negative) : new ArrayList<>(bins.classes());
    }

    private static double[][] counts(List<String> classes, ScoreBins s, int bins) {
        double[][] n = new double[classes.size()][bins];
        for (int c = 0; c < classes.size(); c++) for (int b = 0; b < bins; b++) n[c][b] = s.count(classes.get(c), b);
        return n;
    }

    private static double sum(double[] row) {
        double s = 0;
        for (double v : row) s += v;
        return s;
    }

    private static double ratio(double a, double b) {
        return b > 0 ? a / b : Double.NaN;
    }

    /** The metrics of these classes with these counts (functions of the hits). */
    private static List<Metric> metrics(boolean binary, List<String> classes, double[][] n) {
        List<Metric> metrics = new ArrayList<>();
        long total = 0;
        for (double[] row : n) total += (long) sum(row);
        if (total == 0) return metrics;
        final double all = total;
        if (!binary) {
            metrics.add(new Metric(ACCURACY, null, null, total, false, h -> {
                double correct = 0;
                for (double[] row : h) correct += sum(row);
                return correct / all;
            }));
            for (int c = 0; c < classes.size(); c++) {
                final int k = c;
                double predicted = sum(n[c]);
                if (predicted > 0)
                    metrics.add(new Metric(
                            PRECISION, classes.get(c), null, (long) predicted, false, h -> sum(h[k]) / predicted));
            }
            return metrics;
        }
        String pos = classes.get(0), neg = classes.get(1);
        // Predicted positive (row 0) and negative (row 1); a hit is an actual positive.
        final double nP = sum(n[0]), nN = sum(n[1]);
        metrics.add(new Metric(ACCURACY, null, null, total, false, h -> (sum(h[0]) + nN - sum(h[1])) / all));
        if (nP > 0) metrics.add(new Metric(PRECISION, pos, null, (long) nP, false, h -> sum(h[0]) / nP));
        if (nN > 0) metrics.add(new Metric(PRECISION, neg, null, (long) nN, false, h -> (nN - sum(h[1])) / nN));
        metrics.add(new Metric(RECALL, pos, null, total, false, h -> ratio(sum(h[0]), sum(h[0]) + sum(h[1]))));
        metrics.add(new Metric(
                RECALL, neg, null, total, false, h -> ratio(nN - sum(h[1]), nN - sum(h[1]) + nP - sum(h[0]))));
        ToDoubleFunction<double[][]> f1Pos = h -> ratio(2 * sum(h[0]), sum(h[0]) + nP + sum(h[1]));
        ToDoubleFunction<double[][]> f1Neg = h -> ratio(2 * (nN - sum(h[1])), nN - sum(h[1]) + nN + nP - sum(h[0]));
        metrics.add(new Metric(F1, pos, null, total, false, f1Pos));
        metrics.add(new Metric(F1, neg, null, total, false, f1Neg));
        metrics.add(new Metric(
                MACRO_F1, null, null, total, false, h -> (f1Pos.applyAsDouble(h) + f1Neg.applyAsDouble(h)) / 2));
        metrics.add(new Metric(ROC_AUC, null, null, total, false, h -> rocAuc(h, n)));
        metrics.add(new Metric(CONFUSION, pos, pos, total, true, h -> sum(h[0])));
        metrics.add(new Metric(CONFUSION, neg, pos, total, true, h -> nP - sum(h[0])));
        metrics.add(new Metric(CONFUSION, pos, neg, total, true, h -> sum(h[1])));
        metrics.add(new Metric(CONFUSION, neg, neg, total, true, h -> nN - sum(h[1])));
        return metrics;
    }

    /**
     * ROC AUC over the score bins: the probability that a positive scores above a negative, a tie within a bin
     * counting ½ (Mann–Whitney with ties). Positives per bin are the hits of both predicted classes.
     */
    static double rocAuc(double[][] h, double[][] n) {
        int bins = n[0].length;
        double positives = 0, negatives = 0, concordant = 0, negativesBelow = 0;
        for (int b = 0; b < bins; b++) {
            double pos = 0, all = 0;
            for (int c = 0; c < n.length; c++) {
                pos += h[c][b];
                all += n[c][b];
            }
            double neg = all - pos;
            concordant += pos * (negativesBelow + neg / 2);
            negativesBelow += neg;
            positives += pos;
            negatives += neg;
        }
        return positives > 0 && negatives > 0 ? concordant / (positives * negatives) : Double.NaN;
    }

    /** Central differences per cell with predictions (the metrics are smooth rational functions of the hits). */
    private static double[][] gradient(ToDoubleFunction<double[][]> f, double[][] h, double[][] n) {
        double[][] g = new double[h.length][h[0].length];
        double step = 1e-3;
        for (int c = 0; c < h.length; c++) {
            for (int b = 0; b < h[c].length; b++) {
                if (n[c][b] == 0) continue;
                double keep = h[c][b];
                h[c][b] = keep + step;
                double up = f.applyAsDouble(h);
                h[c][b] = keep - step;
                double down = f.applyAsDouble(h);
                h[c][b] = keep;
                double d = (up - down) / (2 * step);
                g[c][b] = Double.isFinite(d) ? d : 0;
            }
        }
        return g;
    }
}
