package io.modelvitals.functions;

import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.OutputSample;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.PartialVitals;
import io.modelvitals.events.Prediction;
import org.apache.flink.util.OutputTag;

/** Every side output of the topology, in one place. */
public final class SideOutputs {
    /** Records the job could not use, from any operator. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    /** Join results whose window had already fired when they arrived. */
    public static final OutputTag<JoinResult> LATE_JOIN_RESULTS = new OutputTag<>("late-join-results") {};

    /** Predictions whose output-distribution window had already fired when they arrived. */
    public static final OutputTag<OutputSample> LATE_OUTPUT_SAMPLES = new OutputTag<>("late-output-samples") {};

    /** Each prediction the join accepted, once (duplicates and undeclared models removed), and each failed one. */
    public static final OutputTag<Prediction> ACCEPTED_PREDICTIONS = new OutputTag<>("accepted-predictions") {};

    /** Second-phase partials whose window had already been computed (after an idle subtask resumed). */
    public static final OutputTag<PartialVitals> LATE_QUALITY_PARTIALS = new OutputTag<>("late-quality-partials") {};
    public static final OutputTag<OutputSummary> LATE_OUTPUT_PARTIALS = new OutputTag<>("late-output-partials") {};

    /** Business events attributed to their prediction's version and segment, and each accepted prediction once (type prediction). */
    public static final OutputTag<AttributedEvent> ATTRIBUTED_EVENTS = new OutputTag<>("attributed-events") {};
    /** Attributed business events whose KPI pane had already been emitted when they arrived. */
    public static final OutputTag<AttributedEvent> LATE_ATTRIBUTED_EVENTS = new OutputTag<>("late-attributed-events") {};
    public static final OutputTag<KpiSummary> LATE_KPI_PARTIALS = new OutputTag<>("late-kpi-partials") {};

    private SideOutputs() {}
}
