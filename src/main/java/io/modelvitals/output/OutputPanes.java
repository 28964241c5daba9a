package io.modelvitals.output;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.OutputSample;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.io.OutputJson;
import io.modelvitals.pane.PanePartial;
import io.modelvitals.pane.SummaryTagger;
import io.modelvitals.pane.TwoPhaseAggregation;
import io.modelvitals.vitals.OutputAccumulator;
import io.modelvitals.vitals.SlicedOutputs;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The output distribution's two phases: predictions into panes, windows into output summaries. */
public final class OutputPanes {
    private OutputPanes() {}

    public static TwoPhaseAggregation<OutputSample, OutputAccumulator, SlicedOutputs, OutputSummary> of(
            MonitorSpec spec) {
        return new TwoPhaseAggregation<>(
                "pane-outputs",
                "Pre-aggregate outputs per pane",
                "outputs",
                "Output distribution per model, version and segment",
                new OutputAggregator(spec),
                SlicedOutputs.class,
                OutputAccumulator.class,
                new TypeHint<PanePartial<OutputAccumulator>>() {}.getTypeInfo(),
                new SummaryTagger<>(OutputSummary::new),
                OutputSummary.class,
                TypeInformation.of(OutputSample.class),
                new TwoPhaseAggregation.Late<>(
                        "late-output-samples",
                        "Late predictions",
                        s -> new DeadLetter(
                                "late: its pane had already closed when this prediction arrived",
                                s.origin,
                                OutputJson.describe(s),
                                "utf8"),
                        "late-output-partials",
                        "Late output partials",
                        acc -> acc.predictions + " predictions"));
    }
}
