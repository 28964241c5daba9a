package io.modelvitals.pane;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.PaneRecord;
import io.modelvitals.vitals.Mergeable;
import io.modelvitals.vitals.Sliced;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;

/**
 * One stage's two-phase windowed aggregation, the single mechanism behind the quality vitals, the output
 * distribution and the KPIs. Phase 1 ({@link PaneAggregateOperator}) folds records into panes in the task that
 * produced them, so a hot model's traffic never crosses the network; phase 2 ({@link PaneWindowCombiner}) merges every
 * subtask's partials per (model, version, slice) and assembles windows from panes. A stage supplies only its fold
 * ({@link SlicedAggregator}), what a window becomes ({@link PaneWindowCombiner.WindowEmitter}), its names, and the
 * reasons of its late dead letters ({@link Late}).
 *
 * @param <IN> the records, already tagged with their slices
 * @param <A> one slice's accumulator
 * @param <S> the first phase's state: one accumulator per slice
 * @param <OUT> what a window becomes
 */
public final class TwoPhaseAggregation<IN extends PaneRecord, A extends Mergeable<A>, S extends Sliced<A>, OUT> {
    /** Stable operator ids and readable names of both phases. */
    public final String firstUid;

    public final String firstName;
    public final String secondUid;
    public final String secondName;
    public final SlicedAggregator<IN, A, S> aggregator;
    /** State types: their class names are written into savepoints. */
    public final Class<S> slicedType;

    public final Class<A> accumulatorType;
    /** The partials' type, spelled out: a generic POJO needs it. */
    public final TypeInformation<PanePartial<A>> partialType;

    public final PaneWindowCombiner.WindowEmitter<A, OUT> emitter;
    public final Class<OUT> outType;
    /** Records whose pane had already been emitted, and partials whose windows had all been computed. */
    final OutputTag<IN> lateRecords;

    final OutputTag<PanePartial<A>> latePartials;
    private final Late<IN, A> late;
    /** How long after a pane's end its records may still arrive, per model (0 for stages of event time). */
    public final PaneDelay delay;

    /**
     * What becomes of what comes too late: dead letters with a true reason. Each id names both the side output and
     * the operator that turns it into dead letters.
     *
     * @param asDeadLetter a record whose pane had already been emitted, as a dead letter; or null when another stage
     *     owns the lateness of this record and dead-letters it (so that it is dead-lettered once)
     * @param contents what a partial held, e.g. "12 predictions", so the loss can be judged
     */
    public record Late<IN, A>(
            String recordsId,
            String recordsName,
            MapFunction<IN, DeadLetter> asDeadLetter,
            String partialsId,
            String partialsName,
            SerializableFunction<A, String> contents) {}

    public TwoPhaseAggregation(
            String firstUid,
            String firstName,
            String secondUid,
            String secondName,
            SlicedAggregator<IN, A, S> aggregator,
            Class<S> slicedType,
            Class<A> accumulatorType,
            TypeInformation<PanePartial<A>> partialType,
            PaneWindowCombiner.WindowEmitter<A, OUT> emitter,
            Class<OUT> outType,
            TypeInformation<IN> recordType,
            Late<IN, A> late) {
        this(
                firstUid,
                firstName,
                secondUid,
                secondName,
                aggregator,
                slicedType,
                accumulatorType,
                partialType,
                emitter,
                outType,
                recordType,
                late,
                PaneDelay.NONE);
    }

    /** @param delay D per model: records of a pane may arrive until the watermark passes its end − 1 + D */
    public TwoPhaseAggregation(
            String firstUid,
            String firstName,
            String secondUid,
            String secondName,
            SlicedAggregator<IN, A, S> aggregator,
            Class<S> slicedType,
            Class<A> accumulatorType,
            TypeInformation<PanePartial<A>> partialType,
            PaneWindowCombiner.WindowEmitter<A, OUT> emitter,
            Class<OUT> outType,
            TypeInformation<IN> recordType,
            Late<IN, A> late,
            PaneDelay delay) {
        this.delay = delay;
        this.firstUid = firstUid;
        this.firstName = firstName;
        this.secondUid = secondUid;
        this.secondName = secondName;
        this.aggregator = aggregator;
        this.slicedType = slicedType;
        this.accumulatorType = accumulatorType;
        this.partialType = partialType;
        this.emitter = emitter;
        this.outType = outType;
        this.lateRecords = new OutputTag<>(late.recordsId(), recordType);
        this.latePartials = new OutputTag<>(late.partialsId(), partialType);
        this.late = late;
    }

    /** What a window becomes, and the dead letters of both phases (what came too late). */
    public static final class Result<OUT> {
        public final SingleOutputStreamOperator<OUT> windows;
        public final DataStream<DeadLetter> deadLetters;

        Result(SingleOutputStreamOperator<OUT> windows, DataStream<DeadLetter> deadLetters) {
            this.windows = windows;
            this.deadLetters = deadLetters;
        }
    }

    /** The dead letter of a record that came after its pane's windows were computed (the late side output's). */
    public DeadLetter lateDeadLetter(IN record) throws Exception {
        return lateDeadLetter(late.asDeadLetter(), record);
    }

    private static <IN> DeadLetter lateDeadLetter(MapFunction<IN, DeadLetter> asDeadLetter, IN record)
            throws Exception {
        DeadLetter d = asDeadLetter.map(record);
        // Every record here was counted by the join first: it misses this window, not every vital.
        if (d != null) d.afterCounting = true;
        return d;
    }

    public Result<OUT> apply(DataStream<IN> sliced, MonitorSpec spec) {
        SingleOutputStreamOperator<PanePartial<A>> partials = sliced.transform(
                        firstName,
                        partialType,
                        new PaneAggregateOperator<>(
                                spec, aggregator, TypeInformation.of(slicedType), lateRecords, delay))
                .uid(firstUid)
                // Its one network output is the partials, a few per pane and slice: sent at once, not after the
                // buffer timeout (the late records go to a chained map that keeps it). docs/architecture.md.
                .setBufferTimeout(0);
        SingleOutputStreamOperator<OUT> windows = partials.keyBy(PanePartial::mergeKey, Types.STRING)
                .process(
                        new PaneWindowCombiner<>(
                                spec,
                                aggregator::newSlice,
                                emitter,
                                TypeInformation.of(accumulatorType),
                                latePartials,
                                delay),
                        TypeInformation.of(outType))
                .uid(secondUid)
                .name(secondName);
        DataStream<DeadLetter> lateRecordsAsDeadLetters = partials.getSideOutput(lateRecords)
                .flatMap(new LateRecordDeadLetters<>(late.asDeadLetter()))
                .returns(DeadLetter.class)
                .uid(late.recordsId())
                .name(late.recordsName());
        SerializableFunction<A, String> contents = late.contents();
        DataStream<DeadLetter> latePartialsAsDeadLetters = windows.getSideOutput(latePartials)
                .map(p -> {
                    DeadLetter d = new DeadLetter(
                            "late partial: a subtask's pane of " + p.model + "/" + p.version + "/" + p.slice + " ("
                                    + contents.apply(p.accumulator) + ") came after window [" + p.windowStart + ", "
                                    + p.windowEnd + ") was computed",
                            null,
                            null,
                            null);
                    d.afterCounting = true; // many records, each already counted: in the ledger without an origin
                    return d;
                })
                .returns(DeadLetter.class)
                .uid(late.partialsId())
                .name(late.partialsName());
        return new Result<>(windows, lateRecordsAsDeadLetters.union(latePartialsAsDeadLetters));
    }
}
