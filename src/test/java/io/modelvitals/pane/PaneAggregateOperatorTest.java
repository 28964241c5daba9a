package io.modelvitals.pane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.JoinResult;
import io.modelvitals.quality.QualityAggregator;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.SlicedClassification;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/** The first phase: panes of one slide (here windows of 60 s sliding by 20 s), emitted when the watermark passes them. */
class PaneAggregateOperatorTest {
    private static final OutputTag<JoinResult> LATE = new OutputTag<>("late", TypeInformation.of(JoinResult.class));
    private static final MonitorSpec SPEC =
            SpecLoader.parse("models: [{name: m, window: {size: 1m, slide: 20s}}]\n", "test");

    private static OneInputStreamOperatorTestHarness<JoinResult, PanePartial<ClassificationAccumulator>> harness()
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new PaneAggregateOperator<>(
                SPEC, new QualityAggregator(SPEC), TypeInformation.of(SlicedClassification.class), LATE));
    }

    private static JoinResult pair(long ts, String actual, String predicted, String... slices) {
        JoinResult r = new JoinResult();
        r.kind = JoinResult.PAIR;
        r.model = "m";
        r.version = "v1";
        r.ts = ts;
        r.actualLabel = actual;
        r.predictedLabel = predicted;
        r.slices = List.of(slices);
        return r;
    }

    private static List<String> partials(
            OneInputStreamOperatorTestHarness<JoinResult, PanePartial<ClassificationAccumulator>> h) {
        return h.getOutput().stream()
                .map(o -> o instanceof StreamRecord
                        ? "partial " + ((PanePartial<?>) ((StreamRecord<?>) o).getValue()).slice + " ["
                                + ((PanePartial<?>) ((StreamRecord<?>) o).getValue()).windowStart
                                + "," + ((PanePartial<?>) ((StreamRecord<?>) o).getValue()).windowEnd + ") n="
                                + ((ClassificationAccumulator)
                                                ((PanePartial<?>) ((StreamRecord<?>) o).getValue()).accumulator)
                                        .classifiedPairs
                        : o.toString())
                .collect(Collectors.toList());
    }

    @Test
    void panesAreEmittedPerSliceBeforeTheWatermarkThatClosesThem() throws Exception {
        try (OneInputStreamOperatorTestHarness<JoinResult, PanePartial<ClassificationAccumulator>> h = harness()) {
            h.open();
            h.processElement(pair(5_000, "a", "a", "all", "country=US"), 5_000);
            h.processElement(pair(15_000, "a", "b", "all"), 15_000);
            h.processElement(pair(25_000, "b", "b", "all"), 25_000);
            assertEquals(0, h.getOutput().size(), "nothing before a watermark");
            h.processWatermark(new Watermark(19_999));
            List<String> out = partials(h);
            assertEquals(3, out.size(), out.toString());
            assertTrue(
                    out.subList(0, 2)
                            .containsAll(List.of("partial all [0,20000) n=2", "partial country=US [0,20000) n=1")),
                    out.toString());
            assertEquals("Watermark @ 19999", out.get(2), "the partials precede the watermark");
            h.processWatermark(new Watermark(39_999));
            assertTrue(partials(h).contains("partial all [20000,40000) n=1"));
        }
    }

    @Test
    void aRecordForAnEmittedPaneIsLateAndNotLost() throws Exception {
        try (OneInputStreamOperatorTestHarness<JoinResult, PanePartial<ClassificationAccumulator>> h = harness()) {
            h.open();
            h.processWatermark(new Watermark(40_000));
            h.processElement(pair(30_000, "a", "a", "all", "country=US"), 30_000);
            assertEquals(1, h.getSideOutput(LATE).size(), "once, not once per slice");
            h.processElement(pair(41_000, "a", "a", "all"), 41_000);
            assertEquals(1, h.getSideOutput(LATE).size());
        }
    }

    @Test
    void anIdleSubtaskEmitsItsOpenPanesAtOnce() throws Exception {
        try (OneInputStreamOperatorTestHarness<JoinResult, PanePartial<ClassificationAccumulator>> h = harness()) {
            h.open();
            h.processElement(pair(5_000, "a", "a", "all"), 5_000);
            h.processElement(pair(25_000, "a", "a", "all"), 25_000);
            h.processWatermarkStatus(org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.IDLE);
            List<String> out = partials(h);
            // Downstream stops waiting for an idle input: its panes go out before the idle status does.
            assertEquals(3, out.size(), out.toString());
            assertTrue(
                    out.containsAll(List.of("partial all [0,20000) n=1", "partial all [20000,40000) n=1")),
                    out.toString());
            assertTrue(out.get(2).contains("IDLE"), out.get(2));
        }
    }

    @Test
    void openPanesSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<JoinResult, PanePartial<ClassificationAccumulator>> h = harness()) {
            h.open();
            h.processElement(pair(5_000, "a", "a", "all"), 5_000);
            h.processElement(pair(6_000, "a", "b", "all"), 6_000);
            snapshot = h.snapshot(1, 7_000);
        }
        try (OneInputStreamOperatorTestHarness<JoinResult, PanePartial<ClassificationAccumulator>> h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(pair(7_000, "b", "b", "all"), 7_000);
            h.processWatermark(new Watermark(19_999));
            assertEquals(List.of("partial all [0,20000) n=3", "Watermark @ 19999"), partials(h));
        }
    }

    /**
     * With a delay D = 30 s (records of time t may arrive until the watermark passes their pane's end − 1 + 30 s), a
     * pane is not held until then: what it has is emitted each time the watermark crosses a slide boundary, so the
     * pane [0, 20 s) comes out twice, and a record is late only once 20 s − 1 + 30 s ≤ watermark.
     */
    @Test
    void withADelayPanesFlushAtEverySlideAndRecordsAreLateOnlyAfterTheDelay() throws Exception {
        try (OneInputStreamOperatorTestHarness<JoinResult, PanePartial<ClassificationAccumulator>> h =
                new OneInputStreamOperatorTestHarness<>(new PaneAggregateOperator<>(
                        SPEC,
                        new QualityAggregator(SPEC),
                        TypeInformation.of(SlicedClassification.class),
                        LATE,
                        model -> 30_000L))) {
            h.open();
            h.processElement(pair(5_000, "a", "a", "all"), 5_000);
            h.processElement(pair(15_000, "a", "b", "all"), 15_000);
            h.processWatermark(new Watermark(19_999)); // crosses the slide boundary at 20 s
            assertEquals(List.of("partial all [0,20000) n=2", "Watermark @ 19999"), partials(h));
            h.processElement(pair(10_000, "b", "b", "all"), 25_000); // behind the watermark, within the delay
            h.processWatermark(new Watermark(30_000)); // no boundary crossed: nothing flushed
            assertEquals(3, h.getOutput().size(), partials(h).toString());
            h.processWatermark(new Watermark(39_999)); // the boundary at 40 s: the pane's second partial
            assertEquals("partial all [0,20000) n=1", partials(h).get(3));
            assertEquals(
                    0, h.getSideOutput(LATE) == null ? 0 : h.getSideOutput(LATE).size());

            h.processWatermark(new Watermark(49_998));
            h.processElement(pair(19_999, "a", "a", "all"), 49_998); // end − 1 + D = 49 999 > 49 998: counts
            assertEquals(null, h.getSideOutput(LATE), "one millisecond before the boundary is not late");
            h.processWatermark(new Watermark(49_999));
            h.processElement(pair(0, "a", "a", "all"), 49_999); // end − 1 + D = 49 999 ≤ watermark: late
            assertEquals(1, h.getSideOutput(LATE).size(), "exactly at the boundary is late");
            h.processWatermark(new Watermark(59_999));
            List<String> out = partials(h);
            assertTrue(out.contains("partial all [0,20000) n=1"), out.toString());
            assertEquals(
                    2,
                    out.stream()
                            .filter(o -> o.equals("partial all [0,20000) n=1"))
                            .count(),
                    "the record at 19 999 came out at the boundary of 60 s, the late one did not: " + out);
        }
    }

    @Test
    void slideBoundaries() {
        assertTrue(PaneAggregateOperator.crossed(19_998, 19_999, 20_000), "19 999 is the last instant of [0, 20 s)");
        assertTrue(!PaneAggregateOperator.crossed(19_999, 39_998, 20_000));
        assertTrue(PaneAggregateOperator.crossed(Long.MIN_VALUE, 5, 20_000), "the first watermark flushes");
        assertTrue(PaneAggregateOperator.crossed(-1, 19_999, 20_000));
        assertTrue(PaneAggregateOperator.crossed(-2, -1, 20_000), "-1 is the last instant of [-20 s, 0)");
        assertTrue(!PaneAggregateOperator.crossed(-1, 19_998, 20_000));
    }
}
