package io.modelvitals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/alertmanager.yml, checked by Alertmanager's own tool (Debian's prometheus-alertmanager ships amtool;
 * .ci/run installs it): the file loads, and alerts with the labels the job writes reach the receivers the file's
 * header promises.
 */
class AlertmanagerConfigTest {
    private static final Path AMTOOL = Path.of("/usr/bin/amtool");

    @TempDir
    static Path dir;

    private static Path config;

    @BeforeAll
    static void secretsWhereTheFileExpectsThem() throws Exception {
        assumeTrue(Files.isExecutable(AMTOOL), "amtool is not installed (apt-get install prometheus-alertmanager)");
        // The file reads its secrets from files; amtool only checks that they are named, so empty ones do here.
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("slack-webhook-url"), "https://hooks.slack.invalid/x");
        Files.writeString(secrets.resolve("pagerduty-routing-key"), "key");
        config = dir.resolve("alertmanager.yml");
        Files.writeString(
                config,
                Files.readString(Path.of("deploy/alertmanager.yml"))
                        .replace("/etc/alertmanager/secrets/", secrets + "/"));
    }

    private static String amtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(AMTOOL.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static String receivers(String... labels) throws Exception {
        List<String> args = new ArrayList<>(List.of("config", "routes", "test", "--config.file=" + config));
        args.addAll(List.of(labels));
        return amtool(args.toArray(new String[0]));
    }

    @Test
    void alertmanagerLoadsTheFile() throws Exception {
        String out = amtool("check-config", config.toString());
        assertTrue(out.contains("SUCCESS"), out);
        assertTrue(out.contains("4 receivers") && out.contains("2 inhibit rules"), out);
    }

    @Test
    void alertsGoWhereTheHeaderSays() throws Exception {
        assertEquals("pagerduty,recsys-slack", receivers("alertname=a", "severity=page", "team=recsys", "model=m"));
        assertEquals("pagerduty,ml-platform-slack", receivers("alertname=a", "severity=critical", "team=ml-platform"));
        assertEquals("recsys-slack", receivers("alertname=a", "severity=warning", "team=recsys"));
        assertEquals(
                "experiments-webhook,recsys-slack",
                receivers("alertname=a", "severity=warning", "team=recsys", "vital=kpi_difference"));
        assertEquals("ml-platform-slack", receivers("alertname=a", "severity=info"), "no team: the default receiver");
    }
}
