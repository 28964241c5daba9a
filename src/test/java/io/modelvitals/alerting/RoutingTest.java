package io.modelvitals.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecException;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.RuleCheck;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.functions.AlertLifecycleFunction.AlertState;
import io.modelvitals.io.OutputJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** Routing labels, annotations and the link back travel from the spec to every alert, in Alertmanager's shape. */
class RoutingTest {
    private static final String SPEC = String.join(
            "\n",
            "defaults:",
            "  labels: {team: ml-platform, env: prod}",
            "  generator_url: 'https://grafana.example/d/vitals?var-model={model}&var-segment={segment}'",
            "models:",
            "  - name: m",
            "    labels: {team: recsys, owner: ana}",
            "    rules:",
            "      - name: low",
            "        vital: accuracy",
            "        op: '<'",
            "        threshold: 0.5",
            "        min_samples: 1",
            "        per_segment: true",
            "        labels: {page: 'yes'}",
            "        annotations: {runbook_url: 'https://runbooks.example/accuracy'}",
            "  - name: plain",
            "    rules:",
            "      - {name: low, vital: accuracy, op: '<', threshold: 0.5, min_samples: 1}",
            "");

    private static ObjectNode firing(MonitorSpec spec, String model, String segment) {
        List<RuleCheck> checks = new ArrayList<>();
        new RuleEvaluator(spec)
                .evaluate(
                        new VitalRecord(model, "v1", segment, "accuracy", null, 0.2, 10, 0, 60_000), new Collector<>() {
                            @Override
                            public void collect(RuleCheck c) {
                                checks.add(c);
                            }

                            @Override
                            public void close() {}
                        });
        assertEquals(1, checks.size());
        AlertState st = new AlertState();
        st.startsAt = 60_000;
        return OutputJson.alert(AlertLifecycleFunction.alert(AlertRecord.FIRING, checks.get(0), st, null, null));
    }

    @Test
    void labelsOfTheDefaultsTheModelAndTheRuleAreMergedTheMostSpecificWinning() {
        JsonNode a = firing(SpecLoader.parse(SPEC, "test"), "m", "country=US");
        JsonNode labels = a.path("labels");
        assertEquals("recsys", labels.path("team").asText(), "the model's team overrides the defaults'");
        assertEquals("prod", labels.path("env").asText(), "inherited from the defaults");
        assertEquals("ana", labels.path("owner").asText());
        assertEquals("yes", labels.path("page").asText(), "the rule's own");
        assertEquals("low", labels.path("alertname").asText());
        assertEquals(
                "https://runbooks.example/accuracy",
                a.path("annotations").path("runbook_url").asText());
        assertEquals("0.2", a.path("annotations").path("value").asText(), "the job's annotations stay");
        // '=' in the segment is URL-encoded as %3D.
        assertEquals(
                "https://grafana.example/d/vitals?var-model=m&var-segment=country%3DUS",
                a.path("generatorURL").asText());
    }

    @Test
    void theFingerprintIsThatOfTheWholeLabelSet() {
        JsonNode a = firing(SpecLoader.parse(SPEC, "test"), "m", "all");
        Map<String, String> expected = new TreeMap<>(Map.of(
                "alertname",
                "low",
                "model",
                "m",
                "version",
                "v1",
                "segment",
                "all",
                "vital",
                "accuracy",
                "severity",
                "warning",
                "team",
                "recsys",
                "env",
                "prod",
                "owner",
                "ana"));
        expected.put("page", "yes");
        assertEquals(expected.keySet(), toMap(a.path("labels")).keySet());
        assertEquals(
                AlertLifecycleFunction.fingerprint(new TreeMap<>(toMap(a.path("labels")))),
                a.path("fingerprint").asText());
        expected.remove("page");
        assertNotEquals(
                AlertLifecycleFunction.fingerprint(expected),
                a.path("fingerprint").asText());
    }

    @Test
    void aModelWithoutItsOwnLabelsGetsTheDefaultsAndNoRunbook() {
        JsonNode a = firing(SpecLoader.parse(SPEC, "test"), "plain", "all");
        assertEquals("ml-platform", a.path("labels").path("team").asText());
        assertFalse(a.path("annotations").has("runbook_url"));
        assertTrue(a.path("generatorURL").asText().startsWith("https://grafana.example/d/vitals?var-model=plain"));
    }

    @Test
    void reservedOrMalformedNamesAreSpecErrors() {
        String spec = String.join(
                "\n",
                "models:",
                "  - name: m",
                "    labels: {model: other, 2team: x, __meta: y}",
                "    generator_url: 'grafana/d/1'",
                "    rules:",
                "      - {name: low, vital: accuracy, op: '<', threshold: 0.5, annotations: {summary: s}}",
                "");
        String message = assertThrows(SpecException.class, () -> SpecLoader.parse(spec, "test"))
                .getMessage();
        assertTrue(message.contains("labels.model: set by the job itself"), message);
        assertTrue(message.contains("labels.2team: not a Prometheus label name"), message);
        assertTrue(message.contains("labels.__meta: not a Prometheus label name"), message);
        assertTrue(message.contains("generator_url: must be an http:// or https:// URL"), message);
        assertTrue(message.contains("annotations.summary: written by the job itself"), message);
    }

    private static Map<String, String> toMap(JsonNode node) {
        Map<String, String> m = new TreeMap<>();
        node.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
