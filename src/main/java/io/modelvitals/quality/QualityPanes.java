package io.modelvitals.quality;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.VitalRecord;
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
                "late-join-results",
                TypeInformation.of(JoinResult.class),
                "late-quality-partials");
    }
}
