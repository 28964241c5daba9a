package io.modelvitals;

import io.modelvitals.config.Durations;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.ControlRecord;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.Heartbeat;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.Label;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.PartialVitals;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.functions.AbsenceDetector;
import io.modelvitals.functions.GoalEvaluator;
import io.modelvitals.functions.SegmentSlicer;
import io.modelvitals.functions.VersionTracker;
import io.modelvitals.functions.VitalGauges;
import io.modelvitals.functions.AlertLifecycleFunction;
import io.modelvitals.functions.Heartbeats;
import io.modelvitals.functions.AttributedEventSlicer;
import io.modelvitals.functions.DiscrepancyFunction;
import io.modelvitals.functions.KpiAggregator;
import io.modelvitals.functions.KpiComparisonFunction;
import io.modelvitals.functions.KpiPartialsEmitter;
import io.modelvitals.functions.KpiSummaryMerger;
import io.modelvitals.functions.KpiSummaryTagger;
import io.modelvitals.functions.KpiVitalsFunction;
import io.modelvitals.functions.ClassificationAggregator;
import io.modelvitals.functions.ClassificationVitalsCollector;
import io.modelvitals.functions.PaneWindowCombiner;
import io.modelvitals.functions.PartialVitalsMerger;
import io.modelvitals.functions.PredictionJoinOperator;
import io.modelvitals.functions.RuleEvaluator;
import io.modelvitals.functions.DeadLetterCounter;
import io.modelvitals.functions.FalseDiscoveryControl;
import io.modelvitals.functions.JoinResultSlicer;
import io.modelvitals.functions.OutputAggregator;
import io.modelvitals.functions.OutputDistributionVitals;
import io.modelvitals.functions.OutputDriftFunction;
import io.modelvitals.functions.OutputPartialsEmitter;
import io.modelvitals.functions.PaneAggregateOperator;
import io.modelvitals.functions.PartialVitalsEmitter;
import io.modelvitals.functions.OutputSummaryMerger;
import io.modelvitals.functions.OutputSummaryTagger;
import io.modelvitals.functions.PredictionSlicer;
import io.modelvitals.functions.SideOutputs;
import io.modelvitals.functions.ValidRecordRouter;
import io.modelvitals.io.DeadLetterBlindWatermarks;
import io.modelvitals.io.AlwaysIdleWatermarks;
import io.modelvitals.io.JobSinks;
import io.modelvitals.io.JobSources;
import io.modelvitals.io.OutputJson;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.KpiAccumulator;
import io.modelvitals.vitals.OutputAccumulator;
import io.modelvitals.vitals.SlicedClassification;
import io.modelvitals.vitals.SlicedKpis;
import io.modelvitals.vitals.SlicedOutputs;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

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

    /** Bounded out-of-orderness per partition, idleness, and dead letters invisible to both. */
    static WatermarkStrategy<InputRecord> watermarks(MonitorSpec spec) {
        WatermarkStrategy<InputRecord> events = WatermarkStrategy
                .<InputRecord>forBoundedOutOfOrderness(Durations.parse(spec.job.maxOutOfOrderness))
                .withIdleness(Durations.parse(spec.job.idleness));
        return WatermarkStrategy.<InputRecord>forGenerator(ctx -> new DeadLetterBlindWatermarks(events.createWatermarkGenerator(ctx)))
                .withTimestampAssigner((record, kafkaTs) -> record.eventTime());
    }

    public static void defineWorkflow(StreamExecutionEnvironment env, MonitorSpec spec, JobSources sources, JobSinks sinks) {
        configure(env);
        WatermarkStrategy<InputRecord> watermarks = watermarks(spec);

        // 1. Inputs, parsed in the source; dead letters go aside.
        SingleOutputStreamOperator<Prediction> predictions = env
                .fromSource(sources.predictions, watermarks, "Predictions").uid("source-predictions")
                .process(new ValidRecordRouter<>(r -> r.prediction), TypeInformation.of(Prediction.class))
                .uid("valid-predictions").name("Valid predictions");
        SingleOutputStreamOperator<Label> labels = env
                .fromSource(sources.labels, watermarks, "Labels").uid("source-labels")
                .process(new ValidRecordRouter<>(r -> r.label), TypeInformation.of(Label.class))
                .uid("valid-labels").name("Valid labels");
        DataStream<DeadLetter> deadLetters = predictions.getSideOutput(SideOutputs.DEAD_LETTERS)
                .union(labels.getSideOutput(SideOutputs.DEAD_LETTERS));
        SingleOutputStreamOperator<BusinessEvent> businessEvents = null;
        if (sources.businessEvents != null) {
            businessEvents = env
                    .fromSource(sources.businessEvents, watermarks, "Business events").uid("source-business-events")
                    .process(new ValidRecordRouter<>(r -> r.businessEvent), TypeInformation.of(BusinessEvent.class))
                    .uid("valid-business-events").name("Valid business events");
            deadLetters = deadLetters.union(businessEvents.getSideOutput(SideOutputs.DEAD_LETTERS));
        }

        // 2. Join each prediction with what comes back about it, by prediction_id (spreads by itself): labels, and
        //    business events when a model has KPIs. One state entry, one timer and one shuffle per prediction.
        DataStream<Feedback> feedback = labels.map(l -> Feedback.of(l)).returns(Feedback.class).uid("label-feedback").name("Labels as feedback");
        boolean withKpis = businessEvents != null && spec.hasKpis();
        if (withKpis) {
            feedback = feedback.union(businessEvents.map(e -> Feedback.of(e)).returns(Feedback.class)
                    .uid("event-feedback").name("Business events as feedback"));
        }
        SingleOutputStreamOperator<JoinResult> joined = predictions
                .connect(feedback)
                .keyBy(p -> p.predictionId, Feedback::key)
                .transform("Join predictions with labels and business events", TypeInformation.of(JoinResult.class),
                        new PredictionJoinOperator(spec))
                .uid("prediction-label-join");

        // 3. Quality vitals in two phases: partials per pane in the join's own task (no shuffle), merged per
        //    (model, version, slice) into windows.
        SingleOutputStreamOperator<PartialVitals> partials = joined
                .flatMap(new JoinResultSlicer(spec)).uid("segment-slicer").name("Slice join results by segment")
                .transform("Pre-aggregate quality per pane", TypeInformation.of(PartialVitals.class),
                        new PaneAggregateOperator<>(spec, r -> r.model, r -> r.version, r -> r.ts, new ClassificationAggregator(spec),
                                TypeInformation.of(SlicedClassification.class), new PartialVitalsEmitter(), SideOutputs.LATE_JOIN_RESULTS))
                .uid("pane-vitals");
        SingleOutputStreamOperator<VitalRecord> qualityVitals = partials
                .keyBy(PartialVitals::mergeKey)
                .process(new PaneWindowCombiner<>(spec, new PartialVitalsMerger(), new ClassificationVitalsCollector(),
                        TypeInformation.of(ClassificationAccumulator.class), pv -> pv.windowStart, SideOutputs.LATE_QUALITY_PARTIALS))
                .returns(VitalRecord.class)
                .uid("vitals").name("Quality vitals per model, version and segment");

        // 4. Output distribution (no labels needed), in the same two phases, then drift against the references.
        SingleOutputStreamOperator<OutputSummary> outputPartials = joined.getSideOutput(SideOutputs.ACCEPTED_PREDICTIONS)
                .flatMap(new PredictionSlicer(spec)).uid("prediction-slicer").name("Slice predictions by segment")
                .transform("Pre-aggregate outputs per pane", TypeInformation.of(OutputSummary.class),
                        new PaneAggregateOperator<>(spec, s -> s.model, s -> s.version, s -> s.ts, new OutputAggregator(),
                                TypeInformation.of(SlicedOutputs.class), new OutputPartialsEmitter(), SideOutputs.LATE_OUTPUT_SAMPLES))
                .uid("pane-outputs");
        SingleOutputStreamOperator<OutputSummary> outputs = outputPartials
                .keyBy(OutputSummary::mergeKey)
                .process(new PaneWindowCombiner<>(spec, new OutputSummaryMerger(), new OutputSummaryTagger(),
                        TypeInformation.of(OutputAccumulator.class), o -> o.windowStart, SideOutputs.LATE_OUTPUT_PARTIALS))
                .returns(OutputSummary.class)
                .uid("outputs").name("Output distribution per model, version and segment");
        DataStream<VitalRecord> outputVitals = outputs
                .flatMap(new OutputDistributionVitals(spec)).uid("output-vitals").name("Output distribution vitals");
        DataStream<VitalRecord> driftVitals = outputs
                .keyBy(OutputSummary::driftKey)
                .process(new OutputDriftFunction(spec))
                .uid("output-drift").name("Output drift against references");
        deadLetters = deadLetters
                .union(qualityVitals.getSideOutput(SideOutputs.LATE_QUALITY_PARTIALS)
                        .map(pv -> new DeadLetter("late partial: a subtask's pane of " + pv.model + "/" + pv.version + "/" + pv.slice
                                + " (" + (pv.accumulator.classifiedPairs + pv.accumulator.regressionPairs) + " pairs, "
                                + pv.accumulator.expired + " expiries) came after window [" + pv.windowStart + ", " + pv.windowEnd
                                + ") was computed", null, null, null))
                        .returns(DeadLetter.class).uid("late-quality-partials").name("Late quality partials"))
                .union(outputs.getSideOutput(SideOutputs.LATE_OUTPUT_PARTIALS)
                        .map(s -> new DeadLetter("late partial: a subtask's pane of " + s.model + "/" + s.version + "/" + s.slice
                                + " (" + s.accumulator.predictions + " predictions) came after window [" + s.windowStart + ", "
                                + s.windowEnd + ") was computed", null, null, null))
                        .returns(DeadLetter.class).uid("late-output-partials").name("Late output partials"));

        // 5. Business KPIs: events attributed by the join to their prediction's version and segment, in the same two
        //    phases (the first chained in the join's task), then each challenger against the champion.
        DataStream<VitalRecord> allVitals = qualityVitals.union(outputVitals, driftVitals);
        if (withKpis) {
            SingleOutputStreamOperator<KpiSummary> kpiPartials = joined.getSideOutput(SideOutputs.ATTRIBUTED_EVENTS)
                    .flatMap(new AttributedEventSlicer(spec)).uid("event-slicer").name("Slice business events by segment")
                    .transform("Pre-aggregate KPIs per pane", TypeInformation.of(KpiSummary.class),
                            new PaneAggregateOperator<>(spec, e -> e.model, e -> e.version, e -> e.ts, new KpiAggregator(spec),
                                    TypeInformation.of(SlicedKpis.class), new KpiPartialsEmitter(), SideOutputs.LATE_ATTRIBUTED_EVENTS))
                    .uid("pane-kpis");
            SingleOutputStreamOperator<KpiSummary> kpis = kpiPartials
                    .keyBy(KpiSummary::mergeKey)
                    .process(new PaneWindowCombiner<>(spec, new KpiSummaryMerger(), new KpiSummaryTagger(),
                            TypeInformation.of(KpiAccumulator.class), k -> k.windowStart, SideOutputs.LATE_KPI_PARTIALS))
                    .returns(KpiSummary.class)
                    .uid("kpis").name("Business KPIs per model, version and segment");
            DataStream<VitalRecord> kpiVitals = kpis
                    .flatMap(new KpiVitalsFunction(spec)).uid("kpi-vitals").name("KPI vitals");
            DataStream<VitalRecord> comparisons = kpis
                    .keyBy(KpiSummary::comparisonKey)
                    .process(new KpiComparisonFunction(spec))
                    .uid("kpi-comparison").name("Challengers against the champion");
            allVitals = allVitals.union(kpiVitals, comparisons);
            deadLetters = deadLetters
                    .union(kpiPartials.getSideOutput(SideOutputs.LATE_ATTRIBUTED_EVENTS)
                            .map(e -> new DeadLetter("late: its KPI pane had already closed when this " + e.type + " was attributed",
                                    null, OutputJson.describe(e), "utf8"))
                            .returns(DeadLetter.class).uid("late-attributed-events").name("Late attributed events"))
                    .union(kpis.getSideOutput(SideOutputs.LATE_KPI_PARTIALS)
                            .map(k -> new DeadLetter("late partial: a subtask's pane of " + k.model + "/" + k.version + "/" + k.slice
                                    + " (" + k.accumulator.predictions + " predictions) came after window [" + k.windowStart + ", "
                                    + k.windowEnd + ") was computed", null, null, null))
                            .returns(DeadLetter.class).uid("late-kpi-partials").name("Late KPI partials"));
        }

        // 6. Absence, the silent failure: heartbeats thinned where the records are (chained, no shuffle of the
        //    traffic), then per (model, version, stream) silence in event time and, for idle topics, wall time.
        if (spec.hasAbsence()) {
            DataStream<Heartbeat> heartbeats = joined.getSideOutput(SideOutputs.ACCEPTED_PREDICTIONS)
                    .flatMap(new Heartbeats<Prediction>(spec, Heartbeat.PREDICTIONS, p -> p.model, p -> p.version, p -> p.ts))
                    .returns(Heartbeat.class).uid("prediction-heartbeats").name("Prediction heartbeats")
                    .union(joined
                            .filter(r -> !JoinResult.EXPIRED.equals(r.kind)).uid("received-labels").name("Received labels")
                            .flatMap(new Heartbeats<JoinResult>(spec, Heartbeat.LABELS, r -> r.model, r -> r.version, r -> r.labelTs))
                            .returns(Heartbeat.class).uid("label-heartbeats").name("Label heartbeats"));
            allVitals = allVitals.union(heartbeats
                    .keyBy(Heartbeat::key)
                    .process(new AbsenceDetector(spec))
                    .uid("absence").name("Silence of predictions and labels"));
        }

        // A vital that overflowed (values near ±1e308) is not a number anyone can act on, nor valid JSON.
        DataStream<VitalRecord> vitals = allVitals
                .filter(v -> Double.isFinite(v.value)).uid("finite-vitals").name("Finite vitals");
        if (spec.hasDiscrepancies()) {
            // When the model metric and the business metric disagree, that is itself a vital (and an alert).
            DataStream<VitalRecord> discrepancies = vitals
                    .filter(v -> DiscrepancyFunction.watches(spec, v)).uid("discrepancy-inputs").name("Quality and KPI vitals")
                    .keyBy(DiscrepancyFunction::key)
                    .process(new DiscrepancyFunction(spec))
                    .uid("discrepancy").name("Model metric against business metric");
            vitals = vitals.union(discrepancies);
        }
        // The versions each model serves: shares, ages, new versions, and the age of the one serving most.
        DataStream<VitalRecord> versions = outputs
                .filter(s -> SegmentSlicer.ALL.equals(s.slice)).uid("population-outputs").name("Whole-population outputs")
                .keyBy(s -> s.model)
                .process(new VersionTracker())
                .uid("versions").name("Versions per model");
        vitals = vitals.union(versions);
        if (spec.hasGoals()) {
            // Acceptability goals, over everything above: met or not per window, and a rule each.
            vitals = vitals.union(vitals
                    .filter(v -> GoalEvaluator.watches(spec, v)).uid("goal-inputs").name("Vitals with goals")
                    .keyBy(GoalEvaluator::key)
                    .process(new GoalEvaluator(spec))
                    .uid("goals").name("Acceptability goals"));
        }

        deadLetters = deadLetters
                .union(joined.getSideOutput(SideOutputs.DEAD_LETTERS))
                .union(partials.getSideOutput(SideOutputs.LATE_JOIN_RESULTS)
                        .map(r -> new DeadLetter("late: its pane had already closed when this join result arrived",
                                null, OutputJson.describe(r), "utf8"))
                        .returns(DeadLetter.class).uid("late-join-results").name("Late join results"))
                .union(outputPartials.getSideOutput(SideOutputs.LATE_OUTPUT_SAMPLES)
                        .map(s -> new DeadLetter("late: its pane had already closed when this prediction arrived",
                                null, OutputJson.describe(s), "utf8"))
                        .returns(DeadLetter.class).uid("late-output-samples").name("Late predictions"));

        // 7. Rules and the alert lifecycle.
        // One reader: rule sets are few, and a reader left without a partition would hold back the
        // watermark of everything downstream of the broadcast.
        DataStream<ControlRecord> ruleSets = env
                .fromSource(sources.rules, WatermarkStrategy.forGenerator(ctx -> new AlwaysIdleWatermarks<>()), "Rule sets")
                .setParallelism(1).uid("source-rule-sets");
        SingleOutputStreamOperator<RuleCheck> checks = vitals
                .connect(ruleSets.broadcast(RuleEvaluator.RULE_SETS))
                .process(new RuleEvaluator(spec)).uid("rule-evaluator").name("Evaluate rules");
        deadLetters = deadLetters.union(checks.getSideOutput(SideOutputs.DEAD_LETTERS));
        DataStream<AlertRecord> alerts = checks
                .keyBy(c -> c.rule + '\u001f' + c.model + '\u001f' + c.version)
                .process(new FalseDiscoveryControl()).uid("false-discovery-control").name("False discovery control across segments")
                .keyBy(RuleCheck::alertKey)
                .process(new AlertLifecycleFunction())
                .uid("alert-lifecycle").name("Alert lifecycle");

        // 8. Outputs.
        sinks.vitals(vitals.map(new VitalGauges()).uid("vital-gauges").name("Vitals as metrics"));
        sinks.alerts(alerts);
        sinks.deadLetters(deadLetters.map(new DeadLetterCounter()).uid("dead-letter-counter").name("Count dead letters"));
    }
}
