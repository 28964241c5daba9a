package io.modelvitals.business;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.KpiIncrement;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.events.Origin;
import io.modelvitals.pane.PaneAggregateOperator;
import io.modelvitals.pane.PanePartial;
import io.modelvitals.pane.TwoPhaseAggregation;
import io.modelvitals.vitals.KpiAccumulator;
import io.modelvitals.vitals.SlicedKpis;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The KPI stage's first phase with its delay: one-minute windows, a two-minute attribution window, so a record of a
 * prediction made in [0, 60 s) is late only once the watermark reaches 60 s − 1 + 120 s = 179 999 ms.
 */
class KpiPanesTest {
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "models:",
                    "  - name: rec",
                    "    window: {size: 1m}",
                    "    attribution_window: 2m",
                    "    kpis:",
                    "      - {name: take_rate, numerator: {events: [play]}, denominator: {events: [impression]}}",
                    ""),
            "test");
    private static final OutputTag<AttributedEvent> LATE =
            new OutputTag<>("late", TypeInformation.of(AttributedEvent.class));

    private static AttributedEvent play(long predictionTs, long offset) {
        AttributedEvent e = new AttributedEvent();
        e.model = "rec";
        e.version = "v1";
        e.type = "play";
        e.value = 60.0;
        e.ts = predictionTs;
        e.slices = List.of("all");
        e.origin = new Origin("business-events", 0, offset);
        // Its prediction already had its impression: (0, 1) → (1, 1).
        KpiIncrement i = new KpiIncrement();
        i.kpi = "take_rate";
        i.dx = 1;
        i.dxx = 1;
        i.dxy = 1;
        e.increments = List.of(i);
        return e;
    }

    @Test
    void aRecordIsLateOnlyOnceItsWindowIsFinalAndItsDeadLetterSaysWhy() throws Exception {
        TwoPhaseAggregation<AttributedEvent, KpiAccumulator, SlicedKpis, KpiSummary> kpis = KpiPanes.of(SPEC);
        assertEquals(120_000L, kpis.delay.ms(SPEC.model("rec")));
        try (OneInputStreamOperatorTestHarness<AttributedEvent, PanePartial<KpiAccumulator>> h =
                new OneInputStreamOperatorTestHarness<>(new PaneAggregateOperator<>(
                        SPEC, kpis.aggregator, TypeInformation.of(kpis.slicedType), LATE, kpis.delay))) {
            h.open();
            h.processWatermark(new Watermark(179_998));
            h.processElement(new StreamRecord<>(play(30_000, 7), 179_998));
            assertNull(h.getSideOutput(LATE), "a millisecond before the window is final: counted");
            h.processWatermark(new Watermark(179_999));
            AttributedEvent late = play(59_999, 8);
            h.processElement(new StreamRecord<>(late, 179_999));
            assertEquals(1, h.getSideOutput(LATE).size(), "at 60 s − 1 + 120 s the window [0, 60 s) is final");

            // The counted play went out in a partial of its prediction's pane, with its unit's increments.
            @SuppressWarnings("unchecked")
            PanePartial<KpiAccumulator> partial =
                    (PanePartial<KpiAccumulator>) ((StreamRecord<?>) h.getOutput().stream()
                                    .filter(o -> o instanceof StreamRecord)
                                    .findFirst()
                                    .orElseThrow())
                            .getValue();
            assertEquals(0, partial.windowStart);
            assertEquals(Map.of("take_rate", 1.0), partial.accumulator.numerators);
            assertEquals(Map.of("take_rate", 1.0), partial.accumulator.crossProducts);

            DeadLetter d = kpis.lateDeadLetter(late);
            assertTrue(
                    d.reason.startsWith("late: the KPI window of its prediction's time was already final"), d.reason);
            assertTrue(d.reason.contains("attribution window"), d.reason);
            assertEquals(new Origin("business-events", 0, 8), d.origin);
            assertTrue(d.afterCounting, "the join had counted it: a partial loss, in the ledger as such");
        }
    }
}
