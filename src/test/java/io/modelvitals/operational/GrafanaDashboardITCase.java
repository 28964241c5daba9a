package io.modelvitals.operational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.modelvitals.config.KpiSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Origin;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.tools.demo.Demo;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Grafana dashboard against what the job really exports: {@link VitalGauges} and {@link DeadLetterCounter}
 * run in a local MiniCluster with Flink's own Prometheus reporter, configured as deploy/k8s configures it,
 * for a model named {@code fraud-detector} (version {@code v1.2}, a KPI {@code take-up}, a class
 * {@code sci-fi}): every template variable of the dashboard must resolve to the values expected by hand,
 * and every panel query, for every value its panel repeats over, must select exported series.
 */
class GrafanaDashboardITCase {
    private static final Path DASHBOARD = Path.of("deploy/grafana/dashboards/model-vitals.json");
    private static final String PORTS = "19250-19290";

    /** The gauges a model with awkward names exports (whole population only, as the job writes them). */
    static final class Vitals implements MapFunction<Long, VitalRecord> {
        @Override
        public VitalRecord map(Long i) throws Exception {
            Thread.sleep(20); // a trickle: the job must run until the test has scraped it
            String version = i % 2 == 0 ? "v1.2" : "v2";
            VitalRecord v;
            switch ((int) (i / 2 % 6)) {
                case 0:
                    v = new VitalRecord("fraud-detector", version, "all", "accuracy", null, 0.9, 100, 0, 60_000);
                    break;
                case 1:
                    v = new VitalRecord("fraud-detector", version, "all", "recall", "sci-fi", 0.7, 100, 0, 60_000);
                    break;
                case 2:
                    v = new VitalRecord("fraud-detector", version, "all", "kpi", "take-up", 0.3, 100, 0, 60_000);
                    break;
                case 3:
                    v = new VitalRecord(
                            "fraud-detector", version, "all", "kpi_difference", "take-up", -0.01, 100, 0, 60_000);
                    v.reference = "champion";
                    break;
                case 4:
                    v = new VitalRecord("fraud-detector", version, "all", "class_psi", null, 0.02, 100, 0, 60_000);
                    v.reference = "champion";
                    break;
                default:
                    // A segment's vital is not exported.
                    v = new VitalRecord(
                            "fraud-detector", version, "country=US", "label_coverage", null, 0.8, 10, 0, 60_000);
            }
            return v;
        }
    }

    static final class Letters implements MapFunction<Long, DeadLetter> {
        @Override
        public DeadLetter map(Long i) throws Exception {
            Thread.sleep(50);
            return new DeadLetter("not json", new Origin(), "{", "utf8");
        }
    }

