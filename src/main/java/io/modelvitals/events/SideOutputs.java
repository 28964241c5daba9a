package io.modelvitals.events;

import org.apache.flink.util.OutputTag;

/**
 * The side outputs that cross stages. Each two-phase stage declares its own late outputs (see
 * {@code TwoPhaseAggregation}).
 */
public final class SideOutputs {
    /** Records the job could not use, from any operator. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    /** Each prediction the join accepted, once (duplicates and undeclared models removed), and each failed one. */
    public static final OutputTag<Prediction> ACCEPTED_PREDICTIONS = new OutputTag<>("accepted-predictions") {};

    /** Business events attributed to their prediction's version and segment, and each accepted prediction once (type prediction). */
    public static final OutputTag<AttributedEvent> ATTRIBUTED_EVENTS = new OutputTag<>("attributed-events") {};

    private SideOutputs() {}
}
