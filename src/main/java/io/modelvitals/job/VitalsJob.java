package io.modelvitals.job;

import io.modelvitals.alerting.AlertLifecycleFunction;
import io.modelvitals.alerting.FalseDiscoveryControl;
import io.modelvitals.alerting.GoalEvaluator;
import io.modelvitals.alerting.RuleEvaluator;
import io.modelvitals.business.AttributedEventSlicer;
import io.modelvitals.business.DiscrepancyFunction;
import io.modelvitals.business.KpiComparisonFunction;
import io.modelvitals.business.KpiCumulativeComparisonFunction;
import io.modelvitals.business.KpiPanes;
import io.modelvitals.business.KpiVitalsFunction;
import io.modelvitals.config.Durations;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.estimation.EstimationPanes;
import io.modelvitals.estimation.EstimationSlicer;
import io.modelvitals.estimation.PerformanceEstimator;
import io.modelvitals.estimation.ScoredOutcomes;
import io.modelvitals.estimation.ScoredPredictions;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.EstimationSummary;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.Heartbeat;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Keys;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.Label;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.ScoredRecord;
import io.modelvitals.events.SideOutputs;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.events.WireTypeInfo;
import io.modelvitals.io.AlwaysIdleWatermarks;
import io.modelvitals.io.CorroboratedWatermarks;
import io.modelvitals.io.DeadLetterBlindWatermarks;
import io.modelvitals.io.JobSinks;
import io.modelvitals.io.JobSources;
import io.modelvitals.io.ValidRecordRouter;
import io.modelvitals.join.PredictionJoinOperator;
import io.modelvitals.operational.AbsenceDetector;
import io.modelvitals.operational.DeadLetterCounter;
import io.modelvitals.operational.Heartbeats;
import io.modelvitals.operational.VersionTracker;
import io.modelvitals.operational.VitalGauges;
import io.modelvitals.output.OutputDistributionVitals;
import io.modelvitals.output.OutputDriftFunction;
import io.modelvitals.output.OutputPanes;
import io.modelvitals.output.PredictionSlicer;
import io.modelvitals.pane.SegmentSlicer;
import io.modelvitals.quality.CohortJoinResultSlicer;
import io.modelvitals.quality.JoinResultSlicer;
import io.modelvitals.quality.QualityPanes;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.UnionTransformation;

/**
 * The model-vitals topology, top to bottom: sources → valid records → prediction–label join →
 * segment slices → two-phase windowed quality vitals; predictions → segment slices → two-phase
 * output distribution → drift against references; predictions + business events → attribution → segment
 * slices → two-phase KPIs → champion vs challengers; quality and KPI vitals → discrepancy; all vitals →
 * rules → alert lifecycle → sinks. Sources and sinks are
 * injected, so the same topology runs on Kafka, over replay files and in tests.
 */
public final class VitalsJob {
    private VitalsJob() {}

