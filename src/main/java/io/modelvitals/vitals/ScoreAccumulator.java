package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/**
 * Mergeable statistics of a binary classifier's scores (probability of the positive class) against
 * its labels: sums for log loss and Brier score exactly, positives and negatives per score bin of
 * width 1/{@link #BINS} for ROC AUC and average precision, and per calibration bin the count, the
 * positives and the sum of scores for the expected calibration error. Maps are sparse and flat (Flink
 * serializes them natively): a window only carries the bins its scores fell in.
 */
public class ScoreAccumulator {
    /** Score bins for AUC and average precision ([k/1000, (k+1)/1000), and 1.0 alone): exact for scores with three decimals. */
    public static final int BINS = 1000;
    /** Probabilities are clipped to [EPS, 1 − EPS] in the log loss, so a confident miss costs ~34.5, not infinity. */
    public static final double EPS = 1e-15;

    public long n;
    public long positives;
    public double logLossSum;
    public double brierSum;
    public Map<Integer, Long> positivesByBin = new HashMap<>();
    public Map<Integer, Long> negativesByBin = new HashMap<>();
    public Map<Integer, Long> calibrationCount = new HashMap<>();
    public Map<Integer, Long> calibrationPositives = new HashMap<>();
    public Map<Integer, Double> calibrationScoreSum = new HashMap<>();

    public ScoreAccumulator() {}

    public void add(double p, boolean positive, int calibrationBins) {
        n++;
        double clipped = Math.min(1 - EPS, Math.max(EPS, p));
        logLossSum -= positive ? Math.log(clipped) : Math.log(1 - clipped);
        double y = positive ? 1 : 0;
        brierSum += (p - y) * (p - y);
        // The 1e-9 keeps a score like 0.123 (stored as 0.12299999…) in its own bin.
        int bin = (int) Math.max(0, Math.min(BINS, Math.floor(p * BINS + 1e-9)));
        if (positive) {
            positives++;
            positivesByBin.merge(bin, 1L, Long::sum);
        } else {
            negativesByBin.merge(bin, 1L, Long::sum);
        }
        int c = calibrationBin(p, calibrationBins);
        calibrationCount.merge(c, 1L, Long::sum);
        if (positive) calibrationPositives.merge(c, 1L, Long::sum);
        calibrationScoreSum.merge(c, p, Double::sum);
    }

    /**
     * Equal-width bins over [0, 1] whose edges are i / bins, a score on an edge in the lower bin: the
     * binning of scikit-learn's {@code calibration_curve(strategy="uniform")}.
     */
    static int calibrationBin(double p, int bins) {
        int bin = 0;
        double width = 1.0 / bins;
        for (int i = 1; i < bins; i++) if (i * width < p) bin = i;
        return bin;
    }

    public ScoreAccumulator merge(ScoreAccumulator o) {
        n += o.n;
        positives += o.positives;
        logLossSum += o.logLossSum;
        brierSum += o.brierSum;
        o.positivesByBin.forEach((b, c) -> positivesByBin.merge(b, c, Long::sum));
        o.negativesByBin.forEach((b, c) -> negativesByBin.merge(b, c, Long::sum));
        o.calibrationCount.forEach((b, c) -> calibrationCount.merge(b, c, Long::sum));
        o.calibrationPositives.forEach((b, c) -> calibrationPositives.merge(b, c, Long::sum));
        o.calibrationScoreSum.forEach((b, s) -> calibrationScoreSum.merge(b, s, Double::sum));
        return this;
    }

    /**
     * {ROC AUC, its largest possible error}: pairs in different bins are ordered exactly, pairs within a
     * bin count one half, so the AUC is that of the scores rounded down to the bin and differs from the
     * exact one by at most half the share of positive–negative pairs that share a bin. Null without
     * both classes.
     */
    public double[] rocAuc() {
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return null;
        double sum = 0, tied = 0;
        long positivesAbove = 0;
        for (int b = BINS; b >= 0; b--) {
            long pos = positivesByBin.getOrDefault(b, 0L), neg = negativesByBin.getOrDefault(b, 0L);
            sum += neg * (positivesAbove + 0.5 * pos);
            tied += (double) pos * neg;
            positivesAbove += pos;
        }
        double pairs = (double) positives * negatives;
        return new double[] {sum / pairs, 0.5 * tied / pairs};
    }

    /** Average precision, Σ (Rₖ − Rₖ₋₁) Pₖ over the bins from the highest score down (scikit-learn's definition). Null without positives. */
    public Double averagePrecision() {
        if (positives == 0) return null;
        double ap = 0;
        long tp = 0, fp = 0;
        for (int b = BINS; b >= 0; b--) {
            long pos = positivesByBin.getOrDefault(b, 0L), neg = negativesByBin.getOrDefault(b, 0L);
            tp += pos;
            fp += neg;
            if (pos > 0) ap += (double) pos / positives * tp / (tp + fp);
        }
        return ap;
    }

    /** Σ over calibration bins of (bin count / n) · |observed positive rate − mean score|. */
    public double expectedCalibrationError() {
        double sum = 0;
        for (Map.Entry<Integer, Long> e : calibrationCount.entrySet()) {
            sum += Math.abs(calibrationPositives.getOrDefault(e.getKey(), 0L)
                    - calibrationScoreSum.getOrDefault(e.getKey(), 0.0));
        }
        return sum / n;
    }

    /**
     * The debiased estimator of the ℓ2 calibration error of Kumar, Liang and Ma (2019, "Verified
     * Uncertainty Calibration", NeurIPS, §5): √max(0, Σ_b (n_b / n) · [(ȳ_b − s̄_b)² − ȳ_b(1 − ȳ_b) / (n_b − 1)]),
     * with ȳ_b the observed positive rate and s̄_b the mean score of bin b. Subtracting each bin's
     * estimated sampling variance makes the sum unbiased for the squared error, so a calibrated model
     * reads about 0 at any n, where the plug-in ECE reads about 0.1 at n = 100. A bin with one score
     * has no variance estimate and adds nothing.
     */
    public double debiasedCalibrationError() {
        double sum = 0;
        for (Map.Entry<Integer, Long> e : calibrationCount.entrySet()) {
            long nb = e.getValue();
            if (nb < 2) continue;
            double rate = (double) calibrationPositives.getOrDefault(e.getKey(), 0L) / nb;
            double gap = rate - calibrationScoreSum.getOrDefault(e.getKey(), 0.0) / nb;
            sum += nb * (gap * gap - rate * (1 - rate) / (nb - 1));
        }
        return Math.sqrt(Math.max(0, sum / n));
    }
}
