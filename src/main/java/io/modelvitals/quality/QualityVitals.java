package io.modelvitals.quality;

import io.modelvitals.config.Vitals;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.Proportions;
import io.modelvitals.vitals.ScoreAccumulator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a window's {@link ClassificationAccumulator} into vital records. Definitions follow
 * scikit-learn: per-class precision is undefined (not emitted) when a class was never predicted, and
 * counts as 0 in its F1, as in {@code f1_score(average="macro", zero_division=0)} over the classes
 * seen as actual or predicted.
 */
public final class QualityVitals {
    private QualityVitals() {}

    public static List<VitalRecord> compute(
            String model,
            String version,
            String segment,
            long windowStart,
            long windowEnd,
            ClassificationAccumulator acc) {
        List<VitalRecord> out = new ArrayList<>();
        Emitter emit = new Emitter(model, version, segment, windowStart, windowEnd, out);

        if (acc.classifiedPairs > 0) {
            long n = acc.classifiedPairs;
            // Sorted, so records come out in a stable order.
            TreeMap<String, Long> cells = new TreeMap<>(acc.confusion);
            TreeSet<String> classes = new TreeSet<>();
            Map<String, Long> actualTotals = new HashMap<>();
            Map<String, Long> predictedTotals = new HashMap<>();
            long correct = 0;
            for (Map.Entry<String, Long> cell : cells.entrySet()) {
                String[] ap = ClassificationAccumulator.classes(cell.getKey());
                classes.add(ap[0]);
                classes.add(ap[1]);
                actualTotals.merge(ap[0], cell.getValue(), Long::sum);
                predictedTotals.merge(ap[1], cell.getValue(), Long::sum);
                if (ap[0].equals(ap[1])) correct += cell.getValue();
            }
            emit.proportion(Vitals.ACCURACY, null, correct, n);

            double f1Sum = 0;
            for (String c : classes) {
                long tp = acc.confusion.getOrDefault(ClassificationAccumulator.cell(c, c), 0L);
                long actual = actualTotals.getOrDefault(c, 0L);
                long predicted = predictedTotals.getOrDefault(c, 0L);
                double precision = predicted > 0 ? (double) tp / predicted : 0.0;
                double recall = actual > 0 ? (double) tp / actual : 0.0;
                if (predicted > 0) emit.proportion(Vitals.PRECISION, c, tp, predicted);
                if (actual > 0) emit.proportion(Vitals.RECALL, c, tp, actual);
                double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
                emit.value(Vitals.F1, c, f1, actual);
                f1Sum += f1;
            }
            emit.value(Vitals.MACRO_F1, null, f1Sum / classes.size(), n);

            for (Map.Entry<String, Long> cell : cells.entrySet()) {
                String[] ap = ClassificationAccumulator.classes(cell.getKey());
                VitalRecord v = emit.value(Vitals.CONFUSION, ap[0], cell.getValue(), n);
                v.predictedCls = ap[1];
            }
        }
        ScoreAccumulator scores = acc.scores;
        if (scores.n > 0) {
            long n = scores.n;
            emit.value(Vitals.LOG_LOSS, null, scores.logLossSum / n, n);
            emit.value(Vitals.BRIER_SCORE, null, scores.brierSum / n, n);
            emit.value(Vitals.EXPECTED_CALIBRATION_ERROR, null, scores.expectedCalibrationError(), n);
            emit.value(Vitals.CALIBRATION_ERROR_DEBIASED, null, scores.debiasedCalibrationError(), n);
            double[] auc = scores.rocAuc();
            if (auc != null) {
                emit.value(Vitals.ROC_AUC, null, auc[0], n);
                emit.value(Vitals.ROC_AUC_MAX_ERROR, null, auc[1], n);
            }
            Double ap = scores.averagePrecision();
            if (ap != null) emit.value(Vitals.PR_AUC, null, ap, n);
        }
        if (acc.multiScoredPairs > 0) {
            long n = acc.multiScoredPairs;
            emit.value(Vitals.LOG_LOSS, null, acc.multiLogLossSum / n, n);
            emit.proportion(Vitals.TOP_K_ACCURACY, null, acc.topKCorrect, n);
        }
        if (acc.regressionPairs > 0) {
            long n = acc.regressionPairs;
            emit.value(Vitals.MAE, null, acc.sumAbsError / n, n);
            emit.value(Vitals.RMSE, null, Math.sqrt(acc.sumSquaredError / n), n);
            emit.value(Vitals.MEAN_ERROR, null, acc.sumError / n, n);
            if (acc.percentErrorPairs > 0)
                emit.value(Vitals.MAPE, null, acc.sumAbsPercentError / acc.percentErrorPairs, acc.percentErrorPairs);
            emit.value(Vitals.ZERO_ACTUALS, null, acc.zeroActuals, n);
            // R² = 1 − SS_res / SS_tot; undefined (not emitted) when every actual is the same.
            double ssTot = acc.sumActualSquared - acc.sumActual * acc.sumActual / n;
            if (n > 1 && ssTot > 1e-12 * Math.max(1, acc.sumActualSquared))
                emit.value(Vitals.R2, null, 1 - acc.sumSquaredError / ssTot, n);
        }
        long pairs = acc.classifiedPairs + acc.regressionPairs;
        emit.value(Vitals.LABELED_COUNT, null, pairs, pairs);
        long delays = acc.labelDelayMs.count();
        if (delays > 0) {
            emit.value(Vitals.LABEL_DELAY_P50_MS, null, acc.labelDelayMs.quantile(0.5), delays);
            emit.value(Vitals.LABEL_DELAY_P95_MS, null, acc.labelDelayMs.quantile(0.95), delays);
        }
        if (acc.expired > 0) emit.proportion(Vitals.LABEL_COVERAGE, null, acc.expiredLabeled, acc.expired);
        emit.value(Vitals.LATE_LABELS, null, acc.lateLabels, acc.lateLabels);
        emit.value(Vitals.DUPLICATE_LABELS, null, acc.duplicateLabels, acc.duplicateLabels);
        return out;
    }

    private static final class Emitter {
        final String model, version, segment;
        final long windowStart, windowEnd;
        final List<VitalRecord> out;

        Emitter(String model, String version, String segment, long windowStart, long windowEnd, List<VitalRecord> out) {
            this.model = model;
            this.version = version;
            this.segment = segment;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.out = out;
        }

        VitalRecord value(String vital, String cls, double value, long n) {
            VitalRecord v = new VitalRecord(model, version, segment, vital, cls, value, n, windowStart, windowEnd);
            out.add(v);
            return v;
        }

        void proportion(String vital, String cls, long x, long n) {
            VitalRecord v = value(vital, cls, (double) x / n, n);
            double[] ci = Proportions.wilson(x, n, Proportions.Z95);
            v.ciLower = ci[0];
            v.ciUpper = ci[1];
        }
    }
}
