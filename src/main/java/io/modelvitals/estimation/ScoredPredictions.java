package io.modelvitals.estimation;

import io.modelvitals.config.EstimationSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.ScoredRecord;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Accepted predictions of models with estimation, at their prediction time, as {@link ScoredRecord}s: predicted class
 * (binary: the positive or the negative class) and score bin. A prediction without a usable score is not estimated
 * (it still counts everywhere else).
 */
public final class ScoredPredictions implements FlatMapFunction<Prediction, ScoredRecord> {
    private final MonitorSpec spec;

    public ScoredPredictions(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void flatMap(Prediction p, Collector<ScoredRecord> out) {
        ModelSpec m = spec.model(p.model);
        if (m == null || m.estimation == null) return;
        ScoredRecord r = scored(m, p.label, p.score, p.scores);
        if (r == null) return;
        r.model = p.model;
        r.version = p.version;
        r.segment = p.segment;
        r.ts = p.ts;
        r.predictionTs = p.ts;
        out.collect(r);
    }

    static boolean binary(ModelSpec m) {
        return EstimationSpec.POSITIVE_PROBABILITY.equals(m.estimation.score);
    }

    /** The predicted class and score bin, or null without a usable score. */
    static ScoredRecord scored(ModelSpec m, String label, Double score, Map<String, Double> scores) {
        EstimationSpec e = m.estimation;
        ScoredRecord r = new ScoredRecord();
        if (binary(m)) {
            Double s = score != null ? score : scores != null ? scores.get(m.positiveClass) : null;
            if (s == null || !(s >= 0 && s <= 1)) return null;
            // A binary prediction is the positive class or not; without a label, the score decides at ½.
            boolean positive = label != null ? label.equals(m.positiveClass) : s >= 0.5;
            r.predictedClass = positive ? m.positiveClass : e.negativeClass;
            r.bin = io.modelvitals.vitals.ScoreBins.bin(s, e.bins);
        } else {
            if (label == null) return null;
            Double s = score != null ? score : scores != null ? scores.get(label) : null;
            if (s == null || !(s >= 0 && s <= 1)) return null;
            r.predictedClass = label;
            r.bin = io.modelvitals.vitals.ScoreBins.bin(s, e.bins);
        }
        return r;
    }
}
