package io.modelvitals.estimation;

import io.modelvitals.config.EstimationSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.ScoredRecord;
import io.modelvitals.vitals.ScoreBins;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Accepted predictions of models with estimation, at their prediction time, as {@link ScoredRecord}s: predicted class
 * (binary: the positive or the negative class) and score bin ({@code score: scores}: every class's score bin). A
 * prediction without a usable score is not estimated (it still counts everywhere else).
 */
public final class ScoredPredictions extends RichFlatMapFunction<Prediction, ScoredRecord> {
    private final MonitorSpec spec;
    /**
     * Predictions of an estimated model that could not be estimated (no usable score; with {@code score: scores}, a
     * vector missing a listed class, or a label outside the list): a model whose predictions never carry what its
     * spec says shows here, as the metric {@code predictionsNotEstimated}.
     */
    private transient Counter notEstimated;

    @Override
    public void open(OpenContext openContext) {
        notEstimated = getRuntimeContext().getMetricGroup().counter("predictionsNotEstimated");
    }

    public ScoredPredictions(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void flatMap(Prediction p, Collector<ScoredRecord> out) {
        ModelSpec m = spec.model(p.model);
        if (m == null || m.estimation == null) return;
        ScoredRecord r = scored(m, p.label, p.score, p.scores);
        if (r == null) {
            notEstimated.inc();
            return;
        }
        r.model = p.model;
        r.version = p.version;
        r.segment = p.segment;
        r.ts = p.ts;
        r.predictionTs = p.ts;
        r.origin = p.origin;
        out.collect(r);
    }

    static boolean binary(ModelSpec m) {
        return EstimationSpec.POSITIVE_PROBABILITY.equals(m.estimation.score);
    }

    static boolean vector(ModelSpec m) {
        return EstimationSpec.SCORES.equals(m.estimation.score);
    }

    /** The predicted class and score bin, or null without a usable score. */
    static ScoredRecord scored(ModelSpec m, String label, Double score, Map<String, Double> scores) {
        EstimationSpec e = m.estimation;
        ScoredRecord r = new ScoredRecord();
        if (vector(m)) {
            // Every class of the spec's list needs a score; the predicted class is the label, else the top score.
            List<String> classes = e.classes;
            if (scores == null) return null;
            int[] bins = new int[classes.size()];
            int top = 0;
            for (int j = 0; j < bins.length; j++) {
                Double s = scores.get(classes.get(j));
                if (s == null || !(s >= 0 && s <= 1)) return null;
                bins[j] = ScoreBins.bin(s, e.bins);
                if (s > scores.get(classes.get(top))) top = j;
            }
            int predicted = label != null ? classes.indexOf(label) : top;
            if (predicted < 0) return null; // a class outside the list: the expected confusion has no row for it
            r.predictedClass = classes.get(predicted);
            r.bin = bins[predicted];
            r.scoreBins = bins;
        } else if (binary(m)) {
            Double s = score != null ? score : scores != null ? scores.get(m.positiveClass) : null;
            if (s == null || !(s >= 0 && s <= 1)) return null;
            // A binary prediction is the positive class or not; without a label, the score decides at ½.
            boolean positive = label != null ? label.equals(m.positiveClass) : s >= 0.5;
            r.predictedClass = positive ? m.positiveClass : e.negativeClass;
            r.bin = ScoreBins.bin(s, e.bins);
        } else {
            if (label == null) return null;
            Double s = score != null ? score : scores != null ? scores.get(label) : null;
            if (s == null || !(s >= 0 && s <= 1)) return null;
            r.predictedClass = label;
            r.bin = ScoreBins.bin(s, e.bins);
        }
        return r;
    }
}
