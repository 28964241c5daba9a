package io.modelvitals.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.config.Vitals;
import io.modelvitals.events.OutputSample;
import io.modelvitals.events.OutputSummary;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.vitals.OutputAccumulator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Windows of 60 s; champion by traffic; previous = the adjacent window; fixed = the first 2 windows; baseline shares. */
class OutputDriftFunctionTest {
    private static final long W = 60_000;
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "models:",
                    "  - name: m",
                    "    window: {size: 1m}",
                    "    drift:",
                    "      min_samples: 10",
                    "      fixed_windows: 2",
                    "      baseline: {class_shares: {a: 0.5, b: 0.5}}",
                    ""),
            "test");

    private KeyedOneInputStreamOperatorTestHarness<String, OutputSummary, VitalRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = open(SPEC);
    }

    /** The operator on a harness, opened; the tests that use another spec make it the current one. */
    private static KeyedOneInputStreamOperatorTestHarness<String, OutputSummary, VitalRecord> open(MonitorSpec spec)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, OutputSummary, VitalRecord> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new OutputDriftFunction(spec)),
                        OutputSummary::driftKey,
                        Types.STRING);
        h.open();
        return h;
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** A summary of window k for a version with {@code a} outputs of class a and {@code b} of class b. */
    private void summary(int k, String version, int a, int b) throws Exception {
        summary(k * W, (k + 1) * W, version, a, b);
    }

    private void summary(long start, long end, String version, int a, int b) throws Exception {
        OutputAccumulator acc = new OutputAccumulator();
        for (int i = 0; i < a + b; i++) {
            OutputSample s = new OutputSample();
            s.label = i < a ? "a" : "b";
            OutputAggregator.fold(acc, s);
        }
        OutputSummary s = new OutputSummary();
        s.model = "m";
        s.version = version;
        s.slice = "all";
        s.windowStart = start;
        s.windowEnd = end;
        s.accumulator = acc;
        harness.processElement(s, s.windowEnd - 1);
    }

    /** Windows kept for the "previous" reference, for model m and the slice "all". */
    private int historyEntries() throws Exception {
        OutputSummary key = new OutputSummary();
        key.model = "m";
        key.slice = "all";
        KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key.driftKey());
        // The state is registered by the operator: the backend returns it by name.
        MapState<String, OutputSummary> history = backend.getPartitionedState(
                VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                new MapStateDescriptor<>("drift-history", Types.STRING, TypeInformation.of(OutputSummary.class)));
        int n = 0;
        for (String ignored : history.keys()) n++;
        return n;
    }

    private void closeWindow(int k) throws Exception {
        harness.processWatermark(new Watermark((k + 1) * W - 1));
    }

    private List<VitalRecord> psi(String reference) {
        return harness.extractOutputValues().stream()
                .filter(v -> v.vital.equals(Vitals.CLASS_PSI) && v.reference.equals(reference))
                .collect(Collectors.toList());
    }

    @Test
    void comparesEachWindowWithEveryReference() throws Exception {
        summary(0, "v1", 50, 50);
        summary(0, "v2", 10, 10);
        assertEquals(0, harness.extractOutputValues().size(), "nothing before the watermark passes the window");
        closeWindow(0);
        // Window 0: champion v1 (most traffic), so only v2 is compared with it; no previous; fixed is capturing.
        assertEquals(1, psi("champion").size());
        assertEquals("v2", psi("champion").get(0).version);
        assertEquals(0.0, psi("champion").get(0).value, 1e-12);
        assertEquals(0, psi("previous").size());
        assertEquals(0, psi("fixed").size());
        assertEquals(2, psi("baseline").size());

        summary(1, "v1", 30, 70);
        summary(1, "v2", 4, 4);
        closeWindow(1);
        VitalRecord previous = psi("previous").stream()
                .filter(v -> v.version.equals("v1"))
                .findFirst()
                .orElseThrow();
        assertEquals(Drift.psi(new double[] {0.3, 0.7}, new double[] {0.5, 0.5}), previous.value, 1e-12);
        assertEquals(2 * W, previous.windowEnd);
        assertTrue(
                psi("previous").stream().noneMatch(v -> v.version.equals("v2")), "v2 has 8 < min_samples in window 1");

        summary(2, "v1", 40, 60);
        closeWindow(2);
        // Fixed reference of v1: windows 0 and 1, 80 a and 120 b.
        VitalRecord fixed = psi("fixed").stream()
                .filter(v -> v.windowEnd == 3 * W)
                .findFirst()
                .orElseThrow();
        assertEquals(Drift.psi(new double[] {0.4, 0.6}, new double[] {0.4, 0.6}), fixed.value, 1e-12);
        VitalRecord baseline = psi("baseline").stream()
                .filter(v -> v.windowEnd == 3 * W)
                .findFirst()
                .orElseThrow();
        assertEquals(Drift.psi(new double[] {0.4, 0.6}, new double[] {0.5, 0.5}), baseline.value, 1e-12);
        assertEquals(0, harness.numEventTimeTimers(), "every window's timer has fired");
    }

    @Test
    void aNamedChampionWinsOverTraffic() throws Exception {
        MonitorSpec spec = SpecLoader.parse(
                "models: [{name: m, window: {size: 1m}, drift: {min_samples: 1, champion: v1}}]\n", "test");
        try (KeyedOneInputStreamOperatorTestHarness<String, OutputSummary, VitalRecord> h = open(spec)) {
            harness = h;
            summary(0, "v1", 1, 1);
            summary(0, "v2", 90, 10);
            closeWindow(0);
            assertEquals(
                    List.of("v2"), psi("champion").stream().map(v -> v.version).collect(Collectors.toList()));
        }
    }

    @Test
    void historyStaysBounded() throws Exception {
        for (int k = 0; k < 50; k++) {
            summary(k, "v1", 50, 50);
            closeWindow(k);
        }
        // pending: empty; history: the last window; fixed: one entry (v1) — one key, three states.
        assertEquals(2, harness.numKeyedStateEntries());
        assertEquals(1, historyEntries());
        assertEquals(49, psi("previous").size());
    }

    /**
     * A 2-minute window sliding by 1 minute. By default only the windows that start on a multiple of 2 minutes are
     * compared, each with the one 2 minutes earlier; with every: slide, each window is. PSI by hand: Σ (p − q) ln(p / q).
     */
    @ParameterizedTest
    @ValueSource(strings = {"window", "slide"})
    void slidingWindowsAreComparedOncePerWindowSizeUnlessEverySlide(String every) throws Exception {
        MonitorSpec spec = SpecLoader.parse(
                "models: [{name: m, window: {size: 2m, slide: 1m},"
                        + " drift: {min_samples: 1, references: [previous], every: " + every + "}}]\n",
                "test");
        // The window [k, k + 2) minutes: its a and b outputs.
        int[][] counts = {{50, 50}, {30, 70}, {40, 60}, {20, 80}, {60, 40}, {10, 90}};
        try (KeyedOneInputStreamOperatorTestHarness<String, OutputSummary, VitalRecord> h = open(spec)) {
            harness = h;
            for (int k = 0; k < counts.length; k++) {
                long end = (k + 2) * W;
                summary(k * W, end, "v1", counts[k][0], counts[k][1]);
                harness.processWatermark(new Watermark(end - 1));
                List<VitalRecord> out =
                        psi("previous").stream().filter(v -> v.windowEnd == end).collect(Collectors.toList());
                // The window ending at (k + 2) minutes, against the one ending 2 minutes earlier (window k − 2).
                boolean compared = k >= 2 && ("slide".equals(every) || (k + 2) % 2 == 0);
                assertEquals(compared ? 1 : 0, out.size(), "window ending at minute " + (k + 2));
                if (compared) {
                    double p = counts[k][0] / 100.0, q = counts[k - 2][0] / 100.0;
                    double byHand = (p - q) * Math.log(p / q) + (q - p) * Math.log((1 - p) / (1 - q));
                    assertEquals(byHand, out.get(0).value, 1e-12);
                }
            }
            // History holds what the next compared windows need: once per window size, the window ending at minute 6
            // (for the one ending at 8); at every slide, those ending at minutes 6 and 7 (for 8 and 9).
            assertEquals("slide".equals(every) ? 2 : 1, historyEntries());
        }
    }
}
