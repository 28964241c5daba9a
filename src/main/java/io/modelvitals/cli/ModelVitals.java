package io.modelvitals.cli;

import io.modelvitals.config.Args;
import io.modelvitals.config.KafkaClientProperties;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecException;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.KafkaJob;
import io.modelvitals.job.ReplayJob;
import java.nio.file.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The command line: run, replay, demo, simulate, benchmark, report, watch, forward. See the README for every flag. */
public final class ModelVitals {
    private static final String USAGE = String.join(
            "\n",
            "usage: model-vitals <command> [flags]",
            "  run       --spec FILE [--bootstrap-servers HOST:PORT] [--kafka-properties FILE] [--parallelism N]",
            "            the job on Kafka (submit the jar to a Flink cluster, or run locally)",
            "  replay    --spec FILE --predictions FILE --labels FILE [--business-events FILE] [--rules FILE] --out DIR",
            "            [--parallelism N]",
            "            the same topology over JSONL files; writes vitals, alerts and dead letters as JSONL",
            "  demo      [--duration 60s] [--seed N] [--spec FILE]",
            "            embedded Kafka + local Flink + simulated traffic with an incident",
            "  simulate  --bootstrap-servers HOST:PORT [--duration 60s | --fast] [--seed N]",
            "            [--predictions-topic T] [--labels-topic T] [--business-events-topic T]",
            "            the demo's traffic, written to any Kafka",
            "  simulate  --out-dir DIR [--seed N]",
            "            the demo's traffic as predictions.jsonl, labels.jsonl, business-events.jsonl",
            "  benchmark [--events 1000000] [--rate 100] [--models 4] [--versions 2] [--partitions 2] [--parallelism 2]",
            "            [--repeat 3] [--warmup-runs 2] [--pending-predictions 200000] [--latency-seconds 60]",
            "            [--latency-checkpoint-ms 100] [--latency-buffer-timeout-ms 100] [--out target/benchmark.json]",
            "            [--phases ceiling,parse,warmup,heap,rocksdb,sliding,state,latency | replay,scale,spread]",
            "            [--replay-repeat 3] [--replay-heap 512m] [--replay-jvm-args \"...\"] [--scale-parallelism 1,2,4]",
            "            [--spread-parallelism 8] [--replay-hours 6] [--spread-hours 2] [--replay-dir target/bench-replay]",
            "            throughput, state and alert latency on an embedded broker (docs/benchmarks.md)",
            "  report    --dir DIR | --spec FILE [--bootstrap-servers HOST:PORT] [--from ISO] [--to ISO]  [--out report.html]",
            "            one self-contained HTML page of the vitals and alerts: from replay's output, or from the topics",
            "  watch     --bootstrap-servers HOST:PORT [--topics vitals,alerts,dead-letters] [--since 1h]",
            "            [--kafka-properties FILE] [--exit-at-end]",
            "            the live console of any deployment: a row per model/version and window, alerts between",
            "  forward   --bootstrap-servers HOST:PORT --alertmanager URL[,URL...] [--topic alerts]",
            "            [--group-id model-vitals-forwarder] [--kafka-properties FILE] [--resend-interval 1m]",
            "            [--metrics-port 9250 (0: off)] [--metrics-address 0.0.0.0]",
            "            the alerts topic to Prometheus Alertmanager, firing alerts re-sent (docs/forwarder.md)");

    private ModelVitals() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            System.out.println(USAGE);
            return;
        }
        try {
            Args flags = new Args(args, 1);
            switch (args[0]) {
                case "run":
                    run(flags);
                    break;
                case "replay":
                    replay(flags);
                    break;
                case "demo":
                    io.modelvitals.tools.demo.Demo.run(flags);
                    break;
                case "simulate":
                    io.modelvitals.tools.demo.TrafficSimulator.command(flags);
                    break;
                case "benchmark":
                    io.modelvitals.tools.bench.Benchmark.command(flags);
                    break;
                case "report":
                    io.modelvitals.tools.report.ReportCommand.command(flags);
                    break;
                case "watch":
                    io.modelvitals.tools.console.WatchCommand.command(flags);
                    break;
                case "forward":
                    io.modelvitals.forward.ForwardCommand.command(flags);
                    break;
                default:
                    throw new IllegalArgumentException("unknown command '" + args[0] + "'");
            }
        } catch (SpecException | IllegalArgumentException e) {
            System.err.println("model-vitals: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    static void run(Args flags) throws Exception {
        MonitorSpec spec = SpecLoader.load(Path.of(flags.required("spec")));
        if (flags.has("bootstrap-servers")) spec.kafka.bootstrapServers = flags.required("bootstrap-servers");
        if (flags.has("kafka-properties")) {
            spec.kafka.clientProperties = KafkaClientProperties.load(Path.of(flags.required("kafka-properties")));
            // The keys only: values may be secrets.
            System.out.println("model-vitals: Kafka client properties "
                    + KafkaClientProperties.describe(spec.kafka.clientProperties));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (flags.has("parallelism")) env.setParallelism(Integer.parseInt(flags.required("parallelism")));
        KafkaJob.define(env, spec, false);
        env.execute("model-vitals");
    }

    static void replay(Args flags) throws Exception {
        MonitorSpec spec = SpecLoader.load(Path.of(flags.required("spec")));
        Path out = Path.of(flags.required("out"));
        ReplayJob.Outputs outputs = ReplayJob.runLocal(
                spec,
                Path.of(flags.required("predictions")),
                Path.of(flags.required("labels")),
                flags.has("business-events") ? Path.of(flags.required("business-events")) : null,
                flags.has("rules") ? Path.of(flags.required("rules")) : null,
                Integer.parseInt(flags.get("parallelism", "2")));
        outputs.writeTo(out);
        System.out.printf(
                "replay: %d vitals, %d alerts, %d dead letters written to %s%n",
                outputs.vitals.size(), outputs.alerts.size(), outputs.deadLetters.size(), out);
    }
}
