package io.modelvitals.quality;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.JoinResult;
import io.modelvitals.pane.SlicedAggregator;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.SlicedClassification;

/** First phase of the quality vitals: folds each join result into the accumulator of every slice it counts in. */
public class QualityAggregator extends SlicedAggregator<JoinResult, ClassificationAccumulator, SlicedClassification> {
    private final MonitorSpec spec;

    public QualityAggregator(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public SlicedClassification createAccumulator() {
        return new SlicedClassification();
    }

    @Override
    public ClassificationAccumulator newSlice() {
        return new ClassificationAccumulator();
    }

    @Override
    public SlicedClassification add(JoinResult r, SlicedClassification acc) {
        ModelSpec model = spec.modelOrDefaults(r.model);
        // One key string (and one hash of it) per record rather than per slice.
        String cell = cellOf(r);
        for (String slice : r.slices) {
            fold(slice(acc, slice), r, cell, model.positiveClass, model.topK, model.calibrationBins);
        }
        return acc;
    }

    /** With the default quality settings: positive class "1", top-3, 10 calibration bins. */
    public static void fold(ClassificationAccumulator acc, JoinResult r) {
        fold(acc, r, "1", 3, 10);
    }

    public static void fold(
            ClassificationAccumulator acc, JoinResult r, String positiveClass, int topK, int calibrationBins) {
        fold(acc, r, cellOf(r), positiveClass, topK, calibrationBins);
    }

    /** The confusion cell of a classified pair, or null: computed once per record, however many slices it counts in. */
    public static String cellOf(JoinResult r) {
        return JoinResult.PAIR.equals(r.kind) && r.predictedLabel != null && r.actualLabel != null
                ? ClassificationAccumulator.cell(r.actualLabel, r.predictedLabel)
                : null;
    }

    /** @param cell {@link #cellOf}(r) */
    public static void fold(
            ClassificationAccumulator acc,
            JoinResult r,
            String cell,
            String positiveClass,
            int topK,
            int calibrationBins) {
        switch (r.kind) {
            case JoinResult.PAIR:
                acc.labelDelayMs.update(r.labelDelayMs());
                if (r.predictedLabel != null && r.actualLabel != null) {
                    acc.confusion.merge(cell, 1L, Long::sum);
                    acc.classifiedPairs++;
                    if (r.predictedScores != null && !r.predictedScores.isEmpty()) {
                        acc.addClassScores(r.predictedScores, r.actualLabel, topK);
                    } else if (r.predictedScore != null) {
                        acc.scores.add(r.predictedScore, r.actualLabel.equals(positiveClass), calibrationBins);
                    }
                } else if (r.predictedValue != null && r.actualValue != null) {
                    double actual = r.actualValue;
                    double error = r.predictedValue - actual;
                    acc.sumAbsError += Math.abs(error);
                    acc.sumSquaredError += error * error;
                    acc.sumError += error;
                    acc.sumActual += actual;
                    acc.sumActualSquared += actual * actual;
                    if (actual == 0) {
                        acc.zeroActuals++;
                    } else {
                        acc.sumAbsPercentError += Math.abs(error / actual);
                        acc.percentErrorPairs++;
                    }
                    acc.regressionPairs++;
                }
                break;
            case JoinResult.EXPIRED:
                acc.expired++;
                if (r.labeled) acc.expiredLabeled++;
                break;
            case JoinResult.LATE_LABEL:
                acc.lateLabels++;
                break;
            case JoinResult.DUPLICATE_LABEL:
                acc.duplicateLabels++;
                break;
            default:
                throw new IllegalArgumentException("unknown join result kind " + r.kind);
        }
    }
}