    /**
     * Settings every run needs: Kryo off, so a type that is not a POJO fails at once instead of slowing
     * down; object reuse on, so chained operators pass records without a defensive deep copy (no
     * function here keeps or mutates an input after emitting; see docs/benchmarks.md for the gain).
     */
    public static void configure(StreamExecutionEnvironment env) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        env.configure(conf);
    }

    /**
     * Bounded out-of-orderness per partition that a clock running ahead cannot move on its own (CorroboratedWatermarks),
     * idleness, and dead letters invisible to both. Idleness only for live (unbounded) inputs: it is measured in wall
     * time, so on replay files a reader starved of CPU was marked idle, the others' watermark ran ahead and the same files
     * gave 0 vitals and 699,486 late dead letters at a load of 50-60 (docs/benchmarks.md). A file that ends emits the
     * end-of-time watermark, so replay needs no idleness.
     */
    static WatermarkStrategy<InputRecord> watermarks(MonitorSpec spec, boolean live) {
        long outOfOrderness = Durations.parse(spec.job.maxOutOfOrderness).toMillis();
        WatermarkStrategy<InputRecord> corroborated =
                WatermarkStrategy.<InputRecord>forGenerator(ctx -> new CorroboratedWatermarks<>(
                        outOfOrderness,
                        ctx.getInputActivityClock(),
                        ctx.getMetricGroup().counter("recordsAheadOfStream")));
        WatermarkStrategy<InputRecord> events =
                live ? corroborated.withIdleness(Durations.parse(spec.job.idleness)) : corroborated;
        return WatermarkStrategy.<InputRecord>forGenerator(
                        ctx -> new DeadLetterBlindWatermarks(events.createWatermarkGenerator(ctx)))
                .withTimestampAssigner((record, kafkaTs) -> record.eventTime());
    }

    /**
     * The topology, one call per stage; each stage's dead letters go to {@code deadLetters}, written once at the end.
     * Operator uids and state names are savepoint contracts: see docs/architecture.md before changing one.
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env, MonitorSpec spec, JobSources sources, JobSinks sinks) {
        configure(env);
        DeadLetters deadLetters = new DeadLetters();
        Inputs inputs = inputs(env, spec, sources, deadLetters);
        SingleOutputStreamOperator<JoinResult> joined = join(spec, inputs, deadLetters);

        SingleOutputStreamOperator<OutputSummary> outputs = outputDistribution(spec, joined, deadLetters);
        DataStream<VitalRecord> vitals =
                quality(spec, joined, deadLetters).union(outputVitals(spec, outputs), drift(spec, outputs));
        if (inputs.withKpis) vitals = vitals.union(kpis(spec, joined, deadLetters));
        if (spec.hasAbsence()) vitals = vitals.union(absence(spec, joined));
        if (EstimationPanes.any(spec)) vitals = vitals.union(estimation(spec, joined, deadLetters));
        vitals = finite(vitals);
        if (spec.hasDiscrepancies()) vitals = vitals.union(discrepancies(spec, vitals));
        vitals = vitals.union(versions(outputs));
        if (spec.hasGoals()) vitals = vitals.union(goals(spec, vitals));

        DataStream<AlertRecord> alerts = alerts(env, spec, sources, vitals, deadLetters);
        sinks.vitals(vitals.map(new VitalGauges()).uid("vital-gauges").name("Vitals as metrics"));
        sinks.alerts(alerts);
        sinks.deadLetters(deadLetters
                .all()
                .map(new DeadLetterCounter())
                .uid("dead-letter-counter")
                .name("Count dead letters"));
        flushSummariesAtOnce(env, joined.getTransformation());
    }

    /**
     * After the first shuffle that follows the join, every record is a per-window summary (pane partials, vitals,
     * checks, alerts, heartbeats: a few per window and slice, 0.3% of the events), so every operator there flushes its
     * output at once instead of holding a network buffer for up to the buffer timeout (Flink's 100 ms by default) at
     * each of an alert's four to five hops: measured, at-least-once alerts were readable at p99 278-313 ms, 132-201 ms
     * with this (docs/benchmarks.md). Before that shuffle the records are per event (predictions, labels, scored
     * predictions, late records on their way to the dead letters) and keep the configured timeout, which batches them;
     * the pane pre-aggregation, whose one network output is its partials, flushes at once too (TwoPhaseAggregation).
     */
    private static void flushSummariesAtOnce(StreamExecutionEnvironment env, Transformation<?> join) {
        Map<Transformation<?>, Boolean> afterJoin = new IdentityHashMap<>();
        Map<Transformation<?>, Boolean> afterShuffle = new IdentityHashMap<>();
        Predicate<Transformation<?>> shuffleAfterJoin =
                t -> t instanceof PartitionTransformation && downstreamOf(t, input -> input == join, afterJoin);
        for (Transformation<?> t : env.getTransformations()) {
            if (downstreamOf(t, shuffleAfterJoin, afterShuffle)) t.setBufferTimeout(0);
        }
    }

    /** Whether one of {@code t}'s inputs, direct or not, is a {@code root}; memoized per {@code root}. */
    private static boolean downstreamOf(
            Transformation<?> t, Predicate<Transformation<?>> root, Map<Transformation<?>, Boolean> memo) {
        Boolean known = memo.get(t);
        if (known != null) return known;
        boolean downstream = false;
        for (Transformation<?> input : t.getInputs()) {
            if (root.test(input) || downstreamOf(input, root, memo)) {
                downstream = true;
                break;
            }
        }
        memo.put(t, downstream);
        return downstream;
    }

    /** The valid records of each input. */
    private static final class Inputs {
        SingleOutputStreamOperator<Prediction> predictions;
        SingleOutputStreamOperator<Label> labels;
        /** Null without a business-event input. */
        SingleOutputStreamOperator<BusinessEvent> businessEvents;

        boolean withKpis;
    }

    /** 1. Inputs, parsed in the source; records that cannot count go aside as dead letters. */
    private static Inputs inputs(
            StreamExecutionEnvironment env, MonitorSpec spec, JobSources sources, DeadLetters deadLetters) {
        WatermarkStrategy<InputRecord> watermarks =
                watermarks(spec, sources.predictions.getBoundedness() == Boundedness.CONTINUOUS_UNBOUNDED);
        Inputs in = new Inputs();
        in.predictions = env.fromSource(sources.predictions, watermarks, "Predictions")
                .uid("source-predictions")
                .process(new ValidRecordRouter<>(r -> r.prediction, p -> p.origin), WireTypeInfo.PREDICTIONS)
                .uid("valid-predictions")
                .name("Valid predictions");
        in.labels = env.fromSource(sources.labels, watermarks, "Labels")
                .uid("source-labels")
                .process(new ValidRecordRouter<>(r -> r.label, l -> l.origin), TypeInformation.of(Label.class))
                .uid("valid-labels")
                .name("Valid labels");
        deadLetters.add(in.predictions.getSideOutput(SideOutputs.DEAD_LETTERS));
        deadLetters.add(in.labels.getSideOutput(SideOutputs.DEAD_LETTERS));
        in.withKpis = sources.businessEvents != null && spec.hasKpis();
        if (sources.businessEvents != null) {
            // Without KPIs the events go no further: the router counts them as it takes them (the input ledger).
            in.businessEvents = env.fromSource(sources.businessEvents, watermarks, "Business events")
                    .uid("source-business-events")
                    .process(
                            new ValidRecordRouter<>(r -> r.businessEvent, e -> e.origin, !in.withKpis),
                            TypeInformation.of(BusinessEvent.class))
                    .uid("valid-business-events")
                    .name("Valid business events");
            deadLetters.add(in.businessEvents.getSideOutput(SideOutputs.DEAD_LETTERS));
        }
        return in;
    }

    /**
     * 2. Each prediction with what comes back about it, by prediction_id (spreads by itself): labels, and business
     * events when a model has KPIs. One state entry, one timer and one shuffle per prediction.
     */
    private static SingleOutputStreamOperator<JoinResult> join(MonitorSpec spec, Inputs in, DeadLetters deadLetters) {
        DataStream<Feedback> feedback = in.labels
                .map(l -> Feedback.of(l))
                .returns(WireTypeInfo.FEEDBACK)
                .uid("label-feedback")
                .name("Labels as feedback");
        if (in.withKpis) {
            feedback = feedback.union(in.businessEvents
                    .map(e -> Feedback.of(e))
                    .returns(WireTypeInfo.FEEDBACK)
                    .uid("event-feedback")
                    .name("Business events as feedback"));
        }
        SingleOutputStreamOperator<JoinResult> joined = in.predictions
                .connect(feedback)
                .keyBy(p -> p.predictionId, Feedback::key)
                .transform(
                        "Join predictions with labels and business events",
                        TypeInformation.of(JoinResult.class),
                        new PredictionJoinOperator(spec))
                .uid("prediction-label-join");
        deadLetters.add(joined.getSideOutput(SideOutputs.DEAD_LETTERS));
        return joined;
    }

    /** 3. Quality vitals, in two phases: partials per pane in the join's own task (no shuffle), then windows. */
    private static DataStream<VitalRecord> quality(
            MonitorSpec spec, DataStream<JoinResult> joined, DeadLetters deadLetters) {
        var quality = QualityPanes.of(spec)
                .apply(
                        joined.flatMap(new JoinResultSlicer(spec))
                                .uid("segment-slicer")
                                .name("Slice join results by segment"),
                        spec);
        deadLetters.add(quality.deadLetters);
        if (!spec.hasCohortQuality()) return quality.windows;
        // 3b. The same by the prediction's time, final once the labels can no longer come: only when a model's rules
        // watch it or a discrepancy needs it (it holds every window open for the label horizon).
        var cohort = QualityPanes.cohort(spec)
                .apply(
                        joined.flatMap(new CohortJoinResultSlicer(spec))
                                .uid("cohort-segment-slicer")
                                .name("Slice join results by segment, at prediction time"),
                        spec);
        deadLetters.add(cohort.deadLetters);
        return quality.windows.union(cohort.windows);
    }

    /** 4. The output distribution (no labels needed), in the same two phases. */
    private static SingleOutputStreamOperator<OutputSummary> outputDistribution(
            MonitorSpec spec, SingleOutputStreamOperator<JoinResult> joined, DeadLetters deadLetters) {
        var outputs = OutputPanes.of(spec)
                .apply(
                        joined.getSideOutput(SideOutputs.ACCEPTED_PREDICTIONS)
                                .flatMap(new PredictionSlicer(spec))
                                .uid("prediction-slicer")
                                .name("Slice predictions by segment"),
                        spec);
        deadLetters.add(outputs.deadLetters);
        return outputs.windows;
    }

    private static DataStream<VitalRecord> outputVitals(MonitorSpec spec, DataStream<OutputSummary> outputs) {
        return outputs.flatMap(new OutputDistributionVitals(spec))
                .uid("output-vitals")
                .name("Output distribution vitals");
    }

    /** Drift against the references; all versions of a model's slice meet here, so a challenger meets its champion. */
    private static DataStream<VitalRecord> drift(MonitorSpec spec, DataStream<OutputSummary> outputs) {
        return outputs.keyBy(OutputSummary::driftKey)
                .process(new OutputDriftFunction(spec))
                .uid("output-drift")
                .name("Output drift against references");
    }

    /**
     * 5. Business KPIs: events attributed by the join to their prediction's version and segment, in the same two
     * phases (the first chained in the join's task), then each challenger against the champion.
     */
    private static DataStream<VitalRecord> kpis(
            MonitorSpec spec, SingleOutputStreamOperator<JoinResult> joined, DeadLetters deadLetters) {
        var kpis = KpiPanes.of(spec)
                .apply(
                        joined.getSideOutput(SideOutputs.ATTRIBUTED_EVENTS)
                                .flatMap(new AttributedEventSlicer(spec))
                                .uid("event-slicer")
                                .name("Slice business events by segment"),
                        spec);
        deadLetters.add(kpis.deadLetters);
        DataStream<VitalRecord> kpiVitals = kpis.windows
                .flatMap(new KpiVitalsFunction(spec))
                .uid("kpi-vitals")
                .name("KPI vitals");
        DataStream<VitalRecord> comparisons = kpis.windows
                .keyBy(KpiSummary::comparisonKey)
                .process(new KpiComparisonFunction(spec))
                .uid("kpi-comparison")
                .name("Challengers against the champion");
        // Each window is a look at the sums since the experiment began: the always-valid test to alert on.
        DataStream<VitalRecord> cumulative = kpis.windows
                .keyBy(KpiSummary::comparisonKey)
                .process(new KpiCumulativeComparisonFunction(spec))
                .uid("kpi-cumulative-comparison")
                .name("Challengers against the champion since the experiment began");
        return kpiVitals.union(comparisons, cumulative);
    }

    /**
     * 6. Absence, the silent failure: heartbeats thinned where the records are (chained, no shuffle of the traffic),
     * then per (model, version, stream) silence in event time and, for idle topics, wall time.
     */
    private static DataStream<VitalRecord> absence(MonitorSpec spec, SingleOutputStreamOperator<JoinResult> joined) {
        DataStream<Heartbeat> heartbeats = joined.getSideOutput(SideOutputs.ACCEPTED_PREDICTIONS)
                .flatMap(new Heartbeats<Prediction>(
                        spec, Heartbeat.PREDICTIONS, p -> p.model, p -> p.version, p -> p.ts))
                .returns(Heartbeat.class)
                .uid("prediction-heartbeats")
                .name("Prediction heartbeats")
                .union(joined.filter(r -> !JoinResult.EXPIRED.equals(r.kind))
                        .uid("received-labels")
                        .name("Received labels")
                        .flatMap(new Heartbeats<JoinResult>(
                                spec, Heartbeat.LABELS, r -> r.model, r -> r.version, r -> r.labelTs))
                        .returns(Heartbeat.class)
                        .uid("label-heartbeats")
                        .name("Label heartbeats"));
        return heartbeats
                .keyBy(Heartbeat::key)
                .process(new AbsenceDetector(spec))
                .uid("absence")
                .name("Silence of predictions and labels");
    }

    /**
     * 6b. Performance estimated from calibrated scores before the labels (docs/estimation.md): scored predictions and,
     * once labelled, their outcomes, in the same two phases, then per version estimate and, when the labels are
     * final, outcome.
     */
    private static DataStream<VitalRecord> estimation(
            MonitorSpec spec, SingleOutputStreamOperator<JoinResult> joined, DeadLetters deadLetters) {
        DataStream<ScoredRecord> scored = joined.getSideOutput(SideOutputs.ACCEPTED_PREDICTIONS)
                .flatMap(new ScoredPredictions(spec))
                .uid("scored-predictions")
                .name("Scored predictions")
                .union(joined.flatMap(new ScoredOutcomes(spec))
                        .uid("scored-outcomes")
                        .name("Scored outcomes"));
        var estimation = EstimationPanes.of(spec)
                .apply(
                        scored.flatMap(new EstimationSlicer(spec))
                                .uid("estimation-slicer")
                                .name("Slice scores by segment"),
                        spec);
        deadLetters.add(estimation.deadLetters);
        return estimation
                .windows
                .keyBy(EstimationSummary::versionKey)
                .process(new PerformanceEstimator(spec))
                .uid("performance-estimation")
                .name("Performance estimated from scores, against outcomes");
    }

    /** A vital that overflowed (values near ±1e308) is not a number anyone can act on, nor valid JSON. */
    private static DataStream<VitalRecord> finite(DataStream<VitalRecord> vitals) {
        return atEachProducer(vitals, v -> Double.isFinite(v.value), "finite-vitals", "Finite vitals");
    }

    /**
     * A filter over a union of vitals, chained to each operator that makes them: applied after the union it would be a
     * task of its own (an operator with more than one input edge is never chained), a network hop, serialized and
     * deserialized, for every vital; chained, what it drops is never serialized at all (docs/benchmarks.md, "Vitals
     * filtered where they are made"). Each filter's uid is {@code uid@} its producer's uid. They hold no state, so
     * savepoints from before (one filter after the union, uid {@code uid}) restore: Flink skips an operator's empty
     * state.
     */
    private static DataStream<VitalRecord> atEachProducer(
            DataStream<VitalRecord> vitals, FilterFunction<VitalRecord> keep, String uid, String name) {
        DataStream<VitalRecord> kept = null;
        for (Transformation<VitalRecord> producer : producers(vitals.getTransformation())) {
            DataStream<VitalRecord> one = new DataStream<>(vitals.getExecutionEnvironment(), producer)
                    .filter(keep)
                    .uid(uid + "@" + producer.getUid())
                    .name(name)
                    .setParallelism(producer.getParallelism());
            kept = kept == null ? one : kept.union(one);
        }
        return kept;
    }

    /** The operators whose outputs a union (of unions) brings together. */
    @SuppressWarnings("unchecked")
    private static List<Transformation<VitalRecord>> producers(Transformation<VitalRecord> t) {
        if (!(t instanceof UnionTransformation)) {
            if (t.getUid() == null) throw new IllegalStateException("a producer of vitals without a uid: " + t);
            return List.of(t);
        }
        List<Transformation<VitalRecord>> all = new ArrayList<>();
        for (Transformation<?> input : t.getInputs()) all.addAll(producers((Transformation<VitalRecord>) input));
        return all;
    }

    /** When the model metric and the business metric disagree, that is itself a vital (and an alert). */
    private static DataStream<VitalRecord> discrepancies(MonitorSpec spec, DataStream<VitalRecord> vitals) {
        return atEachProducer(
                        vitals,
                        v -> DiscrepancyFunction.watches(spec, v),
                        "discrepancy-inputs",
                        "Quality and KPI vitals")
                .keyBy(DiscrepancyFunction::key)
                .process(new DiscrepancyFunction(spec))
                .uid("discrepancy")
                .name("Model metric against business metric");
    }

    /** The versions each model serves: shares, ages, new versions, and the age of the one serving most. */
    private static DataStream<VitalRecord> versions(DataStream<OutputSummary> outputs) {
        return outputs.filter(s -> SegmentSlicer.ALL.equals(s.slice))
                .uid("population-outputs")
                .name("Whole-population outputs")
                .keyBy(s -> s.model)
                .process(new VersionTracker())
                .uid("versions")
                .name("Versions per model");
    }

    /** Acceptability goals, over every vital above: met or not per window, and a rule each. */
    private static DataStream<VitalRecord> goals(MonitorSpec spec, DataStream<VitalRecord> vitals) {
        return atEachProducer(vitals, v -> GoalEvaluator.watches(spec, v), "goal-inputs", "Vitals with goals")
                .keyBy(GoalEvaluator::key)
                .process(new GoalEvaluator(spec))
                .uid("goals")
                .name("Acceptability goals");
    }

    /**
     * 7. Rules, changeable at runtime through a broadcast input, then false-discovery control across segments and
     * the alert lifecycle. One reader of rule sets: they are few, and a reader left without a partition would hold
     * back the watermark of everything downstream of the broadcast.
     */
    private static DataStream<AlertRecord> alerts(
            StreamExecutionEnvironment env,
            MonitorSpec spec,
            JobSources sources,
            DataStream<VitalRecord> vitals,
            DeadLetters deadLetters) {
        DataStream<ControlRecord> ruleSets = env.fromSource(
                        sources.rules, WatermarkStrategy.forGenerator(ctx -> new AlwaysIdleWatermarks<>()), "Rule sets")
                .setParallelism(1)
                .uid("source-rule-sets");
        SingleOutputStreamOperator<RuleCheck> checks = vitals.connect(ruleSets.broadcast(RuleEvaluator.RULE_SETS))
                .process(new RuleEvaluator(spec))
                .uid("rule-evaluator")
                .name("Evaluate rules");
        deadLetters.add(checks.getSideOutput(SideOutputs.DEAD_LETTERS));
        return checks.keyBy(c -> Keys.of(c.rule, c.model, c.version))
                .process(new FalseDiscoveryControl())
                .uid("false-discovery-control")
                .name("False discovery control across segments")
                .keyBy(RuleCheck::alertKey)
                .process(new AlertLifecycleFunction())
                .uid("alert-lifecycle")
                .name("Alert lifecycle");
    }
}
