package io.modelvitals.pane;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.PaneRecord;
import io.modelvitals.vitals.Mergeable;
import io.modelvitals.vitals.Sliced;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * One stage's two-phase windowed aggregation, the single mechanism behind the quality vitals, the output
 * distribution and the KPIs. Phase 1 ({@link PaneAggregateOperator}) folds records into panes in the task that
 * produced them, so a hot model's traffic never crosses the network; phase 2 ({@link PaneWindowCombiner}) merges every
 * subtask's partials per (model, version, slice) and assembles windows from panes. A stage supplies only its fold
 * ({@link SlicedAggregator}), what a window becomes ({@link PaneWindowCombiner.WindowEmitter}), and its names.
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
    public final OutputTag<IN> lateRecords;

    public final OutputTag<PanePartial<A>> latePartials;

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
            String lateRecordsId,
            TypeInformation<IN> recordType,
            String latePartialsId) {
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
        this.lateRecords = new OutputTag<>(lateRecordsId, recordType);
        this.latePartials = new OutputTag<>(latePartialsId, partialType);
    }

    /** The two phases and their late outputs. */
    public static final class Result<IN, A extends Mergeable<A>, OUT> {
        public final SingleOutputStreamOperator<PanePartial<A>> partials;
        public final SingleOutputStreamOperator<OUT> windows;

        Result(SingleOutputStreamOperator<PanePartial<A>> partials, SingleOutputStreamOperator<OUT> windows) {
            this.partials = partials;
            this.windows = windows;
        }
    }

    public Result<IN, A, OUT> apply(DataStream<IN> sliced, MonitorSpec spec) {
        SingleOutputStreamOperator<PanePartial<A>> partials = sliced.transform(
                        firstName,
                        partialType,
                        new PaneAggregateOperator<>(spec, aggregator, TypeInformation.of(slicedType), lateRecords))
                .uid(firstUid);
        SingleOutputStreamOperator<OUT> windows = partials.keyBy(PanePartial::mergeKey, Types.STRING)
                .process(
                        new PaneWindowCombiner<>(
                                spec, aggregator::newSlice, emitter, TypeInformation.of(accumulatorType), latePartials),
                        TypeInformation.of(outType))
                .uid(secondUid)
                .name(secondName);
        return new Result<>(partials, windows);
    }
}
