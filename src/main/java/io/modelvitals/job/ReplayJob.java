package io.modelvitals.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.InputRecord;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.io.ControlLinesFormat;
import io.modelvitals.io.InputParser;
import io.modelvitals.io.JobSinks;
import io.modelvitals.io.JobSources;
import io.modelvitals.io.JsonLinesInputFormat;
import io.modelvitals.io.LedgerJson;
import io.modelvitals.io.OutputJson;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs the topology over JSONL files (bounded) and collects its three outputs. At the end of input
 * the watermark jumps to the end of time, so every window fires and every label horizon ends, just
 * as a bounded Kafka read does.
 */
public final class ReplayJob {

    /** The job's outputs, each as the JSON lines the Kafka topics would carry, sorted. */
    public static final class Outputs {
        public final List<String> vitals;
        public final List<String> alerts;
        public final List<String> deadLetters;
        /** Where every input record ended (LedgerJson), from the job's accumulators. */
        public final ObjectNode ledger;

        Outputs(List<String> vitals, List<String> alerts, List<String> deadLetters, ObjectNode ledger) {
            this.vitals = vitals;
            this.alerts = alerts;
            this.deadLetters = deadLetters;
            this.ledger = ledger;
        }

        public void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            Files.write(dir.resolve("vitals.jsonl"), vitals, StandardCharsets.UTF_8);
            Files.write(dir.resolve("alerts.jsonl"), alerts, StandardCharsets.UTF_8);
            Files.write(dir.resolve("dead-letters.jsonl"), deadLetters, StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("ledger.json"), LedgerJson.text(ledger), StandardCharsets.UTF_8);
        }
    }

    private ReplayJob() {}

    public static Outputs run(
            StreamExecutionEnvironment env, MonitorSpec spec, Path predictions, Path labels, Path businessEvents)
            throws Exception {
        return run(env, spec, predictions, labels, businessEvents, null);
    }

    /** @param rules rule sets, one JSON object per line, applied before the data (null: the spec's rules) */
    public static Outputs run(
            StreamExecutionEnvironment env,
            MonitorSpec spec,
            Path predictions,
            Path labels,
            Path businessEvents,
            Path rules)
            throws Exception {
        if (rules == null) {
            // The topology always has a rule-set input; an empty file stands for "none".
            rules = Files.createTempFile("no-rule-sets", ".jsonl");
            rules.toFile().deleteOnExit();
        }
        JobSources sources = new JobSources(
                file(predictions, InputParser.Kind.PREDICTION, spec),
                file(labels, InputParser.Kind.LABEL, spec),
                businessEvents == null ? null : file(businessEvents, InputParser.Kind.BUSINESS_EVENT, spec),
                FileSource.forRecordStreamFormat(
                                new ControlLinesFormat(rules.getFileName().toString()),
                                new org.apache.flink.core.fs.Path(
                                        rules.toAbsolutePath().toUri()))
                        .build());
        CollectingSinks sinks = new CollectingSinks();
        VitalsJob.defineWorkflow(env, spec, sources, sinks);
        JobClient client = env.executeAsync("model-vitals replay");
        CompletableFuture<List<String>> vitals = drain(sinks.vitals, v -> OutputJson.line(OutputJson.vital(v)));
        CompletableFuture<List<String>> alerts = drain(sinks.alerts, a -> OutputJson.line(OutputJson.alert(a)));
        CompletableFuture<List<String>> deadLetters =
                drain(sinks.deadLetters, d -> OutputJson.line(OutputJson.deadLetter(d)));
        // Drain first: the iterators end once the job has finished and every result is fetched; the
        // local cluster goes away right after the job result, taking unfetched results with it.
        List<String> v = vitals.get(), a = alerts.get(), d = deadLetters.get();
        JobExecutionResult result = client.getJobExecutionResult().get();
        return new Outputs(v, a, d, LedgerJson.of(result.getAllAccumulatorResults()));
    }

    /** One local task manager with a slot per subtask, on loopback and random ports (replays and their benchmark). */
    public static MiniClusterConfiguration localCluster(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        return new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setCommonBindAddress("127.0.0.1")
                .withRandomPorts()
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism)
                .build();
    }

    /**
     * Replays on a Flink cluster started here, kept up until every output has been fetched (a plain
     * local environment shuts its cluster down as soon as the job ends, racing the result fetchers).
     */
    public static Outputs runLocal(
            MonitorSpec spec, Path predictions, Path labels, Path businessEvents, Path rules, int parallelism)
            throws Exception {
        try (MiniCluster miniCluster = new MiniCluster(localCluster(parallelism))) {
            miniCluster.start();
            URI rest = miniCluster.getRestAddress().get();
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
            env.setParallelism(parallelism);
            return run(env, spec, predictions, labels, businessEvents, rules);
        }
    }

    private static FileSource<InputRecord> file(Path path, InputParser.Kind kind, MonitorSpec spec) {
        return FileSource.forRecordStreamFormat(
                        new JsonLinesInputFormat(
                                kind,
                                path.getFileName().toString(),
                                spec.job.maxFutureSkewMs(),
                                spec.job.maxRecordBytes),
                        new org.apache.flink.core.fs.Path(path.toAbsolutePath().toUri()))
                .build();
    }

    /** Reads a collect iterator to its end on its own thread: the three outputs must drain together. */
    private static <T> CompletableFuture<List<String>> drain(CloseableIterator<T> it, Function<T, String> toLine) {
        return CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try (it) {
                while (it.hasNext()) lines.add(toLine.apply(it.next()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            Collections.sort(lines);
            return lines;
        });
    }

    private static final class CollectingSinks implements JobSinks {
        CloseableIterator<VitalRecord> vitals;
        CloseableIterator<AlertRecord> alerts;
        CloseableIterator<DeadLetter> deadLetters;

        @Override
        public void vitals(DataStream<VitalRecord> stream) {
            vitals = stream.collectAsync();
        }

        @Override
        public void alerts(DataStream<AlertRecord> stream) {
            alerts = stream.collectAsync();
        }

        @Override
        public void deadLetters(DataStream<DeadLetter> stream) {
            deadLetters = stream.collectAsync();
        }
    }
}
