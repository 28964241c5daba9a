package io.modelvitals.pane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.KpiSummary;
import io.modelvitals.vitals.KpiAccumulator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The second phase combines pane partials into each model's windows: "sliding" has 30 s windows every 10 s,
 * undeclared models tumbling 1 m windows. Partials carry a count of predictions, so each window's value is the
 * sum of its panes', worked out by hand below.
 */
class PaneWindowCombinerTest {
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "defaults: {window: {size: 1m}}",
                    "models:",
                    "  - {name: sliding, window: {size: 30s, slide: 10s}}",
                    ""),
            "test");

    private KeyedOneInputStreamOperatorTestHarness<String, PanePartial<KpiAccumulator>, KpiSummary> harness;
    private static final OutputTag<PanePartial<KpiAccumulator>> LATE =
            new OutputTag<>("late", new TypeHint<PanePartial<KpiAccumulator>>() {}.getTypeInfo());

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PaneWindowCombiner<>(
                        SPEC,
                        KpiAccumulator::new,
                        new SummaryTagger<KpiAccumulator, KpiSummary>(KpiSummary::new),
                        TypeInformation.of(KpiAccumulator.class),
                        LATE)),
                PanePartial::mergeKey,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void partial(String model, long paneStart, long paneSize, long predictions) throws Exception {
        PanePartial<KpiAccumulator> s = new PanePartial<>();
        s.model = model;
        s.version = "v1";
        s.slice = "all";
        s.windowStart = paneStart;
        s.windowEnd = paneStart + paneSize;
        s.accumulator = new KpiAccumulator();
        s.accumulator.predictions = predictions;
        harness.processElement(s, paneStart);
    }

    /** "start-end:predictions" of each window emitted so far, in order. */
    private List<String> windows() {
        return harness.extractOutputValues().stream()
                .map(s -> s.windowStart / 1000 + "-" + s.windowEnd / 1000 + ":" + s.accumulator.predictions)
                .collect(Collectors.toList());
    }

    @Test
    void aSlidingWindowIsTheSumOfItsPanes() throws Exception {
        partial("sliding", 0, 10_000, 1);
        partial("sliding", 0, 10_000, 2); // the same pane from another subtask
        partial("sliding", 10_000, 10_000, 4);
        partial("sliding", 20_000, 10_000, 8);
        partial("sliding", 40_000, 10_000, 16);
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        // Windows start at multiples of 10 s and hold the panes that start in them; none without a pane.
        assertEquals(
                List.of(
                        "-20-10:3", // pane 0
                        "-10-20:7", // panes 0, 10
                        "0-30:15", // panes 0, 10, 20
                        "10-40:12", // panes 10, 20
                        "20-50:24", // panes 20, 40
                        "30-60:16", // pane 40
                        "40-70:16"), // pane 40
                windows());
        assertEquals(0, harness.numKeyedStateEntries(), "every pane dropped after its last window");
    }

    @Test
    void tumblingWindowsMergeTheSubtasksPartials() throws Exception {
        partial("m", 0, 60_000, 5);
        partial("m", 0, 60_000, 7);
        partial("m", 60_000, 60_000, 1);
        harness.processWatermark(new Watermark(59_999));
        assertEquals(List.of("0-60:12"), windows());
        harness.processWatermark(new Watermark(119_999));
        assertEquals(List.of("0-60:12", "60-120:1"), windows());
    }

    @Test
    void aLatePartialCountsOnlyInWindowsStillOpenAndGoesAsideWhenAllAreClosed() throws Exception {
        partial("sliding", 0, 10_000, 1);
        harness.processWatermark(new Watermark(19_999)); // windows ending at 10 s and 20 s have fired
        partial("sliding", 10_000, 10_000, 2); // its windows end at 20 s (fired), 30 s and 40 s
        partial("m", 0, 60_000, 9); // its only window ends at 60 s: still open
        harness.processWatermark(new Watermark(59_999));
        partial("m", 0, 60_000, 100); // its window has fired
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(List.of("-20-10:1", "-10-20:1", "0-30:3", "10-40:2", "0-60:9"), windows());
        List<Long> late = harness.getSideOutput(LATE).stream()
                .map(StreamRecord::getValue)
                .map(s -> s.accumulator.predictions)
                .collect(Collectors.toList());
        assertEquals(List.of(100L), late);
    }

    /**
     * With a delay D = 30 s for "m" (undeclared: tumbling 1 m windows), the window [0, 60 s) is computed once, final, when the
     * watermark passes 60 s − 1 + 30 s: partials of its pane that come after its end still count; one after that is
     * late.
     */
    @Test
    void withADelayAWindowIsComputedOnceItsDelayHasPassed() throws Exception {
        harness.close();
        KeyedOneInputStreamOperatorTestHarness<String, PanePartial<KpiAccumulator>, KpiSummary> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new PaneWindowCombiner<>(
                                SPEC,
                                KpiAccumulator::new,
                                new SummaryTagger<KpiAccumulator, KpiSummary>(KpiSummary::new),
                                TypeInformation.of(KpiAccumulator.class),
                                LATE,
                                model -> 30_000L)),
                        PanePartial::mergeKey,
                        Types.STRING);
        harness = h; // closed by tearDown
        {
            h.open();
            partial("m", 0, 60_000, 5);
            h.processWatermark(new Watermark(59_999));
            assertEquals(List.of(), windows(), "not at the window's end");
            partial("m", 0, 60_000, 7); // the pane's next flush, after the window's end
            partial("m", 60_000, 60_000, 1);
            h.processWatermark(new Watermark(89_998));
            assertEquals(List.of(), windows());
            h.processWatermark(new Watermark(89_999)); // 60 s − 1 + 30 s
            assertEquals(List.of("0-60:12"), windows());
            partial("m", 0, 60_000, 100); // its only window has been computed
            assertEquals(1, h.getSideOutput(LATE).size());
            h.processWatermark(new Watermark(149_999));
            assertEquals(List.of("0-60:12", "60-120:1"), windows());
            assertEquals(0, h.numKeyedStateEntries(), "every pane dropped after its window");
        }
    }
}