    @Test
    @Timeout(300)
    void everyVariableAndQueryResolvesAgainstWhatTheJobExports() throws Exception {
        Map<String, String> conf = new HashMap<>(reporterSettingsOfTheDeployment());
        conf.put("metrics.reporter.prom.port", PORTS);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(Configuration.fromMap(conf));
        env.setParallelism(1);
        env.fromSequence(0, Long.MAX_VALUE)
                .map(new Vitals())
                .map(new VitalGauges())
                .sinkTo(new DiscardingSink<>());
        env.fromSequence(0, Long.MAX_VALUE)
                .map(new Letters())
                .map(new DeadLetterCounter())
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("grafana-dashboard-test");
        List<Series> exported;
        try {
            exported = scrapeUntil(s -> s.stream().anyMatch(x -> x.name.endsWith("_deadLetters"))
                    && s.stream()
                                    .filter(x -> "fraud-detector".equals(x.labels.get("model")))
                                    .count()
                            == 10);
        } finally {
            job.cancel().get();
        }

        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String query = variable.path("query")
                    .path("query")
                    .asText(variable.path("query").asText());
            Matcher lv = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)").matcher(query);
            assertTrue(lv.matches(), "a label_values query: " + query);
            Set<String> found = new TreeSet<>();
            for (Series s : select(exported, substitute(lv.group(1), values, null)))
                if (s.labels.containsKey(lv.group(2))) found.add(s.labels.get(lv.group(2)));
            String regex = variable.path("regex").asText("");
            if (!regex.isEmpty()) {
                Pattern p = Pattern.compile(regex.substring(1, regex.lastIndexOf('/')));
                Set<String> kept = new TreeSet<>();
                for (String f : found) {
                    Matcher m = p.matcher(f);
                    if (m.find()) kept.add(m.groupCount() > 0 ? m.group(1) : f);
                }
                found = kept;
            }
            assertFalse(found.isEmpty(), "variable " + variable.path("name").asText() + " resolves: " + query);
            values.put(variable.path("name").asText(), new ArrayList<>(found));
        }
        // Expected by hand from the records above: the names keep their characters.
        assertEquals(List.of("fraud-detector"), values.get("model"));
        assertEquals(List.of("v1.2", "v2"), values.get("version"));
        assertEquals(List.of("accuracy", "class_psi_champion", "recall_sci-fi"), values.get("vital"));
        assertEquals(List.of("take-up"), values.get("kpi"));

        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                String repeat = panel.path("repeat").asText(null);
                for (String value : repeat == null ? List.of("") : values.get(repeat)) {
                    String instance = substitute(expr, values, repeat == null ? null : Map.entry(repeat, value));
                    List<String> selectors = selectors(instance);
                    assertFalse(selectors.isEmpty(), "a metric in " + expr);
                    for (String selector : selectors)
                        assertFalse(
                                select(exported, selector).isEmpty(),
                                "panel '" + panel.path("title").asText() + "' selects exported series: " + instance);
                    queries++;
                }
            }
        }
        assertEquals(2 + 3 + 1 + 1, queries, "overview 2, a panel per vital 3, KPI and KPI difference per KPI");

        // No panel is tied to the demo: none of its model or KPI names appears.
        String text = Files.readString(DASHBOARD);
        MonitorSpec demo = Demo.bundledSpec();
        for (ModelSpec m : demo.models) {
            assertFalse(text.contains(m.name), m.name);
            if (m.kpis != null) for (KpiSpec k : m.kpis) assertFalse(text.contains(k.name), k.name);
        }
    }

    /** The metrics.reporter.prom.* settings of the Kubernetes deployment (docker-compose sets the same). */
    static Map<String, String> reporterSettingsOfTheDeployment() throws IOException {
        JsonNode conf = new YAMLMapper()
                .readTree(Path.of("deploy/k8s/flinkdeployment.yaml").toFile())
                .path("spec")
                .path("flinkConfiguration");
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : conf.properties())
            if (e.getKey().startsWith("metrics.reporter.prom."))
                out.put(e.getKey(), e.getValue().asText());
        assertTrue(out.containsKey("metrics.reporter.prom.factory.class"), "the deployment has the reporter");
        String compose = Files.readString(Path.of("docker-compose.yml"));
        for (Map.Entry<String, String> e : out.entrySet())
            if (!e.getKey().endsWith(".port"))
                assertTrue(compose.contains(e.getKey() + ": " + e.getValue()), "docker-compose sets " + e);
        return out;
    }

    record Series(String name, Map<String, String> labels) {}

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** Scrapes the reporter (whichever port of the range it took) until the exported series satisfy {@code done}. */
    private static List<Series> scrapeUntil(java.util.function.Predicate<List<Series>> done) throws Exception {
        int from = Integer.parseInt(PORTS.split("-")[0]), to = Integer.parseInt(PORTS.split("-")[1]);
        while (true) {
            for (int port = from; port <= to; port++) {
                String body = get("http://127.0.0.1:" + port + "/metrics");
                if (body == null || !body.contains("fraud-detector")) continue;
                List<Series> series = new ArrayList<>();
                for (String line : body.split("\n")) {
                    if (line.startsWith("#")) continue;
                    Matcher m = LINE.matcher(line);
                    if (!m.matches()) continue;
                    Map<String, String> labels = new HashMap<>();
                    if (m.group(2) != null) {
                        Matcher l = LABEL.matcher(m.group(2));
                        while (l.find()) labels.put(l.group(1), l.group(2));
                    }
                    series.add(new Series(m.group(1), labels));
                }
                if (done.test(series)) return series;
            }
            Thread.sleep(500);
        }
    }

    private static String get(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(300);
            c.setReadTimeout(2000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Grafana's interpolation for Prometheus: a multi-value or All variable becomes an alternation of its
     * values, each regex-escaped (so the dashboard must match them with =~); the repeated variable takes one
     * value per panel, escaped too.
     */
    private static String substitute(String expr, Map<String, List<String>> values, Map.Entry<String, String> repeat) {
        String out = expr;
        for (Map.Entry<String, List<String>> v : values.entrySet()) {
            String replacement = repeat != null && repeat.getKey().equals(v.getKey())
                    ? escape(repeat.getValue())
                    : "("
                            + v.getValue().stream()
                                    .map(GrafanaDashboardITCase::escape)
                                    .collect(Collectors.joining("|")) + ")";
            out = out.replace("${" + v.getKey() + "}", replacement).replace("$" + v.getKey(), replacement);
        }
        assertFalse(out.contains("$"), "every variable resolved: " + out);
        return out;
    }

    private static String escape(String value) {
        return value.replaceAll("([\\\\.*+?^${}()|\\[\\]])", "\\\\$1");
    }

    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\}|\\[)");
    private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The series selectors of a PromQL expression: metric{…} and metric[range]. */
    private static List<String> selectors(String expr) {
        List<String> out = new ArrayList<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) out.add(m.group(1) + (m.group(2).equals("[") ? "" : m.group(2)));
        return out;
    }

    /** The exported series a selector picks (PromQL semantics: regex matchers are anchored). */
    private static List<Series> select(List<Series> exported, String selector) {
        Matcher head = Pattern.compile("^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(?:\\{(.*)\\})?\\s*$")
                .matcher(selector);
        assertTrue(head.matches(), "a selector: " + selector);
        List<String[]> matchers = new ArrayList<>();
        if (head.group(2) != null) {
            Matcher m = MATCHER.matcher(head.group(2));
            while (m.find())
                matchers.add(new String[] {m.group(1), m.group(2), m.group(3).replace("\\\\", "\\")});
        }
        List<Series> out = new ArrayList<>();
        for (Series s : exported) {
            if (!s.name.equals(head.group(1))) continue;
            boolean ok = true;
            for (String[] m : matchers) {
                String v = s.labels.getOrDefault(m[0], "");
                boolean hit = switch (m[1]) {
                    case "=" -> v.equals(m[2]);
                    case "!=" -> !v.equals(m[2]);
                    case "=~" -> v.matches(m[2]);
                    default -> !v.matches(m[2]);
                };
                ok &= hit;
            }
            if (ok) out.add(s);
        }
        return out;
    }
}
