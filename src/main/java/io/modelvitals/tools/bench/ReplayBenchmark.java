package io.modelvitals.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.config.Args;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's replay phases (docs/benchmarks.md), each run in a JVM of its own ({@link ReplayRun}) on files of
 * {@link RealisticTraffic}:
 *
 * <ul>
 *   <li>{@code replay}: the full replay and the parse-only ceiling on the same files, interleaved, {@code
 *       --replay-repeat} runs each: events/s, CPU µs per event, peak RSS;
 *   <li>{@code scale}: the full replay of one hot model and version at each of {@code --scale-parallelism} (1,2,4),
 *       interleaved: CPU µs per event;
 *   <li>{@code spread}: one hot model, one version, at {@code --spread-parallelism} (8): records in and busy time
 *       per subtask of every job vertex, from Flink's own metrics.
 * </ul>
 */
final class ReplayBenchmark {
    private final Map<String, Object> figures;
    private final Path work;
    private final String heap;
    private final List<String> jvmArgs;
    private final Path spec;

    private ReplayBenchmark(Map<String, Object> figures, Path work, String heap, List<String> jvmArgs, Path spec) {
        this.figures = figures;
        this.work = work;
        this.heap = heap;
        this.jvmArgs = jvmArgs;
        this.spec = spec;
    }

    static void run(Args flags, List<String> phases, Map<String, Object> figures) throws Exception {
        if (!phases.contains("replay") && !phases.contains("scale") && !phases.contains("spread")) return;
        Path work = Path.of(flags.get("replay-dir", "target/bench-replay"));
        Files.createDirectories(work);
        Path spec = work.resolve("replay-spec.yaml");
        try (InputStream in = ReplayBenchmark.class.getResourceAsStream("/bench/replay-spec.yaml")) {
            Files.write(spec, in.readAllBytes());
        }
        String extra = flags.get("replay-jvm-args", "");
        ReplayBenchmark b = new ReplayBenchmark(
                figures,
                work,
                flags.get("replay-heap", "512m"),
                extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+")),
                spec);
        long seed = Long.parseLong(flags.get("replay-seed", "22"));
        double rate = Double.parseDouble(flags.get("replay-rate", "19.5"));
        int repeats = Integer.parseInt(flags.get("replay-repeat", "3"));
        if (phases.contains("replay")) {
            Path traffic = b.traffic(seed, 3, 2, Double.parseDouble(flags.get("replay-hours", "6")), rate);
            int p = Integer.parseInt(flags.get("replay-parallelism", "2"));
            List<JsonNode> full = new ArrayList<>(), parse = new ArrayList<>();
            for (int i = 1; i <= repeats; i++) {
                full.add(b.child("replay full " + i + "/" + repeats, "full", traffic, p, false));
                parse.add(b.child("replay parse-only " + i + "/" + repeats, "parse", traffic, p, false));
            }
            figures.put("replay", summary(full));
            figures.put("replay_parse_only", summary(parse));
            List<Double> shares = new ArrayList<>();
            for (int i = 0; i < repeats; i++)
                shares.add(round(full.get(i).path("events_per_s").asDouble()
                        / parse.get(i).path("events_per_s").asDouble()));
            figures.put("replay_vs_parse_only", shares);
        }
        if (phases.contains("scale")) {
            // As issue 22 measured scaling: one hot model, one version (the spread phase's traffic).
            Path traffic = b.traffic(seed, 1, 1, Double.parseDouble(flags.get("spread-hours", "2")), rate);
            List<Integer> levels = new ArrayList<>();
            for (String s : flags.get("scale-parallelism", "1,2,4").split(",")) levels.add(Integer.parseInt(s));
            Map<Integer, List<JsonNode>> runs = new LinkedHashMap<>();
            for (int i = 1; i <= repeats; i++) {
                for (int p : levels)
                    runs.computeIfAbsent(p, k -> new ArrayList<>())
                            .add(b.child("scale p=" + p + " " + i + "/" + repeats, "full", traffic, p, false));
            }
            Map<String, Object> scale = new LinkedHashMap<>();
            for (var e : runs.entrySet()) scale.put("parallelism_" + e.getKey(), summary(e.getValue()));
            figures.put("scale", scale);
        }
        if (phases.contains("spread")) {
            Path hot = b.traffic(seed, 1, 1, Double.parseDouble(flags.get("spread-hours", "2")), rate);
            int p = Integer.parseInt(flags.get("spread-parallelism", "8"));
            JsonNode run = b.child("spread p=" + p, "full", hot, p, true);
            figures.put("spread", run);
            progress("spread of work at parallelism %d (max/mean per subtask, records in; busy time):", p);
            for (JsonNode v : run.path("vertices"))
                progress(
                        "  %-60.60s %s; %s",
                        v.path("name").asText(), v.path("records_in_max_over_mean"), v.path("busy_max_over_mean"));
        }
    }

