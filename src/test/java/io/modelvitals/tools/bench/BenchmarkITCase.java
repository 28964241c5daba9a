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
    // A bound for a hang, not a speed check: under a load average of 60 (other builds on the 2 cores) the small
    // run took over 240 s.
    @Timeout(value = 480, unit = TimeUnit.SECONDS)
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
        assertTrue(figures.path("parse_only").path("cpu_us_per_event").asDouble() > 0, "parse-only ceiling");
        assertTrue(figures.path("heap_vs_parse_only").asDouble() > 0);
        assertTrue(figures.path("rocksdb_vs_heap").asDouble() > 0);
        for (String run : new String[] {"heap_tumbling", "rocksdb_tumbling", "heap_sliding"}) {
            assertTrue(figures.path(run).path("events_per_s").asLong() > 0, run);
            assertTrue(figures.path(run).path("cpu_us_per_event").asDouble() > 0, run);
            assertTrue(figures.path(run).path("jit_seconds").isNumber(), run + ": the JIT compiler's CPU beside it");
            // Each configuration is warmed up before its runs, by at most --warmup-runs runs.
            JsonNode warmup = figures.path("warmup").path(run);
            assertEquals(1, warmup.path("runs").asInt(), run + ": warmed up once");
            assertEquals(1, warmup.path("jit_share_of_cpu_per_run").size(), run);
        }
        for (String backend : new String[] {"state_hashmap", "state_rocksdb"}) {
            assertEquals(3000, figures.path(backend).path("pending_predictions").asLong());
            assertTrue(
                    figures.path(backend).path("bytes_per_pending_prediction").asDouble() > 10, backend);
        }
        assertTrue(figures.path("alert_latency_ms").path("alerts").asInt() > 0, "alerts were measured");
        assertTrue(figures.path("sliding_cost_vs_tumbling").asDouble() > 0);
    }

    /** The replay phases, each in a child JVM, on a few minutes of the multi-model traffic. */
    @Test
    @Timeout(value = 480, unit = TimeUnit.SECONDS)
    void theReplayPhasesProduceEveryFigure(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("replay.json");
        Benchmark.command(new Args(
                new String[] {
                    "benchmark",
                    "--phases",
                    "replay,scale,spread",
                    "--replay-hours",
                    "0.1",
                    "--spread-hours",
                    "0.1",
                    "--replay-repeat",
                    "1",
                    "--scale-parallelism",
                    "1,2",
                    "--spread-parallelism",
                    "2",
                    "--replay-dir",
                    dir.resolve("work").toString(),
                    "--out",
                    out.toString()
                },
                1));
        JsonNode figures = new ObjectMapper().readTree(out.toFile());
        JsonNode traffic = figures.path("traffic_3_models");
        long records = traffic.path("records").asLong();
        assertEquals(
                records,
                traffic.path("predictions").asLong()
                        + traffic.path("labels").asLong()
                        + traffic.path("impressions").asLong()
                        + traffic.path("plays").asLong());
        JsonNode replay = figures.path("replay").path("runs").get(0);
        assertEquals(records, replay.path("records").asLong(), "every line of the three files");
        assertTrue(replay.path("vitals").asLong() > 0);
        assertTrue(replay.path("peak_rss_mb").asLong() > 0);
        assertTrue(figures.path("replay_parse_only")
                        .path("cpu_us_per_event")
                        .path("min")
                        .asDouble()
                > 0);
        assertTrue(figures.path("scale")
                        .path("parallelism_2")
                        .path("cpu_us_per_event")
                        .path("min")
                        .asDouble()
                > 0);
        boolean join = false;
        for (JsonNode v : figures.path("spread").path("vertices")) {
            if (!v.path("name").asText().startsWith("Join predictions")) continue;
            join = true;
            long in = 0;
            for (JsonNode n : v.path("records_in")) in += n.asLong();
            assertEquals(
                    figures.path("traffic_1_models").path("records").asLong(),
                    in,
                    "the join reads every record of the hot-model traffic once");
        }
        assertTrue(join, "the join's subtasks were read from the REST API");
    }
}
