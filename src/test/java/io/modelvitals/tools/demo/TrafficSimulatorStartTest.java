package io.modelvitals.tools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * simulate --start: the compose deployment's traffic in the present. The same seed gives the same traffic moved
 * in time, and a second run's ids never meet the first's.
 */
class TrafficSimulatorStartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> predictions(TrafficSimulator simulator, int count) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        simulator.run(
                (stream, key, json) -> {
                    if (stream.equals("predictions") && out.size() < count) out.add(JSON.readTree(json));
                },
                null,
                () -> out.size() < count);
        return out;
    }

    @Test
    void parsesNowAndOffsetsAndInstants() {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        assertEquals(now, TrafficSimulator.parseStart("now", now));
        // 290 minutes before 10:00 is 05:10.
        assertEquals(Instant.parse("2026-12-02T05:10:00Z"), TrafficSimulator.parseStart("now-290m", now));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), TrafficSimulator.parseStart("2026-01-01T00:00:00Z", now));
        assertThrows(IllegalArgumentException.class, () -> TrafficSimulator.parseStart("yesterday", now));
    }

    @Test
    void theSameTrafficMovedToTheStart() throws Exception {
        Instant start = Instant.parse("2026-12-02T05:10:00Z");
        long shift = Duration.between(TrafficSimulator.START, start).toMillis();
        List<JsonNode> fixed = predictions(TrafficSimulator.demo(42), 500);
        TrafficSimulator moved = TrafficSimulator.demo(42).startingAt(start);
        List<JsonNode> present = predictions(moved, 500);
        assertEquals(fixed.size(), present.size());
        Set<String> fixedIds = new HashSet<>();
        for (int i = 0; i < fixed.size(); i++) {
            assertEquals(
                    fixed.get(i).get("ts").asLong() + shift,
                    present.get(i).get("ts").asLong(),
                    "record " + i);
            assertEquals(fixed.get(i).get("label"), present.get(i).get("label"));
            fixedIds.add(fixed.get(i).get("prediction_id").asText());
        }
        for (JsonNode p : present)
            assertTrue(!fixedIds.contains(p.get("prediction_id").asText()), p.toString());
        assertEquals(start.plus(Duration.ofMinutes(100)), moved.incidentStartsAt());
        assertEquals(start.plus(Duration.ofHours(5)), moved.endsAt());
    }
}