    /** The traffic's files, generated once per seed, shape and span (deterministic, so kept between runs). */
    private Path traffic(long seed, int models, int versions, double hours, double rate) throws IOException {
        Path dir = work.resolve(String.format(
                Locale.ROOT, "traffic-seed%d-models%d-versions%d-%sh-%sps", seed, models, versions, hours, rate));
        Path done = dir.resolve("counts.json");
        if (!Files.exists(done)) {
            RealisticTraffic t = new RealisticTraffic(seed, models, versions, (long) (hours * 3_600_000), rate);
            t.writeFiles(dir);
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("records", t.records());
            counts.put("predictions", t.predictions);
            counts.put("failed_predictions", t.failures);
            counts.put("labels", t.labels);
            counts.put("duplicated_labels", t.duplicatedLabels);
            counts.put("impressions", t.impressions);
            counts.put("plays", t.plays);
            Files.writeString(done, new ObjectMapper().writeValueAsString(counts));
        }
        JsonNode counts = new ObjectMapper().readTree(done.toFile());
        progress("traffic %s: %s", dir, counts);
        figures.put("traffic_" + models + "_models", counts);
        return dir;
    }

    /** One replay in a fresh JVM; its BENCH-RESULT line. */
    private JsonNode child(String name, String mode, Path traffic, int parallelism, boolean spread)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx" + heap);
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
            if (a.startsWith("--add-opens")) cmd.add(a);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ReplayRun.class.getName());
        cmd.add(mode);
        cmd.add(traffic.toString());
        cmd.add(spec.toString());
        cmd.add(String.valueOf(parallelism));
        if (spread) cmd.add("spread");
        Path log = work.resolve(name.replaceAll("[^A-Za-z0-9=.-]+", "_") + ".log");
        progress("%s: %s", name, log);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        int exit = p.waitFor();
        String result = null;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8))
            if (line.startsWith("BENCH-RESULT ")) result = line.substring("BENCH-RESULT ".length());
        if (exit != 0 || result == null) throw new IllegalStateException(name + " failed (exit " + exit + "): " + log);
        JsonNode r = new ObjectMapper().readTree(result);
        progress(
                "%s: %,d records, job %.1f s wall = %,d events/s; process %.1f CPU-s = %.1f CPU µs per event;"
                        + " peak RSS %d MB (-Xmx%s)",
                name,
                r.path("records").asLong(),
                r.path("job_wall_s").asDouble(),
                r.path("events_per_s").asLong(),
                r.path("process_cpu_s").asDouble(),
                r.path("cpu_us_per_event").asDouble(),
                r.path("peak_rss_mb").asLong(),
                heap);
        return r;
    }

    /** Every run, and the range (min–max) and median of each figure. */
    private static Map<String, Object> summary(List<JsonNode> runs) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String k : List.of("events_per_s", "cpu_us_per_event", "job_cpu_s", "process_cpu_s", "peak_rss_mb")) {
            List<Double> v = new ArrayList<>();
            for (JsonNode r : runs) v.add(r.path(k).asDouble());
            v.sort(null);
            s.put(k, Map.of("min", v.get(0), "median", v.get((v.size() - 1) / 2), "max", v.get(v.size() - 1)));
        }
        s.put("runs", runs);
        return s;
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    private static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[benchmark] " + format + "%n", args);
    }
}
