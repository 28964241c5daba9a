package io.modelvitals.quality;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.io.OutputJson;
import io.modelvitals.pane.PanePartial;
import io.modelvitals.pane.TwoPhaseAggregation;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.SlicedClassification;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The quality vitals' two phases: join results into panes, windows into vital records (uids "pane-vitals", "vitals"). */
public final class QualityPanes {
    private QualityPanes() {}

    public static TwoPhaseAggregation<JoinResult, ClassificationAccumulator, SlicedClassification, VitalRecord> of(
            MonitorSpec spec) {
        return new TwoPhaseAggregation<>(
                "pane-vitals",
                "Pre-aggregate quality per pane",
                "vitals",
                "Quality vitals per model, version and segment",
                new QualityAggregator(spec),
                SlicedClassification.class,
                ClassificationAccumulator.class,
                new TypeHint<PanePartial<ClassificationAccumulator>>() {}.getTypeInfo(),
                new QualityVitalsCollector(),
                VitalRecord.class,
                TypeInformation.of(JoinResult.class),
                new TwoPhaseAggregation.Late<>(
                        "late-join-results",
                        "Late join results",
                        r -> new DeadLetter(
                                "late: its pane had already closed when this join result arrived",
                                r.origin,
                                OutputJson.describe(r),
                                "utf8"),
                        "late-quality-partials",
                        "Late quality partials",
                        acc -> (acc.classifiedPairs + acc.regressionPairs) + " pairs, " + acc.expired + " expiries"));
    }

    /**
     * Quality by the prediction's time (uids "pane-quality-cohort", "quality-cohort-windows"): the join results
     * restamped by {@link CohortJoinResultSlicer}, with the delay D = label horizon + late-label grace
     * ({@link io.modelvitals.config.ModelSpec#cohortQualityDelayMs}), so each window is computed once, when no label
     * of its predictions can count any more. Its vitals are marked {@code timeline: prediction}.
     */
    public static TwoPhaseAggregation<JoinResult, ClassificationAccumulator, SlicedClassification, VitalRecord> cohort(
            MonitorSpec spec) {
        return new TwoPhaseAggregation<>(
                "pane-quality-cohort",
                "Pre-aggregate quality per pane of prediction time",
                "quality-cohort-windows",
                "Quality vitals by prediction time per model, version and segment",
                new QualityAggregator(spec),
                SlicedClassification.class,
                ClassificationAccumulator.class,
                new TypeHint<PanePartial<ClassificationAccumulator>>() {}.getTypeInfo(),
                new QualityVitalsCollector(VitalRecord.PREDICTION_TIMELINE),
                VitalRecord.class,
                TypeInformation.of(JoinResult.class),
                new TwoPhaseAggregation.Late<>(
                        "late-cohort-join-results",
                        "Late join results by prediction time",
                        r -> new DeadLetter(
                                "late: the quality window of its prediction's time was already final (the watermark"
                                        + " had passed its end plus the label horizon and grace) when this "
                                        + r.kind + " arrived",
                                r.origin,
                                OutputJson.describe(r),
                                "utf8"),
                        "late-cohort-quality-partials",
                        "Late quality partials by prediction time",
                        acc -> (acc.classifiedPairs + acc.regressionPairs) + " pairs, " + acc.expired + " expiries"),
                ModelSpec::cohortQualityDelayMs);
    }
}
