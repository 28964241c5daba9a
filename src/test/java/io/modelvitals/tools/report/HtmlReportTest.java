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
        // Self-contained: nothing is fetched; the one URL is uPlot's banner comment, and uPlot itself is inline.
        assertFalse(html.matches("(?s).*(src|href)=\"?https?:.*"), "no external resources");
        assertEquals(
                List.of("https://github.com/leeoniya/uPlot"),
                Pattern.compile("https?://[^\"'\\s)]+")
                        .matcher(html)
                        .results()
                        .map(r -> r.group())
                        .distinct()
                        .collect(Collectors.toList()));
        assertTrue(html.contains("var uPlot=function()"), "uPlot's script is inline");
        assertTrue(html.contains(".uplot"), "and its styles");
    }

    /**
     * Three versions of a model called fraud-detector, alerts written by hand: v1 never alerts (healthy); v2
     * has two episodes 10:00→10:30 and 10:20→11:00 (recovered; under alert 10:00→11:00 = 60 min, the overlap
     * counted once); v3 fires at 10:40 and is still firing at the last window's end, 12:00 (80 min so far).
     */
    @Test
    void theSummarySaysWhatFiredForHowLongAndWhichVersionsAreHealthy() throws Exception {
        long t10 = java.time.Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
        List<String> vitals = new java.util.ArrayList<>();
        for (String version : List.of("v1", "v2", "v3"))
            for (int w = 0; w <= 12; w++) // windows of 10 minutes ending 10:00 … 12:00
            vitals.add(String.format(
                    java.util.Locale.ROOT,
                    "{\"model\":\"fraud-detector\",\"version\":\"%s\",\"segment\":\"all\",\"vital\":\"accuracy\","
                            + "\"value\":0.9,\"ci_lower\":0.85,\"ci_upper\":0.95,\"n\":%d,"
                            + "\"window_start\":%d,\"window_end\":%d}",
                    version,
                    50 + 10 * w,
                    t10 + (w - 1) * 600_000L,
                    t10 + w * 600_000L));
        List<String> alerts = List.of(
                alert("firing", "a", "v2", "2026-03-01T10:00:00Z", null, t10),
                alert("firing", "b", "v2", "2026-03-01T10:20:00Z", null, t10 + 1_200_000),
                alert("resolved", "a", "v2", "2026-03-01T10:00:00Z", "2026-03-01T10:30:00Z", t10 + 1_800_000),
                alert("firing", "c", "v3", "2026-03-01T10:40:00Z", null, t10 + 2_400_000),
                alert("resolved", "b", "v2", "2026-03-01T10:20:00Z", "2026-03-01T11:00:00Z", t10 + 3_600_000));
        JsonNode data = data(HtmlReport.render(vitals, alerts));
        JsonNode summary = data.path("summary");
        assertEquals(t10 - 600_000, summary.path("from").asLong(), "the first window's start");
        assertEquals(t10 + 7_200_000, summary.path("to").asLong(), "the last window's end, 12:00");

        JsonNode versions = summary.path("versions");
        assertEquals(3, versions.size());
        assertEquals("fraud-detector|v1|healthy|0|0", row(versions.get(0)));
        assertEquals("fraud-detector|v2|recovered|2|" + 60 * 60_000, row(versions.get(1)));
        assertEquals("fraud-detector|v3|firing|1|" + 80 * 60_000, row(versions.get(2)));

        JsonNode fired = summary.path("alerts");
        assertEquals(3, fired.size(), "three episodes, in the order they started");
        assertEquals("a|v2|false|" + 30 * 60_000, episode(fired.get(0)));
        assertEquals("b|v2|false|" + 40 * 60_000, episode(fired.get(1)));
        assertEquals("c|v3|true|" + 80 * 60_000, episode(fired.get(2)));
        assertTrue(fired.get(2).path("endsAt").isNull());

        // Without a spec every window below the default min_samples (100) is faded: here n = 50 … 170.
        assertEquals(
                ReportData.DEFAULT_MIN_SAMPLES,
                data.path("models").get(0).path("minSamples").path("accuracy||").asLong());
    }

    private static String row(JsonNode v) {
        return v.path("model").asText() + "|" + v.path("version").asText() + "|"
                + v.path("status").asText() + "|" + v.path("alerts").asInt() + "|"
                + v.path("firingMs").asLong();
    }

    private static String episode(JsonNode a) {
        return a.path("alertname").asText() + "|" + a.path("version").asText() + "|"
                + a.path("firing").asBoolean() + "|" + a.path("durationMs").asLong();
    }

    private static String alert(String status, String name, String version, String startsAt, String endsAt, long end) {
        return "{\"status\":\"" + status + "\",\"labels\":{\"alertname\":\"" + name
                + "\",\"model\":\"fraud-detector\",\"segment\":\"all\",\"severity\":\"warning\",\"version\":\""
                + version + "\",\"vital\":\"accuracy\"},\"annotations\":{\"summary\":\"" + name + "\"},\"startsAt\":\""
                + startsAt + "\"" + (endsAt == null ? "" : ",\"endsAt\":\"" + endsAt + "\"") + ",\"fingerprint\":\""
                + name
                + "\",\"window_end\":" + end + "}";
    }

    /** The spec's rule on accuracy says min_samples 4; vitals without a rule keep the default 100. */
    @Test
    void minSamplesComeFromTheSpecsRules() throws Exception {
        JsonNode model = data(HtmlReport.render(
                        replay.vitals,
                        replay.alerts,
                        ReportData.MinSamples.of(SpecLoader.parse(KnownStreams.SPEC, "test"))))
                .path("models")
                .get(0);
        assertEquals(4, model.path("minSamples").path("accuracy||").asLong());
        assertEquals(100, model.path("minSamples").path("label_coverage||").asLong());
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
        Files.writeString(
                full,
                HtmlReport.render(
                        replay.vitals,
                        replay.alerts,
                        ReportData.MinSamples.of(SpecLoader.parse(KnownStreams.SPEC, "test"))));
        String dom = dump(chromium, full, dir);
        assertTrue(dom.contains("data-status=\"rendered\""), "the script ran to the end without an error");
        assertTrue(dom.contains("<pre id=\"errors\" hidden=\"\"></pre>"), "no error shown");
        int charts = count(dom, "class=\"uplot ");
        assertTrue(charts >= 5, "uPlot charts: " + charts);
        // Every chart's canvas holds ink in its first series' colour: uPlot drew the line, not just the axes.
        Matcher ink = Pattern.compile("data-chart=\"([^\"]+)\"[^>]*data-series-ink=\"(\\d+)\"")
                .matcher(dom);
        int inked = 0;
        while (ink.find()) {
            assertTrue(Integer.parseInt(ink.group(2)) > 30, "a series drawn: " + ink.group());
            inked++;
        }
        assertEquals(charts, inked, "each chart reported its drawing");
        Matcher accuracy = Pattern.compile("<div class=\"card\" data-chart=\"Accuracy\"[^>]*>")
                .matcher(dom);
        assertTrue(accuracy.find(), "the accuracy chart");
        // n = 5 per window: the spec's min_samples of 4 for accuracy leaves it solid, the default 100 fades
        // the label coverage (its legend names the faded line).
        assertFalse(section(dom, "Accuracy").contains("n &lt; "), "accuracy windows have enough samples");
        assertTrue(section(dom, "Label coverage").contains("v1 n &lt; 100"), "label coverage is faded");
        assertTrue(dom.contains("status-recovered"), "the summary: v1 alerted and recovered");
        assertEquals(1, count(dom, "<table class=\"alerts\">"), "the alerts table");

        List<String> labelFree = replay.vitals.stream()
                .filter(l -> l.contains("\"vital\":\"prediction_count\"") || l.contains("\"vital\":\"class_share\""))
                .collect(Collectors.toList());
        Path partial = dir.resolve("partial.html");
        Files.writeString(partial, HtmlReport.render(labelFree, List.of()));
        String partialDom = dump(chromium, partial, dir);
        assertTrue(partialDom.contains("data-status=\"rendered\""));
        assertTrue(partialDom.contains("No labels yet"), "says what is missing");
        assertTrue(partialDom.contains("No alerts."));
        assertTrue(partialDom.contains("status-healthy"), "a version without alerts is healthy");
    }

    /**
     * Hand-built estimation vitals of model "credit", versions v1 and v2, three 10-minute windows written
     * newest first: estimated accuracy 0.90, 0.85, 0.80 ± 0.04 over n = 200 predictions, realized accuracy
     * 0.88, 0.70, 0.81 over 120 labelled ones, and the error estimate − realized with the estimate's interval
     * minus the realized value (docs/estimation.md).
     */
    private static final long E0 =
            java.time.Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    private static final double[] ESTIMATED = {0.90, 0.85, 0.80}, REALIZED = {0.88, 0.70, 0.81};

    private static List<String> estimationVitals() {
        List<String> lines = new java.util.ArrayList<>();
        for (String version : List.of("v1", "v2"))
            for (int w = 2; w >= 0; w--) {
                double e = ESTIMATED[w], r = REALIZED[w];
                lines.add(estimationLine(version, "estimated_accuracy", e, e - 0.04, e + 0.04, 200, w));
                lines.add(estimationLine(version, "realized_accuracy", r, null, null, 120, w));
                lines.add(estimationLine(
                        version, "estimation_error_accuracy", e - r, e - 0.04 - r, e + 0.04 - r, 120, w));
            }
        return lines;
    }

    private static String estimationLine(
            String version, String vital, double value, Double lower, Double upper, long n, int w) {
        return String.format(
                java.util.Locale.ROOT,
                "{\"model\":\"credit\",\"version\":\"%s\",\"segment\":\"all\",\"vital\":\"%s\",\"value\":%s,%s"
                        + "\"n\":%d,\"window_start\":%d,\"window_end\":%d}",
                version,
                vital,
                Double.toString(value),
                lower == null ? "" : "\"ci_lower\":" + lower + ",\"ci_upper\":" + upper + ",",
                n,
                E0 + w * 600_000L,
                E0 + (w + 1) * 600_000L);
    }

    @Test
    void estimatedAndRealizedAccuracyAreCarriedPerVersionInTimeOrder() throws Exception {
        JsonNode series = data(HtmlReport.render(estimationVitals(), List.of()))
                .path("models")
                .get(0)
                .path("series");
        for (String version : List.of("v1", "v2")) {
            JsonNode est = series.path("estimated_accuracy||").path(version);
            JsonNode real = series.path("realized_accuracy||").path(version);
            JsonNode err = series.path("estimation_error_accuracy||").path(version);
            assertEquals(3, est.size());
            assertEquals(3, real.size());
            assertEquals(3, err.size());
            for (int w = 0; w < 3; w++) {
                long end = E0 + (w + 1) * 600_000L;
                assertEquals(end, est.get(w).get(0).asLong(), "in time order");
                assertEquals(ESTIMATED[w], est.get(w).get(1).asDouble(), 1e-12);
                assertEquals(ESTIMATED[w] - 0.04, est.get(w).get(2).asDouble(), 1e-12);
                assertEquals(ESTIMATED[w] + 0.04, est.get(w).get(3).asDouble(), 1e-12);
                assertEquals(200, est.get(w).get(4).asLong());
                assertEquals(end, real.get(w).get(0).asLong());
                assertEquals(REALIZED[w], real.get(w).get(1).asDouble(), 1e-12);
                assertTrue(real.get(w).get(2).isNull(), "no interval on the realized value");
                assertEquals(120, real.get(w).get(4).asLong());
                assertEquals(ESTIMATED[w] - REALIZED[w], err.get(w).get(1).asDouble(), 1e-12);
            }
        }
        // Window 2 (10:10–10:20): realized 0.70 lies below the estimate's interval [0.81, 0.89].
        assertTrue(series.path("estimation_error_accuracy||")
                        .path("v1")
                        .get(1)
                        .get(2)
                        .asDouble()
                > 0);
    }

    @Test
    void estimatedAndRealizedAccuracyAreDrawnOnOneChartPerVersion(@TempDir Path dir) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "Debian's chromium is not installed (apt-get install chromium)");
        Path page = dir.resolve("estimation.html");
        Files.writeString(page, HtmlReport.render(estimationVitals(), List.of()));
        String dom = dump(chromium, page, dir);
        assertTrue(dom.contains("data-status=\"rendered\""), "the script ran to the end without an error");
        assertTrue(dom.contains("<pre id=\"errors\" hidden=\"\"></pre>"), "no error shown");
        for (String version : List.of("v1", "v2")) {
            String card = section(dom, "Estimated vs realized accuracy, " + version);
            assertTrue(card.contains(version + " estimated") && card.contains(version + " realized"), "both lines");
            Matcher ink = Pattern.compile("data-series-ink=\"(\\d+)\"").matcher(card);
            assertTrue(ink.find() && Integer.parseInt(ink.group(1)) > 30, "drawn");
        }
        assertTrue(dom.contains("data-chart=\"Estimation error of accuracy (estimate − realized)\""), "and the error");
    }

    /** The DOM of one chart card, from its opening tag to the next card. */
    private static String section(String dom, String chart) {
        int start = dom.indexOf("data-chart=\"" + chart + "\"");
        assertTrue(start >= 0, "chart " + chart);
        int end = dom.indexOf("class=\"card\"", start);
        return dom.substring(start, end < 0 ? dom.length() : end);
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
