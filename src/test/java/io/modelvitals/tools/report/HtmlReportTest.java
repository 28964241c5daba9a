package io.modelvitals.tools.report;

import static io.modelvitals.testing.KnownStreams.MINUTE;
import static io.modelvitals.testing.KnownStreams.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.job.ReplayJob;
import io.modelvitals.testing.KnownStreams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a replay of {@link KnownStreams} (accuracy 0.8, 0.4, 0.2, 1.0 and one alert), checked
 * structurally, then opened in headless Chromium to see its charts drawn without a script error.
 */
class HtmlReportTest {
    private static ReplayJob.Outputs replay;
    private static long predictionLines;

    @BeforeAll
    static void replayKnownStreams(@TempDir Path dir) throws Exception {
        KnownStreams.writeFiles(dir);
        predictionLines = java.nio.file.Files.readAllLines(dir.resolve("predictions.jsonl")).stream()
                .filter(l -> !l.isBlank())
                .count();
        replay = ReplayJob.runLocal(
                SpecLoader.parse(KnownStreams.SPEC, "test"),
                dir.resolve("predictions.jsonl"),
                dir.resolve("labels.jsonl"),
                null,
                null,
                2);
    }

    private static JsonNode data(String html) throws Exception {
        Matcher m = Pattern.compile("<script id=\"data\" type=\"application/json\">(.*?)</script>", Pattern.DOTALL)
                .matcher(html);
        assertTrue(m.find(), "the data is inline");
        return new ObjectMapper().readTree(m.group(1));
    }

    @Test
    void theReportShowsTheInputLedger() {
        String html = HtmlReport.render(replay.vitals, replay.alerts, io.modelvitals.io.LedgerJson.text(replay.ledger));
        assertTrue(html.contains("<h2>Input ledger</h2>"), "the section is there");
        assertTrue(html.contains("holds for every input."), "and the identity holds");
        assertTrue(
                html.contains("<tr><td>predictions.jsonl</td><td>0</td><td>" + String.format("%,d", predictionLines)
                        + "</td>"),
                "every line of the predictions file came in");
        assertTrue(!HtmlReport.render(replay.vitals, replay.alerts).contains("Input ledger"), "no ledger, no section");
    }

    @Test
    void theReportCarriesEachVersionsSeriesAndItsAlertsInline() throws Exception {
        String html = HtmlReport.render(replay.vitals, replay.alerts);
        JsonNode model = data(html).path("models").get(0);
        assertEquals("m", model.path("name").asText());
        assertEquals("[\"v1\"]", model.path("versions").toString());
        JsonNode accuracy = model.path("series").path("accuracy||").path("v1");
        assertEquals(4, accuracy.size());
        double[] expected = {0.8, 0.4, 0.2, 1.0};
        for (int k = 0; k < 4; k++) {
            assertEquals(T0 + (k + 1) * MINUTE, accuracy.get(k).get(0).asLong(), "in time order");
            assertEquals(expected[k], accuracy.get(k).get(1).asDouble(), 1e-12);
            assertTrue(
                    accuracy.get(k).get(2).asDouble() <= expected[k]
                            && expected[k] <= accuracy.get(k).get(3).asDouble(),
                    "with its interval");
            assertEquals(5, accuracy.get(k).get(4).asLong());
        }
        JsonNode alerts = model.path("alerts");
        assertEquals(1, alerts.size(), "one episode: fired and resolved");
        assertEquals("accuracy-low", alerts.get(0).path("alertname").asText());
        assertEquals("2026-01-01T00:02:00Z", alerts.get(0).path("startsAt").asText());
        assertEquals("2026-01-01T00:04:00Z", alerts.get(0).path("endsAt").asText());
        // Self-contained: nothing is fetched (the one URL is the SVG namespace, an identifier).
        assertFalse(html.matches("(?s).*(src|href)=\"?https?:.*"), "no external resources");
        assertEquals(
                List.of("http://www.w3.org/2000/svg"),
                Pattern.compile("https?://[^\"'\\s)]+")
                        .matcher(html)
                        .results()
                        .map(r -> r.group())
                        .distinct()
                        .collect(Collectors.toList()));
    }

    @Test
    void aModelWithoutLabelsHasOnlyWhatItHas() throws Exception {
        List<String> labelFree = replay.vitals.stream()
                .filter(l -> l.contains("\"vital\":\"prediction_count\"")
                        || l.contains("\"vital\":\"class_share\"")
                        || l.contains("\"vital\":\"predictions_per_second\""))
                .collect(Collectors.toList());
        JsonNode model =
                data(HtmlReport.render(labelFree, List.of())).path("models").get(0);
        assertFalse(model.path("series").has("accuracy||"));
        assertTrue(model.path("series").has("predictions_per_second||"));
        assertEquals(0, model.path("alerts").size());
        assertEquals(
                T0 + 4 * MINUTE,
                model.path("latestShares").path("window_end").asLong(),
                "the latest window's class shares");
    }

    @Test
    void chartsRenderInHeadlessChromiumWithoutScriptErrors(@TempDir Path dir) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "Debian's chromium is not installed (apt-get install chromium)");
        Path full = dir.resolve("full.html");
        Files.writeString(full, HtmlReport.render(replay.vitals, replay.alerts));
        String dom = dump(chromium, full, dir);
        assertTrue(dom.contains("data-status=\"rendered\""), "the script ran to the end without an error");
        assertTrue(Pattern.compile("data-chart=\"Accuracy\"").matcher(dom).find());
        assertTrue(count(dom, "class=\"series\"") >= 10, "lines drawn: " + count(dom, "class=\"series\""));
        assertTrue(count(dom, "class=\"alert-span\"") >= 1, "the alert period is shaded");
        assertEquals(1, count(dom, "<tbody><tr>"), "one row in the alerts table");

        List<String> labelFree = replay.vitals.stream()
                .filter(l -> l.contains("\"vital\":\"prediction_count\"") || l.contains("\"vital\":\"class_share\""))
                .collect(Collectors.toList());
        Path partial = dir.resolve("partial.html");
        Files.writeString(partial, HtmlReport.render(labelFree, List.of()));
        String partialDom = dump(chromium, partial, dir);
        assertTrue(partialDom.contains("data-status=\"rendered\""));
        assertTrue(partialDom.contains("No labels yet"), "says what is missing");
        assertTrue(partialDom.contains("No alerts."));
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** The page's DOM after its scripts ran, from headless Chromium (the flags keep it off the network). */
    private static String dump(Path chromium, Path page, Path dir) throws Exception {
        Process p = new ProcessBuilder(
                        chromium.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--user-data-dir=" + dir.resolve("profile"),
                        "--dump-dom",
                        page.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        return dom;
    }
}
