package io.modelvitals.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.io.KafkaIO;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
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
    private static final List<String> FILTERS = List.of("Finite vitals", "Quality and KPI vitals", "Vitals with goals");

    @Test
    void everyVitalFilterIsChainedToItsProducer() throws IOException {
        // The demo's spec: it has discrepancies and goals, so all three filters are there.
        MonitorSpec spec = SpecLoader.parse(demoSpec(), "demo-spec.yaml");
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
        // One finite filter per producer of vitals in the demo's job; the discrepancies and goals read the finite
        // vitals, so theirs sit on those filters, and the goals' also on the discrepancies' and versions' output.
        List<String> producers = List.of(
                "vitals",
                "quality-cohort-windows",
                "output-vitals",
                "output-drift",
                "kpi-vitals",
                "kpi-comparison",
                "kpi-cumulative-comparison",
                "performance-estimation");
        List<String> expected = new ArrayList<>();
        for (String p : producers) {
            expected.add("finite-vitals@" + p);
            expected.add("discrepancy-inputs@finite-vitals@" + p);
            expected.add("goal-inputs@finite-vitals@" + p);
        }
        expected.add("goal-inputs@discrepancy");
        expected.add("goal-inputs@versions");
        assertEquals(new TreeSet<>(expected), new TreeSet<>(filterUids));
        assertEquals(filterUids.size(), filterUids.stream().distinct().count(), "uids are unique");

        JobGraph job = StreamingJobGraphGenerator.createJobGraph(streams);
        for (JobVertex v : job.getVertices()) {
            for (String filter : FILTERS)
                assertFalse(v.getName().startsWith(filter), "a task of its own: " + v.getName());
        }
    }

    private static String demoSpec() throws IOException {
        try (InputStream in = VitalFiltersChainedTest.class.getResourceAsStream("/demo-spec.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
