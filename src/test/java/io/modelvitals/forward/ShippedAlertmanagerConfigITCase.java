package io.modelvitals.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/alertmanager.yml in a real Alertmanager: a model's silence alert inhibits that model's other alerts, and
 * only that model's; a critical alert inhibits its own rule's warning. (Routing is checked by AlertmanagerConfigTest
 * with amtool.)
 */
class ShippedAlertmanagerConfigITCase {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aModelsSilenceInhibitsItsOtherAlertsOnly(@TempDir Path dir) throws Exception {
        assumeTrue(
                Files.isExecutable(AlertmanagerProcess.BINARY),
                "Alertmanager is not installed (apt-get install prometheus-alertmanager; .ci/run does)");
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("slack-webhook-url"), "http://127.0.0.1:9/slack");
        Files.writeString(secrets.resolve("pagerduty-routing-key"), "key");
        String config = Files.readString(Path.of("deploy/alertmanager.yml"))
                .replace("/etc/alertmanager/secrets/", secrets + "/");
        try (AlertmanagerProcess am = AlertmanagerProcess.start(dir.resolve("am"), config)) {
            String ends = Instant.now().plus(Duration.ofMinutes(10)).toString();
            String body = "["
                    + alert("m-silent", "m", "all", "prediction_silence_s", "page", ends) + ","
                    + alert("m-accuracy", "m", "v1", "accuracy", "warning", ends) + ","
                    + alert("n-accuracy", "n", "v1", "accuracy", "warning", ends) + ","
                    + alert("n-drift", "n", "v1", "class_psi", "critical", ends) + ","
                    + alert("n-drift", "n", "v1", "class_psi", "warning", ends) + "]";
            HttpResponse<String> posted = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(am.url().resolve("/api/v2/alerts"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, posted.statusCode(), posted.body());

            assertEquals("active", state(am, "m-silent", "page"), "the silence itself pages");
            assertEquals("suppressed", state(am, "m-accuracy", "warning"), "explained by its model's silence");
            assertEquals("active", state(am, "n-accuracy", "warning"), "another model is not inhibited");
            assertEquals("active", state(am, "n-drift", "critical"));
            assertEquals("suppressed", state(am, "n-drift", "warning"), "its own rule's critical alert fires");
        }
    }

    private static String alert(String name, String model, String version, String vital, String severity, String ends) {
        return String.format(
                "{\"labels\":{\"alertname\":\"%s\",\"model\":\"%s\",\"version\":\"%s\",\"segment\":\"all\","
                        + "\"vital\":\"%s\",\"severity\":\"%s\"},\"annotations\":{\"summary\":\"s\"},"
                        + "\"startsAt\":\"%s\",\"endsAt\":\"%s\"}",
                name, model, version, vital, severity, Instant.now().toString(), ends);
    }

    /** The state Alertmanager reports for the alert (active, suppressed), polled until it has the alert. */
    private static String state(AlertmanagerProcess am, String name, String severity) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (JsonNode a : am.alerts()) {
                if (name.equals(a.path("labels").path("alertname").asText())
                        && severity.equals(a.path("labels").path("severity").asText())) {
                    String state = a.path("status").path("state").asText();
                    if (state.equals("suppressed")) {
                        assertTrue(a.path("status").path("inhibitedBy").size() > 0, a.toString());
                    }
                    return state;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Alertmanager does not have " + name + " [" + severity + "]");
    }
}
