package io.modelvitals.functions;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.RuleSpec;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.VitalRecord;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Checks every vital record against the rules of its model that watch that vital (and class, and slice). */
public class RuleEvaluator implements FlatMapFunction<VitalRecord, RuleCheck> {
    private final MonitorSpec spec;

    public RuleEvaluator(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void flatMap(VitalRecord v, Collector<RuleCheck> out) {
        ModelSpec model = spec.model(v.model);
        if (model == null) return;
        for (RuleSpec rule : model.rules) {
            if (!rule.vital.equals(v.vital)) continue;
            if (rule.cls != null && !rule.cls.equals(v.cls)) continue;
            if (rule.reference != null && !rule.reference.equals(v.reference)) continue;
            if (!SegmentSlicer.ALL.equals(v.segment) && !rule.perSegment) continue;
            RuleCheck c = new RuleCheck();
            c.rule = rule.name;
            c.model = v.model;
            c.version = v.version;
            c.segment = v.segment;
            c.vital = v.vital;
            c.cls = v.cls;
            c.reference = v.reference;
            c.severity = rule.severity;
            c.op = rule.detector != null ? "cusum" : rule.op;
            c.threshold = rule.detector != null ? rule.detector.h : rule.threshold;
            c.forWindows = rule.forWindows;
            c.value = v.value;
            c.n = v.n;
            c.sufficient = v.n >= rule.minSamples;
            c.ciLower = v.ciLower;
            c.ciUpper = v.ciUpper;
            c.spec = rule;
            if (rule.detector == null) {
                c.breached = c.sufficient && rule.breached(v.value) && passesGate(rule, v);
                if (v.ciLower != null && v.n > 0 && rule.threshold > 0 && rule.threshold < 1) c.pValue = pValue(rule, v);
            }
            c.windowStart = v.windowStart;
            c.windowEnd = v.windowEnd;
            c.staleAfterMs = model.alertStaleAfterMs();
            out.collect(c);
        }
    }

    /**
     * With {@code gate: confidence_interval}, a proportion breaches only when its whole 95% Wilson interval
     * is past the threshold: accuracy &lt; 0.9 fires when the upper bound is below 0.9, not on a noisy dip.
     */
    static boolean passesGate(RuleSpec rule, VitalRecord v) {
        if (!"confidence_interval".equals(rule.gate) || v.ciLower == null) return true;
        return rule.op.startsWith("<") ? rule.breached(v.ciUpper) : rule.breached(v.ciLower);
    }

    /** One-sided z-test of the proportion against the threshold: small when the breach is significant. */
    static double pValue(RuleSpec rule, VitalRecord v) {
        double t = rule.threshold;
        double z = (v.value - t) / Math.sqrt(t * (1 - t) / v.n);
        double below = NORMAL.cumulativeProbability(z);
        return rule.op.startsWith("<") ? below : 1 - below;
    }

    private static final org.apache.commons.math3.distribution.NormalDistribution NORMAL =
            new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1);
}
