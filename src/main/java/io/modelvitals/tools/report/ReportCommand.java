package io.modelvitals.tools.report;

import io.modelvitals.config.Args;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code report}: the HTML report from replay's output directory (vitals.jsonl, alerts.jsonl, ledger.json), or from
 * the vitals and alerts topics of the spec's Kafka (read_committed), for windows ending in a range. The
 * spec, when given, also says each vital's min_samples (windows with fewer are drawn faded).
 */
public final class ReportCommand {
    private ReportCommand() {}

    public static void command(Args flags) throws Exception {
        Path out = Path.of(flags.get("out", "report.html"));
        List<String> vitals, alerts;
        String ledger = null;
        MonitorSpec spec = flags.has("spec") ? SpecLoader.load(Path.of(flags.required("spec"))) : null;
        if (flags.has("dir")) {
            Path dir = Path.of(flags.required("dir"));
            if (Files.exists(dir.resolve("ledger.json")))
                ledger = Files.readString(dir.resolve("ledger.json"), StandardCharsets.UTF_8);
            vitals = Files.readAllLines(dir.resolve("vitals.jsonl"), StandardCharsets.UTF_8);
            alerts = Files.exists(dir.resolve("alerts.jsonl"))
                    ? Files.readAllLines(dir.resolve("alerts.jsonl"), StandardCharsets.UTF_8)
                    : List.of();
        } else if (spec != null) {
            String servers = flags.get("bootstrap-servers", spec.kafka.bootstrapServers);
            long from =
                    flags.has("from") ? Instant.parse(flags.required("from")).toEpochMilli() : Long.MIN_VALUE;
            long to = flags.has("to") ? Instant.parse(flags.required("to")).toEpochMilli() : Long.MAX_VALUE;
            vitals = read(servers, spec.kafka.topics.vitals, from, to);
            alerts = read(servers, spec.kafka.topics.alerts, from, to);
        } else {
            throw new IllegalArgumentException(
                    "report needs --dir DIR (replay's output) or --spec FILE (its Kafka topics)");
        }
        Files.writeString(
                out,
                HtmlReport.render(
                        vitals,
                        alerts,
                        spec == null ? ReportData.MinSamples.DEFAULT : ReportData.MinSamples.of(spec),
                        ledger),
                StandardCharsets.UTF_8);
        System.out.printf(
                "report: %,d vitals and %,d alert records → %s%n", vitals.size(), alerts.size(), out.toAbsolutePath());
    }

    /** Every committed record of the topic whose window ends in [from, to). */
    static List<String> read(String servers, String topic, long from, long to) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> lines = new ArrayList<>();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> tps = new ArrayList<>();
            List<PartitionInfo> partitions = consumer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty())
                throw new IllegalArgumentException("topic '" + topic + "' does not exist on " + servers);
            for (PartitionInfo p : partitions) tps.add(new TopicPartition(topic, p.partition()));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            var ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) continue;
                    try {
                        long end = mapper.readTree(r.value()).path("window_end").asLong();
                        if (end >= from && end < to) lines.add(r.value());
                    } catch (java.io.IOException e) {
                        // not ours: skip
                    }
                }
            }
        }
        return lines;
    }
}
