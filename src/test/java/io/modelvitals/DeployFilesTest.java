package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment files users take as they are, checked against the real schemas of the tools that read them (see
 * src/test/resources/schemas/README.md for each schema's package, version and license): docker-compose.yml
 * against the Compose specification's JSON schema, the FlinkDeployment against the Flink Kubernetes Operator
 * CRD's openAPIV3Schema, the Strimzi resources against Strimzi's model of them. Then what the schemas cannot
 * know: one image built by the Dockerfile at the pom's Flink version, application mode, the KafkaUser's ACLs
 * against what the job's spec reads and writes, plugins that exist in the image's opt/, the secrets' keys.
 * Each schema check also rejects a broken copy, so it cannot pass by validating nothing.
 */
class DeployFilesTest {
    /** The validator's JSON model. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * The plugin jars the flink-dist 2.x binary distribution (and so the official flink image) ships in opt/: the
     * filesystems, which Flink's filesystem docs tell to copy from opt/ to plugins/ (FACTS: the official image has
     * the S3 ones in opt/, its metrics reporters already in plugins/, and its entrypoint stops on a name that is
     * not in opt/). flink-dist is not on Maven Central, so the list is written here; the version is the pom's.
     */
    private static final List<String> OPT_PLUGINS = List.of(
            "flink-s3-fs-hadoop",
            "flink-s3-fs-presto",
            "flink-azure-fs-hadoop",
            "flink-gs-fs-hadoop",
            "flink-oss-fs-hadoop");

    private static final String FLINK_CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

    private static String pomVersion(String property) throws Exception {
        Matcher m = Pattern.compile("<" + Pattern.quote(property) + ">([^<]+)</")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), property + " in the pom");
        return m.group(1);
    }

    /**
     * The YAML documents of a file as tools read them: SnakeYAML resolves anchors and merge keys ({@code <<:}),
     * which docker-compose.yml uses and Jackson's YAML parser would keep as a key named "<<".
     */
    private static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
            if (doc != null) docs.add(JSON.valueToTree(doc));
        }
        return docs;
    }

    private static JsonNode document(Path file) throws Exception {
        List<JsonNode> docs = documents(file);
        assertEquals(1, docs.size(), file + " holds one document");
        return docs.get(0);
    }

    private static List<String> messages(List<Error> errors) {
        return errors.stream()
                .map(e -> e.getInstanceLocation() + " " + e.getKeyword() + ": " + e.getMessage())
                .collect(Collectors.toList());
    }

    // ---- docker-compose.yml ----

    private static Schema composeSchema() throws Exception {
        try (InputStream in = DeployFilesTest.class.getResourceAsStream("/schemas/compose-spec/compose-spec.json")) {
            assertNotNull(in, "the vendored Compose specification schema");
            // The file declares draft 2019-09 but still carries draft-04 "id"s (plain annotations in 2019-09).
            Dialect dialect = Dialect.builder(Dialects.getDraft201909())
                    .keyword(new NonValidationKeyword("id"))
                    .build();
            return SchemaRegistry.withDialect(dialect).getSchema(JSON.readTree(in));
        }
    }

    @Test
    void composeFileFollowsTheComposeSpecification() throws Exception {
        Schema schema = composeSchema();
        JsonNode compose = document(Path.of("docker-compose.yml"));
        List<String> errors = messages(schema.validate(compose));
        assertTrue(errors.isEmpty(), String.join("\n", errors));

        // The schema does reject what Compose rejects: an unknown service key, a wrong type.
        ObjectNode typo = (ObjectNode) compose.deepCopy();
        ((ObjectNode) typo.get("services").get("jobmanager")).put("imagee", "flink");
        assertFalse(schema.validate(typo).isEmpty(), "an unknown key is refused");
        ObjectNode wrongType = (ObjectNode) compose.deepCopy();
        ((ObjectNode) wrongType.get("services").get("kafka")).put("ports", "9094:9094");
        assertFalse(schema.validate(wrongType).isEmpty(), "ports must be a list");
    }

    @Test
    void composeRunsTheJobInApplicationModeFromTheOneImage() throws Exception {
        String flink = pomVersion("flink.version");
        String kafka = pomVersion("kafka.version");

        // One Dockerfile: the Maven build, then the official Flink image of the pom's version, the jar in usrlib/.
        List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        List<String> froms = dockerfile.stream()
                .filter(l -> l.startsWith("FROM "))
                .map(l -> l.split("\\s+")[1])
                .collect(Collectors.toList());
        assertEquals(2, froms.size(), "two stages");
        assertTrue(froms.get(0).startsWith("maven:"), "the jar is built in the image: " + froms.get(0));
        assertEquals("flink:" + flink + "-java17", froms.get(1));
        assertTrue(
                dockerfile.stream()
                        .anyMatch(l -> l.startsWith("COPY --from=build") && l.contains("/opt/flink/usrlib/")),
                "the job jar in usrlib/");
        List<String> users =
                dockerfile.stream().filter(l -> l.startsWith("USER ")).collect(Collectors.toList());
        assertEquals("USER flink", users.get(users.size() - 1), "runs as the official image's user (uid 9999)");

        JsonNode services = document(Path.of("docker-compose.yml")).get("services");
        for (String service : List.of("volumes-init", "jobmanager", "taskmanager", "simulator", "forwarder")) {
            assertEquals(
                    "model-vitals:0.1.0", services.get(service).get("image").asText(), service);
            assertEquals(".", services.get(service).get("build").asText(), service + " builds the Dockerfile");
        }
        assertFalse(services.has("submit-job"), "no session cluster, no resubmission on every up");
        List<String> jm = new ArrayList<>();
        services.get("jobmanager").get("command").forEach(n -> jm.add(n.asText()));
        assertEquals("standalone-job", jm.get(0), "application mode");
        assertEquals("io.modelvitals.cli.ModelVitals", jm.get(jm.indexOf("--job-classname") + 1));
        assertTrue(Integer.parseInt(jm.get(jm.indexOf("--parallelism") + 1)) > 1, "parallelism > 1");
        assertEquals(
                "/flink-data/checkpoints",
                services.get("jobmanager")
                        .get("environment")
                        .get("STATE_RECOVERY_DIR")
                        .asText(),
                "restores from its retained checkpoints");
        String flinkProperties = services.get("jobmanager")
                .get("environment")
                .get("FLINK_PROPERTIES")
                .asText();
        assertTrue(
                flinkProperties.contains("execution.checkpointing.dir: file:///flink-data/checkpoints"),
                "checkpoints where the entrypoint looks for them");

        // Volumes handed to the images' users before anything writes them.
        String chown =
                String.join(" ", JSON.convertValue(services.get("volumes-init").get("entrypoint"), List.class));
        assertTrue(chown.contains("9999:9999 /flink-data") && chown.contains("1000:1000 /kafka-data"), chown);
        for (String service : List.of("kafka", "jobmanager")) {
            assertEquals(
                    "service_completed_successfully",
                    services.get(service)
                            .get("depends_on")
                            .get("volumes-init")
                            .get("condition")
                            .asText(),
                    service);
        }

        // Kafka for the containers and, on a second listener, for the host.
        JsonNode broker = services.get("kafka");
        assertEquals("apache/kafka:" + kafka, broker.get("image").asText());
        assertTrue(broker.get("environment")
                .get("KAFKA_ADVERTISED_LISTENERS")
                .asText()
                .contains("HOST://localhost:9094"));
        assertEquals("9094:9094", broker.get("ports").get(0).asText());

        // The simulator's traffic is in the present.
        List<String> simulator = new ArrayList<>();
        services.get("simulator").get("command").forEach(n -> simulator.add(n.asText()));
        assertTrue(simulator.get(simulator.indexOf("--start") + 1).startsWith("now"), simulator.toString());

        assertTrue(services.get("prometheus").get("image").asText().matches("prom/prometheus:v[0-9.]+"), "pinned");
        assertTrue(services.get("grafana").get("image").asText().matches("grafana/grafana:[0-9.]+"), "pinned");
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

    // ---- Kubernetes: the FlinkDeployment ----

    /**
     * The FlinkDeployment's schema as the API server applies it: the CRD's openAPIV3Schema, where fields it does
     * not name are refused (kubectl's strict field validation) unless the schema preserves unknown fields.
     */
    private static Schema flinkDeploymentSchema() throws Exception {
        JsonNode crd;
        try (InputStream in = DeployFilesTest.class.getClassLoader().getResourceAsStream(FLINK_CRD)) {
            assertNotNull(in, FLINK_CRD + " from org.apache.flink:flink-kubernetes-operator-api");
            crd = JSON.valueToTree(new Yaml().load(in));
        }
        assertEquals(
                "flinkdeployments.flink.apache.org",
                crd.get("metadata").get("name").asText());
        JsonNode openApi = null;
        for (JsonNode version : crd.get("spec").get("versions")) {
            if (version.get("name").asText().equals("v1beta1")) {
                openApi = version.get("schema").get("openAPIV3Schema");
            }
        }
        assertNotNull(openApi, "the CRD serves v1beta1");
        ObjectNode schema = (ObjectNode) strict(openApi.deepCopy());
        // Every object of the API has these, which CRDs leave out of their schema.
        ObjectNode properties = (ObjectNode) schema.get("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        properties.putObject("metadata").put("type", "object");
        // An openAPIV3Schema is an OpenAPI 3.0 schema object (nullable, int-or-string formats…).
        return SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30()).getSchema(schema);
    }

    private static JsonNode strict(JsonNode schema) {
        if (schema.isObject()) {
            ObjectNode o = (ObjectNode) schema;
            if (o.has("properties")
                    && !o.has("additionalProperties")
                    && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                o.put("additionalProperties", false);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.properties().iterator(); it.hasNext(); ) {
                strict(it.next().getValue());
            }
        } else if (schema.isArray()) {
            schema.forEach(DeployFilesTest::strict);
        }
        return schema;
    }

    @Test
    void flinkDeploymentFollowsTheOperatorCrd() throws Exception {
        Schema schema = flinkDeploymentSchema();
        JsonNode deployment = document(Path.of("deploy/k8s/flinkdeployment.yaml"));
        assertEquals("flink.apache.org/v1beta1", deployment.get("apiVersion").asText());
        assertEquals("FlinkDeployment", deployment.get("kind").asText());

        // Operator 1.10.0, the newest API on Maven Central, predates Flink 2: its flinkVersion enum ends at v1_20.
        // That one difference is expected (operator 1.13 lists v2_2); anything else fails.
        String flink = pomVersion("flink.version");
        String flinkVersion = "v" + flink.replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2");
        assertEquals(flinkVersion, deployment.get("spec").get("flinkVersion").asText());
        List<String> errors = messages(schema.validate(deployment));
        List<String> flinkVersionErrors = errors.stream()
                .filter(e -> e.startsWith("/spec/flinkVersion enum"))
                .collect(Collectors.toList());
        assertEquals(1, flinkVersionErrors.size(), errors.toString());
        errors.removeAll(flinkVersionErrors);
        assertTrue(errors.isEmpty(), String.join("\n", errors));

        ObjectNode typo = (ObjectNode) deployment.deepCopy();
        ((ObjectNode) typo.get("spec").get("job")).put("upgradeMod", "savepoint");
        assertFalse(schema.validate(typo).isEmpty(), "an unknown field is refused");
        ObjectNode wrongMode = (ObjectNode) deployment.deepCopy();
        ((ObjectNode) wrongMode.get("spec").get("job")).put("upgradeMode", "sometimes");
        assertFalse(schema.validate(wrongMode).isEmpty(), "upgradeMode is an enum");
        ObjectNode badContainer = (ObjectNode) deployment.deepCopy();
        ((ObjectNode) badContainer.at("/spec/podTemplate/spec/containers/0")).put("volumeMount", "x");
        assertFalse(schema.validate(badContainer).isEmpty(), "the pod template is checked too");

        JsonNode job = deployment.get("spec").get("job");
        assertEquals(
                "local:///opt/flink/usrlib/model-vitals.jar", job.get("jarURI").asText(), "the Dockerfile's jar");
        assertEquals("io.modelvitals.cli.ModelVitals", job.get("entryClass").asText());
        assertEquals("savepoint", job.get("upgradeMode").asText());
        assertTrue(job.get("parallelism").asInt() > 1);
        assertFalse(deployment.get("spec").get("image").asText().contains("example.com"), "the real image");
    }

    // ---- Kubernetes: Strimzi ----

    /**
     * Strimzi's model classes keep unknown fields in an "additionalProperties" map: without that any-setter, and
     * with Jackson failing on unknown properties, a field the CRD does not have fails as the API server would.
     */
    private static ObjectMapper strimziMapper() {
        SimpleModule strictModule = new SimpleModule();
        strictModule.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(
                    DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                return builder;
            }
        });
        return new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .registerModule(strictModule);
    }

    private static <T> T strimzi(JsonNode resource, Class<T> type, List<String> versions) throws Exception {
        String apiVersion = resource.get("apiVersion").asText();
        assertEquals("kafka.strimzi.io/v1", apiVersion, "the v1 API (v1beta2 goes in Strimzi 1.0)");
        assertTrue(versions.contains("v1"), "Strimzi's model serves v1: " + versions);
        assertEquals(
                "kafka",
                resource.get("metadata").get("labels").get("strimzi.io/cluster").asText());
        ObjectMapper mapper = strimziMapper();
        T bound = mapper.readValue(resource.toString(), type);
        // Strimzi's enums turn a value they do not know into null: everything written must come back unchanged.
        assertContained(resource, mapper.valueToTree(bound), "");
        return bound;
    }

    /** Every field and value of {@code written} is in {@code bound} (which may add the model's defaults). */
    private static void assertContained(JsonNode written, JsonNode bound, String path) {
        if (written.isObject()) {
            written.properties().forEach(e -> {
                assertTrue(bound.has(e.getKey()), path + "/" + e.getKey() + " is lost by Strimzi's model");
                assertContained(e.getValue(), bound.get(e.getKey()), path + "/" + e.getKey());
            });
        } else if (written.isArray()) {
            assertEquals(written.size(), bound.size(), path);
            for (int i = 0; i < written.size(); i++) assertContained(written.get(i), bound.get(i), path + "/" + i);
        } else {
            assertEquals(written.asText(), bound.asText(), path);
        }
    }

    @Test
    void strimziResourcesBindToStrimzisModel() throws Exception {
        MonitorSpec spec = k8sSpec();
        Set<String> topics = new TreeSet<>();
        for (JsonNode doc : documents(Path.of("deploy/k8s/kafka-topics.yaml"))) {
            KafkaTopic topic = strimzi(doc, KafkaTopic.class, KafkaTopic.VERSIONS);
            assertTrue(topic.getSpec().getPartitions() > 0 && topic.getSpec().getReplicas() > 0);
            topics.add(topic.getMetadata().getName());
        }
        var t = spec.kafka.topics;
        assertEquals(
                new TreeSet<>(
                        List.of(t.predictions, t.labels, t.businessEvents, t.vitals, t.alerts, t.deadLetters, t.rules)),
                topics,
                "one KafkaTopic per topic of the job");

        for (JsonNode doc : documents(Path.of("deploy/k8s/kafka-users.yaml"))) {
            KafkaUser user = strimzi(doc, KafkaUser.class, KafkaUser.VERSIONS);
            assertTrue(user.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication);
            for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
                assertFalse(rule.getOperations().contains(null), "every operation is one Kafka knows");
            }
            // v1 lists operations; the singular "operation" of v1beta2 (still in the model, deprecated) is gone
            // from the v1 CRD.
            doc.at("/spec/authorization/acls").forEach(a -> assertFalse(a.has("operation"), a.toString()));
        }

        // The model refuses what the CRD refuses: an unknown field, an unknown operation, an unknown resource type.
        JsonNode user = documents(Path.of("deploy/k8s/kafka-users.yaml")).get(0);
        ObjectNode typo = (ObjectNode) user.deepCopy();
        ((ObjectNode) typo.get("spec")).put("authorisation", "simple");
        assertThrows(Exception.class, () -> strimzi(typo, KafkaUser.class, KafkaUser.VERSIONS));
        ObjectNode badOperation = (ObjectNode) user.deepCopy();
        ((ObjectNode) badOperation.at("/spec/authorization/acls/0"))
                .putArray("operations")
                .add("Reed");
        assertThrows(AssertionError.class, () -> strimzi(badOperation, KafkaUser.class, KafkaUser.VERSIONS));
        ObjectNode badResource = (ObjectNode) user.deepCopy();
        ((ObjectNode) badResource.at("/spec/authorization/acls/0/resource")).put("type", "topics");
        assertThrows(Exception.class, () -> strimzi(badResource, KafkaUser.class, KafkaUser.VERSIONS));
    }

    private static String acl(AclRule rule, AclOperation operation) {
        AclRuleResource r = rule.getResource();
        String resource;
        if (r instanceof AclRuleTopicResource) {
            AclRuleTopicResource topic = (AclRuleTopicResource) r;
            resource = "topic " + topic.getName() + " " + topic.getPatternType().toValue();
        } else if (r instanceof AclRuleGroupResource) {
            AclRuleGroupResource group = (AclRuleGroupResource) r;
            resource = "group " + group.getName() + " " + group.getPatternType().toValue();
        } else if (r instanceof AclRuleTransactionalIdResource) {
            AclRuleTransactionalIdResource id = (AclRuleTransactionalIdResource) r;
            resource = "transactionalId " + id.getName() + " "
                    + id.getPatternType().toValue();
        } else {
            assertTrue(r instanceof AclRuleClusterResource, r.getType());
            resource = "cluster";
        }
        return resource + " " + operation.toValue() + " " + rule.getType().toValue();
    }

    private static Set<String> acls(KafkaUser user) {
        Set<String> acls = new TreeSet<>();
        for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            for (AclOperation operation : rule.getOperations()) acls.add(acl(rule, operation));
        }
        return acls;
    }

    @Test
    void kafkaUsersHaveExactlyTheAclsTheirClientsNeed() throws Exception {
        MonitorSpec spec = k8sSpec();
        var t = spec.kafka.topics;
        Set<String> job = new TreeSet<>();
        // Read (fetch) and Describe (metadata, offsets) on every input; the group for committed offsets.
        for (String input : List.of(t.predictions, t.labels, t.businessEvents, t.rules)) {
            job.add("topic " + input + " literal Read allow");
            job.add("topic " + input + " literal Describe allow");
        }
        job.add("group " + spec.kafka.groupId + " literal Read allow");
        job.add("group " + spec.kafka.groupId + " literal Describe allow");
        // Write and Describe on every output; the sinks' transactional ids all start with the prefix and "-".
        for (String output : List.of(t.vitals, t.alerts, t.deadLetters)) {
            job.add("topic " + output + " literal Write allow");
            job.add("topic " + output + " literal Describe allow");
        }
        job.add("transactionalId " + spec.job.transactionalIdPrefix + "- prefix Write allow");
        job.add("transactionalId " + spec.job.transactionalIdPrefix + "- prefix Describe allow");
        job.add("cluster IdempotentWrite allow");

        Set<String> forwarder = new TreeSet<>(List.of(
                "topic " + t.alerts + " literal Read allow",
                "topic " + t.alerts + " literal Describe allow",
                "group " + io.modelvitals.forward.ForwarderConfig.DEFAULT_GROUP_ID + " literal Read allow",
                "group " + io.modelvitals.forward.ForwarderConfig.DEFAULT_GROUP_ID + " literal Describe allow"));

        List<JsonNode> users = documents(Path.of("deploy/k8s/kafka-users.yaml"));
        assertEquals(2, users.size());
        KafkaUser jobUser = strimzi(users.get(0), KafkaUser.class, KafkaUser.VERSIONS);
        KafkaUser forwarderUser = strimzi(users.get(1), KafkaUser.class, KafkaUser.VERSIONS);
        assertEquals("model-vitals", jobUser.getMetadata().getName());
        assertEquals(job, acls(jobUser));
        assertEquals("model-vitals-forwarder", forwarderUser.getMetadata().getName());
        assertEquals(forwarder, acls(forwarderUser));
    }

    // ---- Kubernetes: secrets, plugins, monitoring ----

    private static MonitorSpec k8sSpec() throws Exception {
        JsonNode configMap = document(Path.of("deploy/k8s/spec-configmap.yaml"));
        return SpecLoader.parse(configMap.get("data").get("spec.yaml").asText(), "spec-configmap.yaml");
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new java.util.TreeMap<>();
        container.path("env").forEach(e -> env.put(e.get("name").asText(), e));
        return env;
    }

    @Test
    void theKafkaClientsUseTheStrimziUserSecretAndTheClusterCa() throws Exception {
        JsonNode configMap = document(Path.of("deploy/k8s/spec-configmap.yaml"));
        Properties kafka = new Properties();
        kafka.load(
                new StringReader(configMap.get("data").get("kafka.properties").asText()));
        assertEquals("SASL_SSL", kafka.getProperty("security.protocol"));
        assertEquals("SCRAM-SHA-512", kafka.getProperty("sasl.mechanism"));
        assertEquals("${KAFKA_SASL_JAAS_CONFIG}", kafka.getProperty("sasl.jaas.config"), "the secret from the env");
        assertEquals("PEM", kafka.getProperty("ssl.truststore.type"));

        JsonNode deployment = document(Path.of("deploy/k8s/flinkdeployment.yaml"));
        JsonNode pod = deployment.at("/spec/podTemplate/spec");
        JsonNode forwarderPod =
                documents(Path.of("deploy/k8s/forwarder.yaml")).get(0).at("/spec/template/spec");
        for (JsonNode p : List.of(pod, forwarderPod)) {
            JsonNode container = p.get("containers").get(0);
            // Strimzi's user secret has the keys password and sasl.jaas.config, no username.
            JsonNode jaas = env(container).get("KAFKA_SASL_JAAS_CONFIG").at("/valueFrom/secretKeyRef");
            assertEquals("sasl.jaas.config", jaas.get("key").asText());
            // The truststore file is Strimzi's cluster CA certificate, mounted where kafka.properties names it.
            String caVolume = null;
            for (JsonNode v : p.get("volumes")) {
                if (v.path("secret").path("secretName").asText("").equals("kafka-cluster-ca-cert")) {
                    caVolume = v.get("name").asText();
                    assertEquals("ca.crt", v.at("/secret/items/0/key").asText());
                }
            }
            assertNotNull(caVolume, "the cluster CA secret is mounted");
            String mountPath = null;
            for (JsonNode m : container.get("volumeMounts")) {
                if (m.get("name").asText().equals(caVolume))
                    mountPath = m.get("mountPath").asText();
            }
            assertEquals(kafka.getProperty("ssl.truststore.location"), mountPath + "/ca.crt");
        }
        assertEquals(
                "model-vitals",
                env(pod.get("containers").get(0))
                        .get("KAFKA_SASL_JAAS_CONFIG")
                        .at("/valueFrom/secretKeyRef/name")
                        .asText(),
                "the job's KafkaUser's secret");
        assertEquals(
                "model-vitals-forwarder",
                env(forwarderPod.get("containers").get(0))
                        .get("KAFKA_SASL_JAAS_CONFIG")
                        .at("/valueFrom/secretKeyRef/name")
                        .asText(),
                "the forwarder's KafkaUser's secret");
    }

    /** Every ENABLE_BUILT_IN_PLUGINS value in the compose file, the Kubernetes manifests and the Dockerfile. */
    private static List<String> enabledPlugins() throws Exception {
        List<String> values = new ArrayList<>();
        List<JsonNode> docs = new ArrayList<>(documents(Path.of("docker-compose.yml")));
        try (var files = Files.list(Path.of("deploy/k8s"))) {
            for (Path f : files.sorted().collect(Collectors.toList())) docs.addAll(documents(f));
        }
        for (JsonNode doc : docs) collectPlugins(doc, values);
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            Matcher m = Pattern.compile("ENABLE_BUILT_IN_PLUGINS[= ]+\"?([^\"\\s]+)")
                    .matcher(line);
            if (m.find()) values.add(m.group(1));
        }
        List<String> jars = new ArrayList<>();
        for (String v : values) {
            // The official entrypoint splits the variable on ';'.
            for (String jar : v.split(";")) if (!jar.isBlank()) jars.add(jar.trim());
        }
        return jars;
    }

    private static void collectPlugins(JsonNode node, List<String> values) {
        if (node.isObject()) {
            if (node.path("name").asText("").equals("ENABLE_BUILT_IN_PLUGINS")
                    && node.has("value")) { // a Kubernetes env entry
                values.add(node.get("value").asText());
            }
            if (node.has("ENABLE_BUILT_IN_PLUGINS")) { // a compose environment map
                values.add(node.get("ENABLE_BUILT_IN_PLUGINS").asText());
            }
            node.properties().forEach(e -> collectPlugins(e.getValue(), values));
        } else if (node.isArray()) {
            node.forEach(n -> collectPlugins(n, values));
        }
    }

    @Test
    void everyEnabledBuiltInPluginIsAJarFlinkDistShipsInOpt() throws Exception {
        String flink = pomVersion("flink.version");
        Set<String> opt =
                OPT_PLUGINS.stream().map(p -> p + "-" + flink + ".jar").collect(Collectors.toCollection(TreeSet::new));
        List<String> jars = enabledPlugins();
        assertEquals(List.of("flink-s3-fs-hadoop-" + flink + ".jar"), jars, "the S3 filesystem, on Kubernetes only");
        for (String jar : jars) assertTrue(opt.contains(jar), jar + " is not in opt/ of flink-dist " + flink);
        // What the entrypoint refused: the Prometheus reporter is in plugins/, not opt/.
        assertFalse(opt.contains("flink-metrics-prometheus-" + flink + ".jar"));

        // The S3 directories need that plugin; its credentials come from a Secret.
        JsonNode deployment = document(Path.of("deploy/k8s/flinkdeployment.yaml"));
        JsonNode config = deployment.at("/spec/flinkConfiguration");
        for (String key : List.of(
                "execution.checkpointing.dir",
                "execution.checkpointing.savepoint-dir",
                "high-availability.storageDir")) {
            assertTrue(config.get(key).asText().startsWith("s3://"), key);
        }
        Map<String, JsonNode> env = env(deployment.at("/spec/podTemplate/spec/containers/0"));
        for (String variable : List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")) {
            assertEquals(
                    "model-vitals-s3",
                    env.get(variable).at("/valueFrom/secretKeyRef/name").asText(),
                    variable);
        }
    }

    @Test
    void monitoringIsPickedUpByKubePrometheusStack() throws Exception {
        JsonNode podMonitor = document(Path.of("deploy/k8s/podmonitor.yaml"));
        assertEquals("PodMonitor", podMonitor.get("kind").asText());
        assertEquals(
                "kube-prometheus-stack",
                podMonitor.at("/metadata/labels/release").asText());
        // It selects the pods Flink's Kubernetes integration labels app=<FlinkDeployment name>.
        JsonNode deployment = document(Path.of("deploy/k8s/flinkdeployment.yaml"));
        assertEquals(
                deployment.at("/metadata/name").asText(),
                podMonitor.at("/spec/selector/matchLabels/app").asText());
        String port = podMonitor.at("/spec/podMetricsEndpoints/0/port").asText();
        JsonNode containerPort = deployment.at("/spec/podTemplate/spec/containers/0/ports/0");
        assertEquals(port, containerPort.get("name").asText());
        assertEquals(
                deployment
                        .at("/spec/flinkConfiguration/metrics.reporter.prom.port")
                        .asText(),
                containerPort.get("containerPort").asText());
        JsonNode forwarderMonitor =
                documents(Path.of("deploy/k8s/forwarder.yaml")).get(1);
        assertEquals(
                "kube-prometheus-stack",
                forwarderMonitor.at("/metadata/labels/release").asText());

        // The dashboard for Grafana's sidecar: the same JSON as compose's provisioned dashboard.
        JsonNode dashboardMap = document(Path.of("deploy/k8s/grafana-dashboard.yaml"));
        assertEquals("1", dashboardMap.at("/metadata/labels/grafana_dashboard").asText());
        JsonNode dashboard = JSON.readTree(
                Path.of("deploy/grafana/dashboards/model-vitals.json").toFile());
        assertEquals(
                dashboard,
                JSON.readTree(dashboardMap.at("/data/model-vitals.json").asText()));
        assertEquals("model-vitals", dashboard.get("uid").asText());
        // The panels query the gauges VitalGauges registers, by the name Flink's Prometheus reporter gives them.
        assertTrue(dashboard.toString().contains("flink_taskmanager_job_task_operator_model_version_vital_value"));
    }

    @Test
    void theSpecsTheyCarryAreValid() throws Exception {
        MonitorSpec compose = SpecLoader.load(Path.of("deploy/compose-spec.yaml"));
        assertEquals("kafka:9092", compose.kafka.bootstrapServers);
        assertEquals("rocksdb", k8sSpec().job.stateBackend);
        for (String f : List.of(
                "deploy/prometheus.yml",
                "deploy/grafana/provisioning/datasources/prometheus.yml",
                "deploy/grafana/provisioning/dashboards/model-vitals.yml")) {
            assertTrue(document(Path.of(f)).isObject(), f);
        }
    }
}
