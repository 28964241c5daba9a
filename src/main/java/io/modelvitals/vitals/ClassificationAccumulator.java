package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;

/**
 * Mergeable sufficient statistics of one key's join results in one window: a confusion matrix,
 * regression error sums, a label-delay sketch and label-coverage counts. Everything the vitals need
 * is derived from these at window end, so partial accumulators from many subtasks merge exactly.
 */
public class ClassificationAccumulator implements Mergeable<ClassificationAccumulator> {
    /**
     * Confusion counts keyed by {@link #cell}(actual, predicted). Flat, because Flink serializes a
     * Map of basic types natively but would fall back to Kryo for a Map of Maps.
     */
    public Map<String, Long> confusion = new HashMap<>();

    public long classifiedPairs;
    public long regressionPairs;
    public double sumAbsError;
    public double sumSquaredError;
    /** Regression: Σ(predicted − actual), Σ|error/actual| over non-zero actuals, their count, zero actuals, Σactual, Σactual². */
    public double sumError;

    public double sumAbsPercentError;
    public long percentErrorPairs;
    public long zeroActuals;
    public double sumActual;
    public double sumActualSquared;
    /** Binary classifiers with a positive-class score. */
    public ScoreAccumulator scores = new ScoreAccumulator();
    /** Multi-class classifiers with a score per class: log loss (probabilities normalised to sum 1) and top-k hits. */
    public long multiScoredPairs;

    public double multiLogLossSum;
    public long topKCorrect;
    public QuantileSketch labelDelayMs = new QuantileSketch();
    public long expired;
    public long expiredLabeled;
    public long lateLabels;
    public long duplicateLabels;

    public ClassificationAccumulator() {}

    /** A multi-class scored pair: log loss of the normalised score of the actual class, and the top-k hit. */
    public void addClassScores(Map<String, Double> classScores, String actual, int topK) {
        double total = 0;
        for (Double p : classScores.values()) total += p;
        Double p = classScores.get(actual);
        double normalised = p == null || !(total > 0) ? 0 : p / total;
        multiLogLossSum -= Math.log(Math.min(1 - ScoreAccumulator.EPS, Math.max(ScoreAccumulator.EPS, normalised)));
        multiScoredPairs++;
        // In the top k when fewer than k classes score strictly higher (ties go to the actual class).
        if (p != null) {
            int higher = 0;
            for (Double q : classScores.values()) if (q > p) higher++;
            if (higher < topK) topKCorrect++;
        }
    }

    /** The confusion-map key of an (actual, predicted) pair; class names never contain the unit separator. */
    public static String cell(String actual, String predicted) {
        return actual + '\u001f' + predicted;
    }

    /** The inverse of {@link #cell}: {actual, predicted}. */
    public static String[] classes(String cell) {
        int cut = cell.indexOf('\u001f');
        return new String[] {cell.substring(0, cut), cell.substring(cut + 1)};
    }

    @Override
    public ClassificationAccumulator merge(ClassificationAccumulator o) {
        o.confusion.forEach((cell, count) -> confusion.merge(cell, count, Long::sum));
        classifiedPairs += o.classifiedPairs;
        regressionPairs += o.regressionPairs;
        sumAbsError += o.sumAbsError;
        sumSquaredError += o.sumSquaredError;
        sumError += o.sumError;
        sumAbsPercentError += o.sumAbsPercentError;
        percentErrorPairs += o.percentErrorPairs;
        zeroActuals += o.zeroActuals;
        sumActual += o.sumActual;
        sumActualSquared += o.sumActualSquared;
        scores.merge(o.scores);
        multiScoredPairs += o.multiScoredPairs;
        multiLogLossSum += o.multiLogLossSum;
        topKCorrect += o.topKCorrect;
        labelDelayMs.merge(o.labelDelayMs);
        expired += o.expired;
        expiredLabeled += o.expiredLabeled;
        lateLabels += o.lateLabels;
        duplicateLabels += o.duplicateLabels;
        return this;
    }
}
