package io.modelvitals.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.JoinResult;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.junit.jupiter.api.Test;

class ModelWindowAssignerTest {
    private final ModelWindowAssigner<JoinResult> assigner = ModelWindowAssigner.forJoinResults(SpecLoader.parse(String.join("\n",
            "defaults: {window: {size: 1m}}",
            "models:",
            "  - {name: sliding, window: {size: 30s, slide: 10s}}",
            ""), "test"));

    private List<TimeWindow> windows(String model, long ts) {
        JoinResult r = new JoinResult();
        r.model = model;
        r.ts = ts;
        return assigner.assignWindows(r, Long.MIN_VALUE, null).stream()
                .sorted(Comparator.comparingLong(TimeWindow::getStart)).collect(Collectors.toList());
    }

    @Test
    void windowsFollowEachModelsSpecAndTheResultsOwnTime() {
        assertEquals(List.of(new TimeWindow(0, 30_000), new TimeWindow(10_000, 40_000), new TimeWindow(20_000, 50_000)),
                windows("sliding", 25_000));
        assertEquals(List.of(new TimeWindow(0, 30_000), new TimeWindow(10_000, 40_000), new TimeWindow(20_000, 50_000)),
                windows("sliding", 29_999));
        assertEquals(List.of(new TimeWindow(10_000, 40_000), new TimeWindow(20_000, 50_000), new TimeWindow(30_000, 60_000)),
                windows("sliding", 30_000));
        assertEquals(List.of(new TimeWindow(60_000, 120_000)), windows("undeclared", 61_000), "defaults: tumbling 1m");
    }
}
