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
            c.op = rule.op;
            c.threshold = rule.threshold;
            c.forWindows = rule.forWindows;
            c.value = v.value;
            c.n = v.n;
            c.sufficient = v.n >= rule.minSamples;
            c.breached = c.sufficient && rule.breached(v.value);
            c.windowStart = v.windowStart;
            c.windowEnd = v.windowEnd;
            c.staleAfterMs = model.alertStaleAfterMs();
            out.collect(c);
        }
    }
}
