package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The deployment files users take as they are: docker-compose.yml valid (by docker-compose itself when
 * installed), its images and the Kubernetes ones pinned to the pom's Flink and Kafka versions, the
 * specs they carry valid, and every file well-formed.
 */
class DeployFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String pomVersion(String property) throws Exception {
        Matcher m = Pattern.compile("<" + Pattern.quote(property) + ">([^<]+)</")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), property + " in the pom");
        return m.group(1);
    }

    private static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) docs.add(it.next());
        }
        return docs;
    }

    @Test
    void imagesArePinnedToThePomsVersions() throws Exception {
        String flink = pomVersion("flink.version");
        String kafka = pomVersion("kafka.version");
        JsonNode compose = documents(Path.of("docker-compose.yml")).get(0);
        for (String service : List.of("jobmanager", "taskmanager", "submit-job", "simulator")) {
            assertEquals(
                    "flink:" + flink + "-java17",
                    compose.path("services").path(service).path("image").asText(),
                    service);
        }
        assertEquals(
                "apache/kafka:" + kafka,
                compose.path("services").path("kafka").path("image").asText());
        assertTrue(
                compose.path("services")
                        .path("prometheus")
                        .path("image")
                        .asText()
                        .matches("prom/prometheus:v[0-9.]+"),
                "pinned");
        assertTrue(
                compose.path("services").path("grafana").path("image").asText().matches("grafana/grafana:[0-9.]+"),
                "pinned");
        assertTrue(
                Files.readString(Path.of("docker-compose.yml")).contains("flink-metrics-prometheus-" + flink + ".jar"));

        JsonNode deployment =
                documents(Path.of("deploy/k8s/flinkdeployment.yaml")).get(0);
        assertEquals("FlinkDeployment", deployment.path("kind").asText());
        assertEquals(
                "v" + flink.replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2"),
                deployment.path("spec").path("flinkVersion").asText());
        assertEquals(
                "savepoint",
                deployment.path("spec").path("job").path("upgradeMode").asText());
        assertEquals(
                "io.modelvitals.cli.ModelVitals",
                deployment.path("spec").path("job").path("entryClass").asText());
        assertTrue(Files.readString(Path.of("deploy/k8s/flinkdeployment.yaml"))
                .contains("flink-metrics-prometheus-" + flink + ".jar"));
    }

    @Test
    void theSpecsTheyCarryAreValid() throws Exception {
        MonitorSpec compose = SpecLoader.load(Path.of("deploy/compose-spec.yaml"));
        assertEquals("kafka:9092", compose.kafka.bootstrapServers);
        JsonNode configMap =
                documents(Path.of("deploy/k8s/spec-configmap.yaml")).get(0);
        MonitorSpec k8s =
                SpecLoader.parse(configMap.path("data").path("spec.yaml").asText(), "spec-configmap.yaml");
        assertEquals("rocksdb", k8s.job.stateBackend);
        assertTrue(
                configMap.path("data").path("kafka.properties").asText().contains("${KAFKA_PASSWORD}"),
                "secrets from the environment");
    }

    @Test
    void everyFileIsWellFormed() throws Exception {
        assertEquals(7, documents(Path.of("deploy/k8s/kafka-topics.yaml")).size(), "one KafkaTopic per topic");
        for (String f : List.of(
                "deploy/prometheus.yml",
                "deploy/k8s/podmonitor.yaml",
                "deploy/grafana/provisioning/datasources/prometheus.yml",
                "deploy/grafana/provisioning/dashboards/model-vitals.yml")) {
            assertTrue(documents(Path.of(f)).get(0).isObject(), f);
        }
        JsonNode dashboard = new ObjectMapper()
                .readTree(Path.of("deploy/grafana/dashboards/model-vitals.json").toFile());
        assertEquals("model-vitals", dashboard.path("uid").asText());
        // The panels query the gauges VitalGauges registers, by the name Flink's Prometheus reporter gives them.
        assertTrue(dashboard.toString().contains("flink_taskmanager_job_task_operator_model_version_vital_value"));
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        Path dockerCompose = Path.of("/usr/bin/docker-compose");
        assumeTrue(
                Files.isExecutable(dockerCompose),
                "Debian's docker-compose is not installed (apt-get install docker-compose)");
        Process p = new ProcessBuilder(dockerCompose.toString(), "-f", "docker-compose.yml", "config", "-q")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }
}
