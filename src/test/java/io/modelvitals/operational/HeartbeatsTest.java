package io.modelvitals.operational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.Heartbeat;
import io.modelvitals.events.Prediction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Heartbeats are thinned by the wall clock, but never so much that event time looks silent. */
class HeartbeatsTest {
    private static final MonitorSpec SPEC =
            SpecLoader.parse("models: [{name: m, absence: {predictions: 10m}}, {name: quiet}]\n", "test");

    @Test
    void aCatchUpThroughHoursOfEventTimeStillBeatsEveryQuarterPeriod() throws Exception {
        Heartbeats<Prediction> beats =
                new Heartbeats<>(SPEC, Heartbeat.PREDICTIONS, p -> p.model, p -> p.version, p -> p.ts);
        beats.open(DefaultOpenContext.INSTANCE);
        List<Heartbeat> out = new ArrayList<>();
        Collector<Heartbeat> collector = new Collector<>() {
            @Override
            public void collect(Heartbeat h) {
                out.add(h);
            }

            @Override
            public void close() {}
        };
        // Two hours of event time, one prediction a second, processed in far less than a second of wall clock.
        for (int s = 0; s < 7_200; s++) {
            Prediction p = new Prediction();
            p.model = s % 2 == 0 ? "m" : "quiet";
            p.version = "v1";
            p.ts = s * 1_000L;
            beats.flatMap(p, collector);
        }
        List<Long> modelBeats = out.stream()
                .filter(h -> h.version.equals("all"))
                .map(h -> h.ts)
                .collect(java.util.stream.Collectors.toList());
        assertTrue(out.stream().allMatch(h -> h.model.equals("m")), "only models that watch their absence");
        // Every 2.5 minutes of event time (a quarter of 10 minutes): never a gap the detector could take for silence.
        for (int i = 1; i < modelBeats.size(); i++)
            assertTrue(modelBeats.get(i) - modelBeats.get(i - 1) <= 150_000 + 2_000);
        assertTrue(modelBeats.size() >= 7_200_000 / 150_000 / 2, "thinned: " + modelBeats.size());
        assertTrue(modelBeats.size() < 100, "but thinned: " + modelBeats.size());
        assertEquals(
                modelBeats.size(),
                out.stream().filter(h -> h.version.equals("v1")).count());
    }
}
