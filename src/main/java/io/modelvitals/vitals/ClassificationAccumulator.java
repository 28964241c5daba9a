package io.modelvitals.vitals;

import io.modelvitals.events.JoinResult;
import java.util.HashMap;
import java.util.Map;

/**
 * Mergeable sufficient statistics of one key's join results in one window: a confusion matrix,
 * regression error sums, a label-delay sketch and label-coverage counts. Everything the vitals need
 * is derived from these at window end, so partial accumulators from many subtasks merge exactly.
 */
public class ClassificationAccumulator {
    /**
     * Confusion counts keyed by {@link #cell}(actual, predicted). Flat, because Flink serializes a
     * Map of basic types natively but would fall back to Kryo for a Map of Maps.
     */
    public Map<String, Long> confusion = new HashMap<>();
    public long classifiedPairs;
    public long regressionPairs;
    public double sumAbsError;
    public double sumSquaredError;
    public QuantileSketch labelDelayMs = new QuantileSketch();
    public long expired;
    public long expiredLabeled;
    public long lateLabels;
    public long duplicateLabels;

    public ClassificationAccumulator() {}

    public void add(JoinResult r) {
        switch (r.kind) {
            case JoinResult.PAIR:
                labelDelayMs.update(r.labelDelayMs());
                if (r.predictedLabel != null && r.actualLabel != null) {
                    confusion.merge(cell(r.actualLabel, r.predictedLabel), 1L, Long::sum);
                    classifiedPairs++;
                } else if (r.predictedValue != null && r.actualValue != null) {
                    double error = r.predictedValue - r.actualValue;
                    sumAbsError += Math.abs(error);
                    sumSquaredError += error * error;
                    regressionPairs++;
                }
                break;
            case JoinResult.EXPIRED:
                expired++;
                if (r.labeled) expiredLabeled++;
                break;
            case JoinResult.LATE_LABEL:
                lateLabels++;
                break;
            case JoinResult.DUPLICATE_LABEL:
                duplicateLabels++;
                break;
            default:
                throw new IllegalArgumentException("unknown join result kind " + r.kind);
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

    public ClassificationAccumulator merge(ClassificationAccumulator o) {
        o.confusion.forEach((cell, count) -> confusion.merge(cell, count, Long::sum));
        classifiedPairs += o.classifiedPairs;
        regressionPairs += o.regressionPairs;
        sumAbsError += o.sumAbsError;
        sumSquaredError += o.sumSquaredError;
        labelDelayMs.merge(o.labelDelayMs);
        expired += o.expired;
        expiredLabeled += o.expiredLabeled;
        lateLabels += o.lateLabels;
        duplicateLabels += o.duplicateLabels;
        return this;
    }
}
