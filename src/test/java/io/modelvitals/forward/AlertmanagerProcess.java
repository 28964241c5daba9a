package io.modelvitals.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager) as a process on 127.0.0.1: a free port, its own
 * storage, no cluster gossip, a receiver that sends nothing, and a short resolve_timeout, so only the forwarder's
 * re-sends keep an alert active.
 */
final class AlertmanagerProcess implements AutoCloseable {
    static final Path BINARY = Path.of(System.getProperty("alertmanager.binary", "/usr/bin/prometheus-alertmanager"));
    static final Duration RESOLVE_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path dir;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private AlertmanagerProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static AlertmanagerProcess start(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("alertmanager.yml"),
                String.join(
                        "\n",
                        "global:",
                        "  resolve_timeout: " + RESOLVE_TIMEOUT.toSeconds() + "s",
                        "route:",
                        "  receiver: blackhole",
                        "receivers:",
                        "  - name: blackhole",
                        ""));
        AlertmanagerProcess am = new AlertmanagerProcess(dir, freePort());
        am.launch();
        return am;
    }

    /** With a configuration of the caller's, e.g. the shipped deploy/alertmanager.yml. */
    static AlertmanagerProcess start(Path dir, String config) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("alertmanager.yml"), config);
        AlertmanagerProcess am = new AlertmanagerProcess(dir, freePort());
        am.launch();
        return am;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Kills the process (an outage); its storage stays for {@link #restart}. Alerts live in memory only. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    void restart() throws Exception {
        launch();
    }

    private void launch() throws Exception {
        process = new ProcessBuilder(
                        BINARY.toString(),
                        "--config.file=" + dir.resolve("alertmanager.yml"),
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address=",
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("alertmanager.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("alertmanager exited with " + process.exitValue() + ":\n" + log());
            }
            if (ready()) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException("alertmanager not ready in 30 s:\n" + log());
    }

    private boolean ready() throws InterruptedException {
        try {
            HttpRequest request = HttpRequest.newBuilder(url().resolve("/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    boolean isUp() throws InterruptedException {
        return process.isAlive() && ready();
    }

    /** GET /api/v2/alerts: what Alertmanager holds as not yet ended. */
    List<JsonNode> alerts() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url().resolve("/api/v2/alerts"))
                .timeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET /api/v2/alerts: HTTP " + response.statusCode() + " " + response.body());
        }
        List<JsonNode> out = new ArrayList<>();
        MAPPER.readTree(response.body()).forEach(out::add);
        return out;
    }

    /** The alert with this alertname if Alertmanager has it active (not ended, state "active"). */
    Optional<JsonNode> active(String alertname) throws IOException, InterruptedException {
        for (JsonNode a : alerts()) {
            if (!alertname.equals(a.path("labels").path("alertname").asText())) continue;
            if (!"active".equals(a.path("status").path("state").asText())) continue;
            if (time(a, "endsAt").isBefore(Instant.now())) continue;
            return Optional.of(a);
        }
        return Optional.empty();
    }

    /** A time field of an alert as Alertmanager returns it (RFC 3339, in its time zone). */
    static Instant time(JsonNode alert, String field) {
        return OffsetDateTime.parse(alert.path(field).asText()).toInstant();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("alertmanager.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
