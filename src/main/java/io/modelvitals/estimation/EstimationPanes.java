package io.modelvitals.estimation;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.EstimationSummary;
import io.modelvitals.events.ScoredRecord;
import io.modelvitals.pane.PanePartial;
import io.modelvitals.pane.SummaryTagger;
import io.modelvitals.pane.TwoPhaseAggregation;
import io.modelvitals.vitals.EstimationAccumulator;
import io.modelvitals.vitals.SlicedEstimation;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The estimation stage's two phases: scored predictions and outcomes into panes, windows into summaries. */
public final class EstimationPanes {
    private EstimationPanes() {}

    /** Whether any model estimates its performance (the stage is not built otherwise). */
    public static boolean any(MonitorSpec spec) {
        for (ModelSpec m : spec.monitored()) if (m.estimation != null) return true;
        return false;
    }

    public static TwoPhaseAggregation<ScoredRecord, EstimationAccumulator, SlicedEstimation, EstimationSummary> of(
            MonitorSpec spec) {
        return new TwoPhaseAggregation<>(
                "pane-estimation",
                "Pre-aggregate scores per pane",
                "estimation-windows",
                "Scores and outcomes per model, version and segment",
                new EstimationAggregator(spec),
                SlicedEstimation.class,
                EstimationAccumulator.class,
                new TypeHint<PanePartial<EstimationAccumulator>>() {}.getTypeInfo(),
                new SummaryTagger<>(EstimationSummary::new),
                EstimationSummary.class,
                TypeInformation.of(ScoredRecord.class),
                new TwoPhaseAggregation.Late<>(
                        "late-scored-records",
                        "Late scored records",
                        // Not dead-lettered here: a scored prediction is an accepted prediction of the output
                        // stage, a scored outcome a pair of the quality stage, chained behind the same join with the
                        // same panes; this stage's watermark (the least of its two inputs from the join) is never
                        // ahead of theirs, so when a scored record is late here, its record was late there and was
                        // dead-lettered there, with its origin. Each late record is a dead letter once
                        // (docs/robustness.md); the skipped ones are counted (lateRecordsDeadLetteredElsewhere).
                        r -> null,
                        "late-estimation-partials",
                        "Late estimation partials",
                        acc -> acc.predictions.total() + " scored predictions"));
    }
}
