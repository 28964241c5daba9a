package io.modelvitals.business;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.io.OutputJson;
import io.modelvitals.pane.PanePartial;
import io.modelvitals.pane.SummaryTagger;
import io.modelvitals.pane.TwoPhaseAggregation;
import io.modelvitals.vitals.KpiAccumulator;
import io.modelvitals.vitals.SlicedKpis;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The business KPIs' two phases: attributed events into panes, windows into KPI summaries. Records count at their
 * prediction's time and arrive up to the model's attribution window later, so the stage's delay D is the attribution
 * window ({@link #delayMs}): a window is emitted once, final, when the watermark passes its end − 1 + D.
 */
public final class KpiPanes {
    private KpiPanes() {}

    /**
     * D of the KPI stage: the attribution window. The join attributes an event only while its prediction's state lives
     * (the watermark before the attribution window's end, for an event on time), and the watermark already trails the
     * events by job.max_out_of_orderness, so an event on time is never late here; one that is later still goes to the
     * dead letters with its reason.
     */
    public static long delayMs(ModelSpec model) {
        return model.kpiDelayMs();
    }

    public static TwoPhaseAggregation<AttributedEvent, KpiAccumulator, SlicedKpis, KpiSummary> of(MonitorSpec spec) {
        return new TwoPhaseAggregation<>(
                "pane-kpis",
                "Pre-aggregate KPIs per pane",
                "kpis",
                "Business KPIs per model, version and segment",
                new KpiAggregator(spec),
                SlicedKpis.class,
                KpiAccumulator.class,
                new TypeHint<PanePartial<KpiAccumulator>>() {}.getTypeInfo(),
                new SummaryTagger<>(KpiSummary::new),
                KpiSummary.class,
                TypeInformation.of(AttributedEvent.class),
                new TwoPhaseAggregation.Late<>(
                        "late-attributed-events",
                        "Late attributed events",
                        e -> new DeadLetter(
                                "late: the KPI window of its prediction's time was already final (the watermark had"
                                        + " passed its end plus the attribution window) when this " + e.type
                                        + " was attributed",
                                e.origin,
                                OutputJson.describe(e),
                                "utf8"),
                        "late-kpi-partials",
                        "Late KPI partials",
                        acc -> acc.predictions + " predictions"),
                KpiPanes::delayMs);
    }
}
