package io.modelvitals.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.io.KafkaIO;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.graph.StreamingJobGraphGenerator;
import org.junit.jupiter.api.Test;

/**
 * The filters over every vital (finite values; the vitals discrepancies and goals watch) run chained to the operators
 * that make the vitals, one per producer, never as a task of their own after a union: there each vital would cross a
 * network hop more (docs/benchmarks.md, "Vitals filtered where they are made").
 */
class VitalFiltersChainedTest {
    private static final String SPEC = String.join(
            "\n",
            "kafka: {bootstrap_servers: '127.0.0.1:1'}",
            "defaults:",
            "  window: {size: 10m, slide: 1m}",
            "  segments: [country]",
            "  absence: {predictions: 10m, labels: 1h}",
            "  estimation: {bins: 10, min_samples: 100, calibration: {windows: 2, min_labels: 300}}",
            "  attribution_window: 10m",
            "  kpis:",
            "    - {name: take_rate, numerator: {events: [play]}, denominator: {events: [impression]}}",
            "  discrepancies:",
            "    - {quality: accuracy, kpi: take_rate}",
            "  goals:",
            "    - {name: few-errors, vital: error_rate, op: '<', threshold: 0.001, min_samples: 1000}",
            "  rules:",
            "    - {name: acc, vital: accuracy, op: '<', threshold: 0.5, min_samples: 10, for: 1, severity: info}",
            "");

    private static final List<String> FILTERS = List.of("Finite vitals", "Quality and KPI vitals", "Vitals with goals");

    @Test
    void everyVitalFilterIsChainedToItsProducer() {
        MonitorSpec spec = SpecLoader.parse(SPEC, "test");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        VitalsJob.defineWorkflow(env, spec, KafkaIO.sources(spec, false), KafkaIO.sinks(spec));
        StreamGraph streams = env.getStreamGraph();
        List<String> filterUids = new ArrayList<>();
        for (StreamNode n : streams.getStreamNodes()) {
            if (!FILTERS.contains(n.getOperatorName())) continue;
            filterUids.add(n.getTransformationUID());
            assertEquals(1, n.getInEdges().size(), n.getTransformationUID() + " has one producer");
            assertEquals(
                    n.getParallelism(),
                    streams.getStreamNode(n.getInEdges().get(0).getSourceId()).getParallelism(),
                    n.getTransformationUID());
        }
        // A finite filter per producer of vitals: quality (two windows: all and cohorts are not here, so one),
        // output vitals, drift, KPIs (three), absence, estimation.
        assertTrue(
                filterUids.stream().filter(u -> u.startsWith("finite-vitals@")).count() >= 6, filterUids.toString());
        assertTrue(filterUids.stream().anyMatch(u -> u.startsWith("discrepancy-inputs@")), filterUids.toString());
        assertTrue(filterUids.stream().anyMatch(u -> u.startsWith("goal-inputs@")), filterUids.toString());
        assertEquals(filterUids.size(), filterUids.stream().distinct().count(), "uids are unique");

        JobGraph job = StreamingJobGraphGenerator.createJobGraph(streams);
        for (JobVertex v : job.getVertices()) {
            for (String filter : FILTERS)
                assertFalse(v.getName().startsWith(filter), "a task of its own: " + v.getName());
        }
    }
}
