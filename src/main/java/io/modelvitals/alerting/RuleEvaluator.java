package io.modelvitals.alerting;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.RuleSet;
import io.modelvitals.config.RuleSpec;
import io.modelvitals.config.SpecException;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Ledger;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.SideOutputs;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.pane.SegmentSlicer;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Checks every vital record against the rules of its model that watch that vital (and class, and
 * slice). Rules come from the spec, unless a rule set for the model arrived on the control topic:
 * it is validated like the spec and, if valid, replaces the model's rules on every subtask (broadcast
 * state, so it survives restarts from checkpoints and savepoints). An invalid one goes to the
 * dead-letter topic with the reason, and the rules in force stay.
 */
public class RuleEvaluator extends BroadcastProcessFunction<VitalRecord, ControlRecord, RuleCheck> {
    /** Runtime rule sets by model name ("*" for undeclared models). */
    public static final MapStateDescriptor<String, RuleSet> RULE_SETS =
            new MapStateDescriptor<>("runtime-rule-sets", Types.STRING, TypeInformation.of(RuleSet.class));

    private final MonitorSpec spec;

    public RuleEvaluator(MonitorSpec spec) {
        this.spec = spec;
    }

    @Override
    public void processElement(VitalRecord v, ReadOnlyContext ctx, Collector<RuleCheck> out) throws Exception {
        ModelSpec model = spec.model(v.model);
        if (model == null) return;
        RuleSet runtime = ctx.getBroadcastState(RULE_SETS).get(v.model);
        if (runtime == null && !spec.declares(v.model))
            runtime = ctx.getBroadcastState(RULE_SETS).get("*");
        evaluate(v, model, runtime != null ? runtime.rules : model.rules, out);
    }

