package io.modelvitals.business;

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

/** The business KPIs' two phases: attributed events into panes, windows into KPI summaries. */
public final class KpiPanes {
    private KpiPanes() {}

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
                                "late: its KPI pane had already closed when this " + e.type + " was attributed",
                                e.origin,
                                OutputJson.describe(e),
                                "utf8"),
                        "late-kpi-partials",
                        "Late KPI partials",
                        acc -> acc.predictions + " predictions"));
    }
}
