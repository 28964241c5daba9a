package io.modelvitals.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.config.Args;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the benchmark harness working: a small run of every phase. Checks that it measures, not how fast. */
class BenchmarkITCase {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void aSmallRunProducesEveryFigure(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("benchmark.json");
        Benchmark.command(new Args(
                new String[] {
                    "benchmark",
                    "--events",
                    "30000",
                    "--pending-predictions",
                    "3000",
                    "--latency-seconds",
                    "6",
                    "--repeat",
                    "1",
                    "--warmup-runs",
                    "1",
                    "--out",
                    out.toString()
                },
                1));
        JsonNode figures = new ObjectMapper().readTree(out.toFile());
        assertEquals(30000, figures.path("events").asLong());
        assertTrue(figures.path("ceiling_records_per_s").asLong() > 0);
        for (String run : new String[] {"heap_tumbling", "rocksdb_tumbling", "heap_sliding"}) {
            assertTrue(figures.path(run).path("events_per_s").asLong() > 0, run);
            assertTrue(figures.path(run).path("cpu_us_per_event").asDouble() > 0, run);
        }
        for (String backend : new String[] {"state_hashmap", "state_rocksdb"}) {
            assertEquals(3000, figures.path(backend).path("pending_predictions").asLong());
            assertTrue(
                    figures.path(backend).path("bytes_per_pending_prediction").asDouble() > 10, backend);
        }
        assertTrue(figures.path("alert_latency_ms").path("alerts").asInt() > 0, "alerts were measured");
        assertTrue(figures.path("sliding_cost_vs_tumbling").asDouble() > 0);
    }
}