    /** Rule sets are an input too: the reporting subtask keeps their ledger (in, then counted or dead-lettered). */
    private transient Ledger ledger;

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        ledger = new Ledger(getRuntimeContext());
    }

    @Override
    public void processBroadcastElement(ControlRecord c, Context ctx, Collector<RuleCheck> out) throws Exception {
        // Every subtask sees every rule set; one of them reports a rejected one.
        boolean reporter = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0;
        if (reporter) ledger.add(Ledger.IN, c.origin);
        if (c.text == null) {
            if (reporter)
                ctx.output(
                        SideOutputs.DEAD_LETTERS, new DeadLetter("rule set: empty or not UTF-8", c.origin, null, null));
            return;
        }
        try {
            RuleSet set = SpecLoader.parseRuleSet(c.text, spec);
            ctx.getBroadcastState(RULE_SETS).put(set.model, set);
            if (reporter) ledger.add(Ledger.COUNTED, c.origin);
        } catch (RuntimeException e) {
            // Whatever is wrong with a rule set, the job keeps running on the rules in force.
            if (reporter) {
                String why = e instanceof SpecException ? e.getMessage() : e.toString();
                ctx.output(
                        SideOutputs.DEAD_LETTERS,
                        new DeadLetter(
                                "rule set rejected, previous rules stay in force: " + why, c.origin, c.text, "utf8"));
            }
        }
    }

    /** The spec's rules only (no runtime rule sets): for tests and tools. */
    public void evaluate(VitalRecord v, Collector<RuleCheck> out) {
        ModelSpec model = spec.model(v.model);
        if (model != null) evaluate(v, model, model.rules, out);
    }

    private void evaluate(VitalRecord v, ModelSpec model, List<RuleSpec> rules, Collector<RuleCheck> out) {
        // Quality comes on two timelines when the prediction-time view is built: rules watch the one the model chose.
        if (!model.watchesTimeline(v.timeline)) return;
        if (Vitals.GOAL.equals(v.vital)) {
            List<RuleSpec> withGoals = new java.util.ArrayList<>(model.goalRules());
            withGoals.addAll(rules);
            rules = withGoals;
        }
        for (RuleSpec rule : rules) {
            if (!rule.vital.equals(v.vital)) continue;
            if (rule.cls != null && !rule.cls.equals(v.cls)) continue;
            if (rule.reference != null && !rule.reference.equals(v.reference)) continue;
            if (rule.version != null && !rule.version.equals(v.version)) continue;
            if (!SegmentSlicer.ALL.equals(v.segment) && !rule.perSegment) continue;
            // A change detector assumes independent windows: fed every slide of overlapping windows, its sums
            // walked on shared noise (cusum raised 177 false alerts per 1,000 window sizes at 10 slides a window,
            // docs/detection.md). It reads the windows that start on a multiple of the window size only.
            boolean gridOnly = rule.detector != null && overlapping(v, model);
            if (gridOnly && !model.onWindowGrid(v.windowEnd)) continue;
            RuleCheck c = new RuleCheck();
            c.rule = rule.name;
            c.model = v.model;
            c.version = v.version;
            c.segment = v.segment;
            c.vital = v.vital;
            c.cls = v.cls;
            c.reference = v.reference;
            c.severity = rule.severity;
            c.op = rule.detector != null ? String.valueOf(rule.detector.type) : rule.op;
            c.threshold = rule.detector != null ? rule.detector.decisionThreshold() : rule.threshold;
            c.forWindows = rule.forWindows;
            c.value = v.value;
            c.n = v.n;
            c.sufficient = Vitals.WITHOUT_SAMPLES.contains(v.vital) || v.n >= rule.minSamples;
            c.ciLower = v.ciLower;
            c.ciUpper = v.ciUpper;
            c.spec = rule;
            if (rule.detector == null) {
                c.breached = c.sufficient && rule.breached(v.value) && passesGate(rule, v);
                if (v.ciLower != null && v.n > 0 && rule.threshold > 0 && rule.threshold < 1)
                    c.pValue = pValue(rule, v);
            }
            c.windowStart = v.windowStart;
            c.windowEnd = v.windowEnd;
            c.staleAfterMs =
                    plus(model.alertStaleAfterMs(checkCadenceMs(v, model, gridOnly)), emissionDelayMs(v, model));
            c.labels = Routing.labels(model, rule);
            c.generatorUrl = Routing.generatorUrl(model.generatorUrl, c);
            out.collect(c);
        }
    }

    /**
     * How long after its window's end a vital comes, by the stage that waits for it: its alert's stale timer (set
     * from the window's end) must allow for it, or a vital later than alert_stale_after meets a timer already behind
     * the watermark and its alert is forgotten at once. Labels final for the prediction timeline and the discrepancy,
     * the attribution window for KPIs, the label horizon and a window for realized estimates; on time otherwise.
     */
    static long emissionDelayMs(VitalRecord v, ModelSpec model) {
        if (Vitals.DISCREPANCY.equals(v.vital)) return Math.max(model.kpiDelayMs(), model.cohortQualityDelayMs());
        if (VitalRecord.PREDICTION_TIMELINE.equals(v.timeline)) return model.cohortQualityDelayMs();
        if (Vitals.BY_KPI.contains(v.vital)
                || Vitals.SAMPLE_RATIO_P_VALUE.equals(v.vital)
                || Vitals.SAMPLE_RATIO_CUMULATIVE_P_VALUE.equals(v.vital)) return model.kpiDelayMs();
        if (v.vital.startsWith(Vitals.REALIZED_PREFIX) || v.vital.startsWith(Vitals.ESTIMATION_ERROR_PREFIX))
            return plus(model.labelHorizonMs(), model.windowSizeMs());
        return 0;
    }

    /**
     * How often an alert's checks come, so that it is not stale before two of them are missed: every window size for a
     * detector reading only the window-size grid ({@code gridOnly}) and for the cumulative sample-ratio test, drift at
     * its own cadence, else every slide.
     */
    static long checkCadenceMs(VitalRecord v, ModelSpec model, boolean gridOnly) {
        long size = model.windowSizeMs(), slide = model.windowSlideMs();
        if (gridOnly || Vitals.SAMPLE_RATIO_CUMULATIVE_P_VALUE.equals(v.vital)) return size;
        if (Vitals.DRIFT.contains(v.vital) && model.drift != null) return model.drift.cadenceMs(size, slide);
        return slide;
    }

    /** a + b for durations, at most Long.MAX_VALUE (an unbounded label horizon). */
    static long plus(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    /**
     * Whether a vital comes from the model's overlapping windows: windows of the model's size sliding by less. Silence
     * vitals have windows of their own, and the cumulative sample-ratio test already looks once per window size.
     */
    static boolean overlapping(VitalRecord v, ModelSpec model) {
        return model.windowSlideMs() < model.windowSizeMs()
                && v.windowEnd - v.windowStart == model.windowSizeMs()
                && !Vitals.SAMPLE_RATIO_CUMULATIVE_P_VALUE.equals(v.vital);
    }

    /**
     * With {@code gate: confidence_interval}, a proportion breaches only when its whole 95% Wilson interval
     * is past the threshold: accuracy &lt; 0.9 fires when the upper bound is below 0.9, not on a noisy dip.
     * With {@code gate: significance}, a KPI difference breaches only when its test's p-value is below alpha:
     * "challenger significantly worse" is {@code kpi_difference < 0} with that gate.
     */
    static boolean passesGate(RuleSpec rule, VitalRecord v) {
        if ("significance".equals(rule.gate))
            return v.pValue != null && v.pValue < (rule.alpha == null ? DEFAULT_ALPHA : rule.alpha);
        if (!"confidence_interval".equals(rule.gate) || v.ciLower == null) return true;
        return rule.op.startsWith("<") ? rule.breached(v.ciUpper) : rule.breached(v.ciLower);
    }

    /**
     * The default significance level of {@code gate: significance}. The test is repeated every window, so 0.05 raised
     * about 21 false alerts per 1,000 clean windows (docs/detection.md); 0.001 (two-sided, one direction breaches)
     * keeps it near 0.5. A persistent small difference is the job of a bernoulli_cusum on the challenger's kpi.
     */
    static final double DEFAULT_ALPHA = 0.001;

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
