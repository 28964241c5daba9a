package io.modelvitals.pane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.JoinResult;
import io.modelvitals.quality.JoinResultSlicer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.StreamFlatMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class SegmentSlicerTest {
    private static final MonitorSpec SPEC =
            SpecLoader.parse("models: [{name: m, segments: [country, device], segment_value_cap: 2}]\n", "test");

    private static JoinResult result(String country) {
        JoinResult r = new JoinResult();
        r.kind = JoinResult.PAIR;
        r.model = "m";
        r.version = "v1";
        r.predictionId = "p";
        r.segment = Map.of("country", country);
        return r;
    }

    private static List<String> slices(OneInputStreamOperatorTestHarness<JoinResult, JoinResult> h) {
        return h.extractOutputValues().stream()
                .map(r -> String.join(",", r.slices))
                .collect(Collectors.toList());
    }

    @Test
    void slicesByEachConfiguredKeyAndCapsDistinctValues() throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<JoinResult, JoinResult> h =
                new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new JoinResultSlicer(SPEC)))) {
            h.open();
            h.processElement(result("US"), 1);
            h.processElement(result("GB"), 2);
            h.processElement(result("DE"), 3);
            h.processElement(result("US"), 4);
            // No device attribute: only the population and the country slice.
            assertEquals(
                    List.of("all,country=US", "all,country=GB", "all,country=__other__", "all,country=US"),
                    slices(h),
                    "one record each, tagged with its slices");
            snapshot = h.snapshot(1, 5);
        }
        // After a restart the same values are admitted, so FR still goes to __other__ and GB is kept.
        try (OneInputStreamOperatorTestHarness<JoinResult, JoinResult> h =
                new OneInputStreamOperatorTestHarness<>(new StreamFlatMap<>(new JoinResultSlicer(SPEC)))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(result("FR"), 6);
            h.processElement(result("GB"), 7);
            assertEquals(List.of("all,country=__other__", "all,country=GB"), slices(h));
        }
    }
}
