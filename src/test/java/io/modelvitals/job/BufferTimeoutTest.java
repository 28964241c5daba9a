package io.modelvitals.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.io.KafkaIO;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * After the first shuffle that follows the join, the operators send per-window summaries and flush each record at
 * once, and so does the pane pre-aggregation (its partials); every operator that sends a record per event (the
 * sources, the join, scored predictions for the estimation, late records on their way to the dead letters) keeps the
 * configured buffer timeout (here 37 ms, so a node left at Flink's default of 100 ms would show too).
 */
class BufferTimeoutTest {
    private static final String SPEC = String.join(
            "\n",
            "kafka: {bootstrap_servers: '127.0.0.1:1'}",
            "defaults:",
            "  window: {size: 10m}",
            "  segments: [country]",
            "  absence: {predictions: 10m, labels: 1h}",
            "  estimation: {bins: 10, min_samples: 100, calibration: {windows: 2, min_labels: 300}}",
            "  attribution_window: 10m",
            "  kpis:",
            "    - {name: take_rate, numerator: {events: [play]}, denominator: {events: [impression]}}",
            "  rules:",
            "    - {name: acc, vital: accuracy, op: '<', threshold: 0.5, min_samples: 10, for: 1, severity: info}",
            "");

    @Test
    void onlyTheStagesAfterTheJoinFlushAtOnce() {
        MonitorSpec spec = SpecLoader.parse(SPEC, "test");
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, java.time.Duration.ofMillis(37));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        VitalsJob.defineWorkflow(env, spec, KafkaIO.sources(spec, false), KafkaIO.sinks(spec));
        StreamGraph graph = env.getStreamGraph();

        for (String hot : List.of(
                "Source: Predictions",
                "Source: Labels",
                "Source: Business events",
                "Valid predictions",
                "Valid labels",
                "Labels as feedback",
                "Business events as feedback",
                "Join predictions with labels and business events",
                "Scored predictions",
                "Scored outcomes",
                "Slice scores by segment",
                "Prediction heartbeats",
                "Late predictions",
                "Late join results",
                "Late attributed events")) assertEquals(37, node(graph, hot).getBufferTimeout(), hot);

        List<String> summaries = List.of(
                "Evaluate rules",
                "False discovery control across segments",
                "Alert lifecycle",
                "Output drift against references",
                "Finite vitals",
                "Versions per model",
                "Challengers against the champion",
                "Silence of predictions and labels",
                "Performance estimated from scores, against outcomes",
                "Late quality partials",
                "Count dead letters",
                "Vitals as metrics");
        for (String summary : summaries) assertEquals(0, node(graph, summary).getBufferTimeout(), summary);
        // The first phase of each two-phase aggregation, chained to the join, is where the summaries start.
        List<StreamNode> panes = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().startsWith("Pre-aggregate"))
                .collect(Collectors.toList());
        assertTrue(panes.size() >= 4, "pane pre-aggregations: " + names(graph));
        for (StreamNode pane : panes) assertEquals(0, pane.getBufferTimeout(), pane.getOperatorName());
    }

    private static StreamNode node(StreamGraph graph, String name) {
        return graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + names(graph)));
    }

    private static List<String> names(StreamGraph graph) {
        return graph.getStreamNodes().stream().map(StreamNode::getOperatorName).collect(Collectors.toList());
    }
}
