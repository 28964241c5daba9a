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
    /** actual class → predicted class → count. */
    public Map<String, Map<String, Long>> confusion = new HashMap<>();
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
                    confusion.computeIfAbsent(r.actualLabel, k -> new HashMap<>()).merge(r.predictedLabel, 1L, Long::sum);
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

    public ClassificationAccumulator merge(ClassificationAccumulator o) {
        o.confusion.forEach((actual, row) -> {
            Map<String, Long> mine = confusion.computeIfAbsent(actual, k -> new HashMap<>());
            row.forEach((predicted, count) -> mine.merge(predicted, count, Long::sum));
        });
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
