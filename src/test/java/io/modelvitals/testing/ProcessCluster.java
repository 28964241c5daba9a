package io.modelvitals.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A real multi-process deployment on 127.0.0.1, from the jars Maven resolved for this project (there is
 * no flink-dist on Maven Central): a Kafka broker process (KRaft), a Flink JobManager process
 * (standalone session) and TaskManager processes, each a separate JVM with the memory flags Flink's
 * own scripts would compute. Jobs are submitted as a jar through the REST API, as users do.
 */
public final class ProcessCluster implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> OPENS =
            Arrays.asList(("--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED "
                            + "--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED "
                            + "--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED "
                            + "--add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED "
                            + "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED")
                    .split(" "));

    private final Path dir;
    /** Everything Maven resolved for the tests: what the broker process runs on. */
    private final String classpath;
    /**
     * What the official Flink image holds in lib/: Flink (RocksDB state backend included) and logging, but
     * nothing of Kafka. The Kafka connector and client come only in the job jar and load child-first, as on
     * the compose and Kubernetes deployments; {@link #clusterJarsWith} checks it.
     */
    private final String flinkClasspath;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();
    private Process broker;
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    public final String bootstrapServers;
    public final String rest;
    private final int brokerPort;
    private final int controllerPort;
    private int taskManagerCount;

    public ProcessCluster(Path dir) throws IOException {
        this.dir = dir;
        // The test's own classpath, without this project's classes: the job comes as a jar, like on a real cluster.
        this.classpath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.endsWith("classes")
                        && !e.endsWith("classes/")
                        && !Path.of(e).getFileName().toString().startsWith("model-vitals"))
                .collect(Collectors.joining(java.io.File.pathSeparator));
        this.flinkClasspath = Arrays.stream(classpath.split(java.io.File.pathSeparator))
                .filter(e -> {
                    String jarName = Path.of(e).getFileName().toString();
                    return !(e.contains("/org/apache/kafka/")
                            || jarName.startsWith("kafka")
                            || jarName.startsWith("flink-connector-kafka")
                            || jarName.startsWith("datasketches")
                            || jarName.startsWith("junit")
                            || jarName.startsWith("jackson-dataformat-yaml"));
                })
                .collect(Collectors.joining(java.io.File.pathSeparator));
        this.brokerPort = freePort();
        this.controllerPort = freePort();
        this.bootstrapServers = "127.0.0.1:" + brokerPort;
        int restPort = freePort();
        this.rest = "http://127.0.0.1:" + restPort;
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(
                dir.resolve("conf/config.yaml"),
                String.join(
                        "\n",
                        "jobmanager.rpc.address: 127.0.0.1",
                        "jobmanager.rpc.port: " + freePort(),
                        "jobmanager.bind-host: 127.0.0.1",
                        "taskmanager.host: 127.0.0.1",
                        "taskmanager.bind-host: 127.0.0.1",
                        "rest.address: 127.0.0.1",
                        "rest.bind-address: 127.0.0.1",
                        "rest.port: " + restPort,
                        "jobmanager.memory.process.size: 1024m",
                        "taskmanager.memory.process.size: 1536m",
                        "taskmanager.numberOfTaskSlots: 2",
                        "parallelism.default: 2",
                        "execution.checkpointing.dir: "
                                + dir.resolve("checkpoints").toUri(),
                        "execution.checkpointing.savepoint-dir: "
                                + dir.resolve("savepoints").toUri(),
                        "restart-strategy.type: fixed-delay",
                        "restart-strategy.fixed-delay.attempts: 100",
                        "restart-strategy.fixed-delay.delay: 1 s",
                        // A killed TaskManager is noticed in seconds, not the default 50.
                        "heartbeat.interval: 1000",
                        "heartbeat.timeout: 5000",
                        "web.upload.dir: " + dir.resolve("uploads"),
                        // As docker-compose.yml and deploy/k8s run it: RocksDB, with incremental checkpoints on disk.
                        "state.backend.type: rocksdb",
                        "execution.checkpointing.incremental: true",
                        "state.backend.rocksdb.localdir: " + dir.resolve("rocksdb"),
                        "io.tmp.dirs: " + dir.resolve("tmp"),
                        ""));
        Files.writeString(
                dir.resolve("conf/log4j2.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = File",
                        "appender.file.type = File",
                        "appender.file.name = File",
                        "appender.file.fileName = ${sys:log.file}",
                        "appender.file.layout.type = PatternLayout",
                        "appender.file.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                        ""));
    }

    /** A Kafka broker process (KRaft, broker + controller), its storage formatted first. */
    public void startBroker() throws Exception {
        Properties p = io.modelvitals.tools.EmbeddedKafka.brokerProperties(
                dir.resolve("kafka-logs"), brokerPort, controllerPort);
        Path config = dir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            p.store(out, "model-vitals cluster test broker");
        }
        run(
                        List.of(
                                "java",
                                "-cp",
                                classpath,
                                "kafka.tools.StorageTool",
                                "format",
                                "--standalone",
                                "-t",
                                UUID.randomUUID().toString(),
                                "-c",
                                config.toString()),
                        "kafka-format")
                .waitFor();
        broker = start(
                List.of(
                        "java",
                        "-Xmx512m",
                        "-Dlog.file=" + dir.resolve("kafka.log"),
                        "-Dlog4j2.configurationFile="
                                + dir.resolve("conf/log4j2.properties").toUri(),
                        "-cp",
                        classpath,
                        "kafka.Kafka",
                        config.toString()),
                "kafka-out");
        awaitLog("kafka", "Kafka Server started", Duration.ofSeconds(180));
    }

    public void startJobManager() throws Exception {
        jobManager = startFlink(
                "GET_JM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                "jobmanager");
        long deadline = System.currentTimeMillis() + 180_000;
        while (true) {
            try {
                get("/overview");
                return;
            } catch (IOException e) {
                if (!jobManager.isAlive() || System.currentTimeMillis() > deadline)
                    throw new IllegalStateException(
                            "the JobManager did not come up (alive: " + jobManager.isAlive() + "): "
                                    + tail("jobmanager-out") + tail("jobmanager"),
                            e);
                Thread.sleep(500);
            }
        }
    }

    /** Starts one more TaskManager and waits until the JobManager counts it. */
    public Process startTaskManager() throws Exception {
        int before = get("/overview").path("taskmanagers").asInt();
        Process tm = startFlink(
                "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "taskmanager-" + (++taskManagerCount));
        taskManagers.add(tm);
        long deadline = System.currentTimeMillis() + 180_000;
        while (get("/overview").path("taskmanagers").asInt() <= before) {
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException("the TaskManager did not register");
            Thread.sleep(300);
        }
        return tm;
    }

    /** Kills a TaskManager process the hard way (SIGKILL): no clean shutdown, no last checkpoint. */
    public void kill(Process taskManager) throws Exception {
        int before = get("/overview").path("taskmanagers").asInt();
        taskManager.destroyForcibly();
        taskManager.waitFor();
        // Until the JobManager notices (heartbeat timeout), the dead TaskManager still counts.
        long deadline = System.currentTimeMillis() + 180_000;
        while (get("/overview").path("taskmanagers").asInt() >= before) {
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException("the JobManager did not notice the kill");
            Thread.sleep(300);
        }
    }

    /**
     * Stops a process with SIGSTOP: it keeps its sockets and its open Kafka transactions but does nothing, so
     * the test can look at the system as it is at the instant of a kill, then kill it ({@link #kill}) or let
     * it go on ({@link #thaw}).
     */
    public void freeze(Process p) throws Exception {
        signal(p, "STOP");
    }

    public void thaw(Process p) throws Exception {
        signal(p, "CONT");
    }

    private void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                .redirectErrorStream(true)
                .start();
        if (kill.waitFor() != 0)
            throw new IllegalStateException("kill -" + signal + " " + p.pid() + ": "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The resource ids of the TaskManagers the JobManager knows (GET /taskmanagers). */
    public List<String> taskManagerIds() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        get("/taskmanagers")
                .path("taskmanagers")
                .forEach(t -> ids.add(t.path("id").asText()));
        return ids;
    }

    /** The jars of the cluster's own classpath (its lib/) that hold an entry under the prefix, e.g. org/apache/kafka/. */
    public List<String> clusterJarsWith(String entryPrefix) throws IOException {
        List<String> found = new ArrayList<>();
        for (String e : flinkClasspath.split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                if (Files.exists(p.resolve(entryPrefix))) found.add(e);
                continue;
            }
            if (!Files.isRegularFile(p)) continue;
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(p.toFile())) {
                if (zip.stream().anyMatch(z -> z.getName().startsWith(entryPrefix))) found.add(e);
            }
        }
        return found;
    }

    /** The cluster's configuration file (conf/config.yaml). */
    public String config() throws IOException {
        return Files.readString(dir.resolve("conf/config.yaml"));
    }

    private Process startFlink(String params, String mainClass, String name) throws Exception {
        Process util = run(
                List.of(
                        "java",
                        "-cp",
                        flinkClasspath,
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        params,
                        "--configDir",
                        dir.resolve("conf").toString()),
                name + "-params");
        util.waitFor();
        List<String> results = Files.readAllLines(dir.resolve(name + "-params.log")).stream()
                .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()))
                .collect(Collectors.toList());
        if (results.size() < 2)
            throw new IllegalStateException(
                    name + ": no memory parameters: " + Files.readString(dir.resolve(name + "-params.log")));
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(Arrays.asList(results.get(0).trim().split("\\s+")));
        command.addAll(OPENS);
        command.add("-Dlog.file=" + dir.resolve(name + ".log"));
        command.add("-Dlog4j2.configurationFile="
                + dir.resolve("conf/log4j2.properties").toUri());
        command.addAll(List.of(
                "-cp",
                flinkClasspath,
                mainClass,
                "--configDir",
                dir.resolve("conf").toString()));
        command.addAll(Arrays.asList(results.get(results.size() - 1).trim().split("\\s+")));
        return start(command, name + "-out");
    }

    private Process run(List<String> command, String name) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
    }

    private Process start(List<String> command, String name) throws IOException {
        Process p = run(command, name);
        processes.add(p);
        return p;
    }

    private void awaitLog(String name, String line, Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (!Files.exists(dir.resolve(name + ".log"))
                || !Files.readString(dir.resolve(name + ".log")).contains(line)) {
            if (System.currentTimeMillis() > deadline)
                throw new IllegalStateException(name + " did not log '" + line + "'");
            Thread.sleep(300);
        }
    }

    private String tail(String name) {
        try {
            String log = Files.readString(dir.resolve(name + ".log"));
            return "\n--- " + name + ".log ---\n" + log.substring(Math.max(0, log.length() - 3000));
        } catch (IOException e) {
            return "\n--- no " + name + ".log";
        }
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(rest + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return MAPPER.readTree(r.body());
    }

    public JsonNode post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(rest + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300)
            throw new IllegalStateException("POST " + path + ": " + r.statusCode() + " " + r.body());
        return MAPPER.readTree(r.body());
    }

    /** POST /jars/upload (multipart, as the web UI does): the jar's id. */
    public String upload(Path jar) throws IOException, InterruptedException {
        String boundary = "----model-vitals-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, Files.readAllBytes(jar), tail)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = MAPPER.readTree(r.body());
        if (!"success".equals(body.path("status").asText())) throw new IllegalStateException("upload: " + r.body());
        String file = body.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** POST /jars/{id}/run: the job's id. */
    public String run(String jarId, List<String> args, String savepoint) throws IOException, InterruptedException {
        var body = MAPPER.createObjectNode();
        body.put("entryClass", "io.modelvitals.cli.ModelVitals");
        var list = body.putArray("programArgsList");
        args.forEach(list::add);
        if (savepoint != null) body.put("savepointPath", savepoint);
        return post("/jars/" + jarId + "/run", body.toString()).path("jobid").asText();
    }

    /** Stops the job with a savepoint (POST /jobs/{id}/stop) and returns the savepoint's location. */
    public String stopWithSavepoint(String jobId) throws Exception {
        String request = post(
                        "/jobs/" + jobId + "/stop",
                        "{\"targetDirectory\":\"" + dir.resolve("savepoints").toUri() + "\",\"drain\":false}")
                .path("request-id")
                .asText();
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + request);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause"))
                    throw new IllegalStateException("savepoint failed: " + op.path("failure-cause"));
                return op.path("location").asText();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no savepoint within two minutes");
    }

    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    public Path log(String name) {
        return dir.resolve(name + ".log");
    }

    @Override
    public void close() {
        for (Process p : processes) p.destroyForcibly();
        for (Process p : processes) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
