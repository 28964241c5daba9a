package io.modelvitals.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.InputRecord;
import io.modelvitals.io.InputParser;
import io.modelvitals.io.JsonLinesInputFormat;
import io.modelvitals.job.ReplayJob;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One measured replay in its own JVM (started by {@link ReplayBenchmark}), so that its CPU time, peak RSS (VmHWM)
 * and heap are the replay's alone: {@code full} is the job over the files ({@link ReplayJob#run}, outputs collected
 * and sorted as the {@code replay} command does), {@code parse} the same file sources parsed and validated with the
 * output discarded. Prints one line, {@code BENCH-RESULT {json}}; with {@code --spread}, also records in and busy
 * time per subtask of every job vertex, read from the cluster's REST API after the job finished.
 *
 * <p>Arguments: {@code full|parse DIR SPEC PARALLELISM [spread]}.
 */
public final class ReplayRun {
    private ReplayRun() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        MonitorSpec spec = SpecLoader.load(Path.of(args[2]));
        int parallelism = Integer.parseInt(args[3]);
        boolean spread = args.length > 4 && args[4].equals("spread");
        long records = 0;
        for (String f : new String[] {"predictions.jsonl", "labels.jsonl", "business-events.jsonl"})
            records += lines(dir.resolve(f));
        long cpuBeforeJob = cpuNanos();
        MiniClusterConfiguration cluster = ReplayJob.localCluster(parallelism);
        ObjectNode result = new ObjectMapper().createObjectNode();
        long wall0 = System.nanoTime();
        try (MiniCluster miniCluster = new MiniCluster(cluster)) {
            miniCluster.start();
            URI rest = miniCluster.getRestAddress().get();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
            env.setParallelism(parallelism);
            if (mode.equals("parse")) {
                parseOnly(env, spec, dir);
                JobExecutionResult r = env.execute("replay parse-only");
                result.put("job_net_runtime_s", r.getNetRuntime() / 1000.0);
            } else {
                ReplayJob.Outputs out = ReplayJob.run(
                        env,
                        spec,
                        dir.resolve("predictions.jsonl"),
                        dir.resolve("labels.jsonl"),
                        dir.resolve("business-events.jsonl"));
                // -Dbench.out=DIR keeps the outputs: a change meant only to be faster must leave them byte-identical.
                if (System.getProperty("bench.out") != null) out.writeTo(Path.of(System.getProperty("bench.out")));
                result.put("vitals", out.vitals.size());
                result.put("alerts", out.alerts.size());
                result.put("dead_letters", out.deadLetters.size());
            }
            result.put("job_wall_s", round((System.nanoTime() - wall0) / 1e9));
            if (spread) result.set("vertices", vertices(rest));
        }
        long cpu = cpuNanos();
        result.put("mode", mode);
        result.put("parallelism", parallelism);
        result.put("records", records);
        result.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        result.put("process_wall_s", round(ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
        result.put("process_cpu_s", round(cpu / 1e9));
        result.put("job_cpu_s", round((cpu - cpuBeforeJob) / 1e9));
        result.put("cpu_us_per_event", round(cpu / 1e3 / records));
        result.put("events_per_s", Math.round(records / result.get("job_wall_s").asDouble()));
        result.put("peak_rss_mb", status("VmHWM:") >> 10);
        System.out.println("BENCH-RESULT " + result);
        // The MiniCluster leaves non-daemon threads behind now and then.
        System.exit(0);
    }

    /** The parse-only ceiling: the job's file sources and record routers, the valid records discarded. */
    static void parseOnly(StreamExecutionEnvironment env, MonitorSpec spec, Path dir) {
        source(env, spec, dir, "predictions.jsonl", InputParser.Kind.PREDICTION);
        source(env, spec, dir, "labels.jsonl", InputParser.Kind.LABEL);
        source(env, spec, dir, "business-events.jsonl", InputParser.Kind.BUSINESS_EVENT);
    }

    private static void source(
            StreamExecutionEnvironment env, MonitorSpec spec, Path dir, String file, InputParser.Kind kind) {
        FileSource<InputRecord> source = FileSource.forRecordStreamFormat(
                        new JsonLinesInputFormat(kind, file, spec.job.maxFutureSkewMs(), spec.job.maxRecordBytes),
                        new org.apache.flink.core.fs.Path(
                                dir.resolve(file).toAbsolutePath().toUri()))
                .build();
        ParseOnly.discard(env.fromSource(source, WatermarkStrategy.noWatermarks(), file), kind);
    }

    /** Per job vertex: records in and accumulated busy time of each subtask, with max/mean of each. */
    private static ArrayNode vertices(URI rest) throws IOException, InterruptedException {
        ObjectMapper mapper = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        JsonNode jobs = get(http, mapper, rest, "/jobs/overview");
        String jobId = jobs.path("jobs").get(0).path("jid").asText();
        JsonNode job = get(http, mapper, rest, "/jobs/" + jobId);
        ArrayNode out = mapper.createArrayNode();
        for (JsonNode v : job.path("vertices")) {
            JsonNode detail = get(
                    http,
                    mapper,
                    rest,
                    "/jobs/" + jobId + "/vertices/" + v.path("id").asText());
            ObjectNode row = out.addObject();
            row.put("name", v.path("name").asText());
            row.put("parallelism", v.path("parallelism").asInt());
            ArrayNode in = row.putArray("records_in");
            ArrayNode busy = row.putArray("busy_ms");
            for (JsonNode s : detail.path("subtasks")) {
                in.add(s.path("metrics").path("read-records").asLong());
                busy.add(s.path("metrics").path("accumulated-busy-time").asLong());
            }
            row.put("records_in_max_over_mean", maxOverMean(in));
            row.put("busy_max_over_mean", maxOverMean(busy));
        }
        return out;
    }

    private static double maxOverMean(ArrayNode values) {
        double max = 0, sum = 0;
        for (JsonNode v : values) {
            max = Math.max(max, v.asDouble());
            sum += v.asDouble();
        }
        return sum == 0 ? 0 : round(max / (sum / values.size()));
    }

    static JsonNode get(HttpClient http, ObjectMapper mapper, URI rest, String path)
            throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(HttpRequest.newBuilder(rest.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        return mapper.readTree(r.body());
    }

    /** Lines of a file (the generator writes no blank ones), counted without decoding them. */
    private static long lines(Path file) throws IOException {
        long count = 0;
        byte last = '\n';
        byte[] block = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(block)) > 0; ) {
                for (int i = 0; i < n; i++) if (block[i] == '\n') count++;
                last = block[n - 1];
            }
        }
        return last == '\n' ? count : count + 1;
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A kB figure of /proc/self/status, e.g. VmHWM (peak RSS); 0 when not on Linux. */
    static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return 0;
    }

    private static double round(double d) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.2f", d));
    }
}
