package io.modelvitals.tools.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelvitals.config.GoalSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.RuleSpec;
import io.modelvitals.config.Vitals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The report's data, per model: time series of the whole population's vitals per version (value,
 * interval, n), the latest window's output distribution and drift, KPI comparisons and the alerts.
 * Built from the JSON lines of the vitals and alerts topics (or replay's files), so the page needs
 * nothing but itself.
 */
public final class ReportData {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Vitals drawn as time series, by section; a section with none of them is left out. */
    static final Map<String, List<String>> SECTIONS = new java.util.LinkedHashMap<>();

    static {
        SECTIONS.put(
                "quality",
                List.of(
                        "accuracy",
                        "macro_f1",
                        "roc_auc",
                        "pr_auc",
                        "log_loss",
                        "brier_score",
                        "expected_calibration_error",
                        "top_k_accuracy",
                        "mae",
                        "rmse",
                        "mape",
                        "mean_error",
                        "r2"));
        // Drawn together, per version: estimate with its interval and realized value on one chart (report.html).
        SECTIONS.put(
                "estimation",
                List.of(
                        Vitals.ESTIMATED_ACCURACY,
                        Vitals.REALIZED_PREFIX + "accuracy",
                        Vitals.ESTIMATION_ERROR_PREFIX + "accuracy"));
        SECTIONS.put("labels", List.of("label_coverage", "label_delay_p50_ms", "label_delay_p95_ms", "labeled_count"));
        SECTIONS.put("drift", List.of("class_psi", "value_psi"));
        SECTIONS.put(
                "operational",
                List.of(
                        "predictions_per_second",
                        "error_rate",
                        "latency_p50_ms",
                        "latency_p95_ms",
                        "latency_p99_ms",
                        "version_share"));
        SECTIONS.put("business", List.of("kpi", "kpi_difference", "discrepancy", "sample_ratio_p_value"));
        SECTIONS.put("goals", List.of("goal"));
    }

    /** The drift statistics listed for the latest window. */
    static final Set<String> DRIFT_STATISTICS = Set.of(
            "class_psi",
            "class_js_distance",
            "class_chi2_p_value",
            "value_psi",
            "value_js_distance",
            "value_ks_statistic",
            "value_ks_p_value",
            "value_wasserstein");

    /** The spec's default min_samples of a rule (SpecDefaults), used where no spec is given. */
    public static final long DEFAULT_MIN_SAMPLES = 100;

    /**
     * The fewest samples a window of (model, vital) needs before the page draws it at full strength: the
     * smallest min_samples among the spec's rules and goals on that vital, the drift spec's for drift
     * statistics, else the default.
     */
    @FunctionalInterface
    public interface MinSamples {
        MinSamples DEFAULT = (model, vital) -> Vitals.WITHOUT_SAMPLES.contains(vital) ? 0 : DEFAULT_MIN_SAMPLES;

        long of(String model, String vital);

        static MinSamples of(MonitorSpec spec) {
            return (model, vital) -> {
                if (Vitals.WITHOUT_SAMPLES.contains(vital)) return 0;
                ModelSpec m = spec.modelOrDefaults(model);
                Long least = null;
                for (RuleSpec r : m.rules == null ? List.<RuleSpec>of() : m.rules)
                    if (vital.equals(r.vital) && r.minSamples != null)
                        least = least == null ? r.minSamples : Math.min(least, r.minSamples);
                for (GoalSpec g : m.goals == null ? List.<GoalSpec>of() : m.goals)
                    if (vital.equals(g.vital) && g.minSamples != null)
                        least = least == null ? g.minSamples : Math.min(least, g.minSamples);
                if (least == null && DRIFT_STATISTICS.contains(vital) && m.drift != null && m.drift.minSamples != null)
                    least = m.drift.minSamples;
                return least == null ? DEFAULT_MIN_SAMPLES : least;
            };
        }
    }

    private ReportData() {}

    public static ObjectNode build(List<String> vitalLines, List<String> alertLines) {
        return build(vitalLines, alertLines, MinSamples.DEFAULT);
    }

    /** The report's data as one JSON object: {models: [...], summary: {...}}. */
    public static ObjectNode build(List<String> vitalLines, List<String> alertLines, MinSamples minSamples) {
        Map<String, List<JsonNode>> vitalsByModel = new TreeMap<>();
        for (String line : vitalLines) {
            JsonNode v = parse(line);
            if (v != null && v.hasNonNull("model"))
                vitalsByModel
                        .computeIfAbsent(v.path("model").asText(), m -> new ArrayList<>())
                        .add(v);
        }
        Map<String, List<JsonNode>> alertsByModel = new TreeMap<>();
        for (String line : alertLines) {
            JsonNode a = parse(line);
            if (a != null)
                alertsByModel
                        .computeIfAbsent(a.path("labels").path("model").asText(), m -> new ArrayList<>())
                        .add(a);
        }
        Set<String> models = new TreeSet<>(vitalsByModel.keySet());
        models.addAll(alertsByModel.keySet());
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode out = root.putArray("models");
        for (String model : models)
            out.add(model(
                    model,
                    vitalsByModel.getOrDefault(model, List.of()),
                    alertsByModel.getOrDefault(model, List.of()),
                    minSamples));
        root.set("summary", summary(out));
        return root;
    }

    private static ObjectNode model(String name, List<JsonNode> vitals, List<JsonNode> alerts, MinSamples minSamples) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("name", name);
        Set<String> versions = new TreeSet<>();
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        // series: "vital|class|reference" → version → [[windowEnd, value, lo, hi, n, p], …]
        Map<String, Map<String, ArrayNode>> series = new TreeMap<>();
        Map<String, ArrayNode> latestShares = new TreeMap<>();
        long latestShareWindow = Long.MIN_VALUE;
        List<JsonNode> latestDrift = new ArrayList<>();
        long latestDriftWindow = Long.MIN_VALUE;
        for (JsonNode v : vitals) {
            if (!"all".equals(v.path("segment").asText())) continue;
            // Quality by prediction time would share its charts with the label-time series: the report shows the
            // latter.
            if (v.has("timeline")) continue;
            String version = v.path("version").asText();
            String vital = v.path("vital").asText();
            long end = v.path("window_end").asLong();
            if (!"all".equals(version)) versions.add(version);
            first = Math.min(first, v.path("window_start").asLong());
            last = Math.max(last, end);
            if (vital.equals("class_share")) {
                if (end > latestShareWindow) {
                    latestShareWindow = end;
                    latestShares.clear();
                }
                if (end == latestShareWindow) {
                    ArrayNode bars = latestShares.computeIfAbsent(version, k -> MAPPER.createArrayNode());
                    bars.addArray()
                            .add(v.path("class").asText())
                            .add(v.path("value").asDouble());
                }
                continue;
            }
            if (v.has("reference") && DRIFT_STATISTICS.contains(vital)) {
                if (end > latestDriftWindow) {
                    latestDriftWindow = end;
                    latestDrift.clear();
                }
                if (end == latestDriftWindow) latestDrift.add(v);
            }
            if (!drawn(vital)) continue;
            String key = vital + "|" + v.path("class").asText("") + "|"
                    + v.path("reference").asText("");
            ArrayNode points = series.computeIfAbsent(key, k -> new TreeMap<>())
                    .computeIfAbsent(version, k -> MAPPER.createArrayNode());
            ArrayNode p = points.addArray().add(end).add(v.path("value").asDouble());
            if (v.has("ci_lower"))
                p.add(v.path("ci_lower").asDouble()).add(v.path("ci_upper").asDouble());
            else p.addNull().addNull();
            p.add(v.path("n").asLong());
            if (v.has("p_value")) p.add(v.path("p_value").asDouble());
        }
        ArrayNode vs = m.putArray("versions");
        versions.forEach(vs::add);
        m.put("from", first == Long.MAX_VALUE ? 0 : first);
        m.put("to", last == Long.MIN_VALUE ? 0 : last);
        ObjectNode min = m.putObject("minSamples");
        for (String key : series.keySet()) min.put(key, minSamples.of(name, key.substring(0, key.indexOf('|'))));
        ObjectNode s = m.putObject("series");
        series.forEach((key, byVersion) -> {
            ObjectNode o = s.putObject(key);
            byVersion.forEach((version, points) -> {
                // Windows arrive in any order from the topic: draw them in time order.
                List<JsonNode> sorted = new ArrayList<>();
                points.forEach(sorted::add);
                sorted.sort((a, b) -> Long.compare(a.get(0).asLong(), b.get(0).asLong()));
                ArrayNode arr = o.putArray(version);
                sorted.forEach(arr::add);
            });
        });
        ObjectNode shares = m.putObject("latestShares");
        shares.put("window_end", latestShareWindow == Long.MIN_VALUE ? 0 : latestShareWindow);
        ObjectNode byVersion = shares.putObject("versions");
        latestShares.forEach(byVersion::set);
        ArrayNode drift = m.putArray("latestDrift");
        latestDrift.sort((a, b) -> (a.path("version").asText()
                        + a.path("reference").asText()
                        + a.path("vital").asText())
                .compareTo(b.path("version").asText()
                        + b.path("reference").asText()
                        + b.path("vital").asText()));
        for (JsonNode d : latestDrift) {
            drift.addObject()
                    .put("version", d.path("version").asText())
                    .put("reference", d.path("reference").asText())
                    .put("vital", d.path("vital").asText())
                    .put("value", d.path("value").asDouble())
                    .put("n", d.path("n").asLong())
                    .put("window_end", d.path("window_end").asLong());
        }
        ArrayNode as = m.putArray("alerts");
        // One row per alert episode: its firing record, with the end of the resolved one if any.
        Map<String, ObjectNode> open = new TreeMap<>();
        List<JsonNode> sortedAlerts = new ArrayList<>(alerts);
        sortedAlerts.sort((a, b) ->
                Long.compare(a.path("window_end").asLong(), b.path("window_end").asLong()));
        for (JsonNode a : sortedAlerts) {
            String fp =
                    a.path("fingerprint").asText() + "|" + a.path("startsAt").asText();
            ObjectNode row = open.get(fp);
            if (row == null) {
                row = as.addObject();
                JsonNode labels = a.path("labels");
                row.put("alertname", labels.path("alertname").asText());
                row.put("version", labels.path("version").asText());
                row.put("segment", labels.path("segment").asText());
                row.put("vital", labels.path("vital").asText());
                row.put("class", labels.path("class").asText(""));
                row.put("reference", labels.path("reference").asText(""));
                row.put("severity", labels.path("severity").asText());
                row.put("startsAt", a.path("startsAt").asText());
                row.put("summary", a.path("annotations").path("summary").asText());
                open.put(fp, row);
            }
            if ("resolved".equals(a.path("status").asText())) {
                row.put("endsAt", a.path("endsAt").asText());
                row.put("resolution", a.path("annotations").path("summary").asText());
            }
        }
        return m;
    }

    /**
     * What a reader wants first: each alert episode (how long it fired; one still firing counts up to the
     * latest window's end), and per model and version whether it is healthy (never alerted in the range),
     * recovered (every episode resolved) or firing, with its time under alert (overlapping episodes once).
     */
    static ObjectNode summary(ArrayNode models) {
        long from = Long.MAX_VALUE, to = Long.MIN_VALUE;
        for (JsonNode m : models) {
            if (m.path("to").asLong() == 0) continue;
            from = Math.min(from, m.path("from").asLong());
            to = Math.max(to, m.path("to").asLong());
        }
        List<ObjectNode> episodes = new ArrayList<>();
        Map<String, List<long[]>> periods = new TreeMap<>();
        Map<String, Boolean> open = new TreeMap<>();
        for (JsonNode m : models) {
            String model = m.path("name").asText();
            for (JsonNode v : m.path("versions")) {
                periods.putIfAbsent(model + "\u0000" + v.asText(), new ArrayList<>());
                open.putIfAbsent(model + "\u0000" + v.asText(), false);
            }
            for (JsonNode a : m.path("alerts")) {
                long start =
                        java.time.Instant.parse(a.path("startsAt").asText()).toEpochMilli();
                boolean firing = !a.hasNonNull("endsAt");
                long end = firing
                        ? Math.max(start, to)
                        : java.time.Instant.parse(a.path("endsAt").asText()).toEpochMilli();
                ObjectNode e = MAPPER.createObjectNode();
                e.put("model", model);
                e.put("version", a.path("version").asText());
                e.put("alertname", a.path("alertname").asText());
                e.put("severity", a.path("severity").asText());
                e.put("vital", a.path("vital").asText());
                e.put("segment", a.path("segment").asText());
                e.put("startsAt", a.path("startsAt").asText());
                if (firing) e.putNull("endsAt");
                else e.put("endsAt", a.path("endsAt").asText());
                e.put("firing", firing);
                e.put("durationMs", end - start);
                episodes.add(e);
                String key = model + "\u0000" + a.path("version").asText();
                periods.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[] {start, end});
                open.merge(key, firing, Boolean::logicalOr);
            }
        }
        episodes.sort((a, b) -> (a.path("startsAt").asText() + a.path("model").asText())
                .compareTo(b.path("startsAt").asText() + b.path("model").asText()));
        ObjectNode s = MAPPER.createObjectNode();
        s.put("from", from == Long.MAX_VALUE ? 0 : from);
        s.put("to", to == Long.MIN_VALUE ? 0 : to);
        ArrayNode alerts = s.putArray("alerts");
        episodes.forEach(alerts::add);
        ArrayNode versions = s.putArray("versions");
        periods.forEach((key, list) -> {
            String[] mv = key.split("\u0000", 2);
            ObjectNode v = versions.addObject();
            v.put("model", mv[0]);
            v.put("version", mv[1]);
            v.put("status", list.isEmpty() ? "healthy" : open.get(key) ? "firing" : "recovered");
            v.put("alerts", list.size());
            v.put("firingMs", union(list));
        });
        return s;
    }

    /** The length of the union of [start, end] periods. */
    private static long union(List<long[]> periods) {
        List<long[]> sorted = new ArrayList<>(periods);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        long total = 0, curStart = Long.MIN_VALUE, curEnd = Long.MIN_VALUE;
        for (long[] p : sorted) {
            if (p[0] > curEnd) {
                if (curEnd > curStart) total += curEnd - curStart;
                curStart = p[0];
                curEnd = p[1];
            } else curEnd = Math.max(curEnd, p[1]);
        }
        if (curEnd > curStart) total += curEnd - curStart;
        return total;
    }

    private static boolean drawn(String vital) {
        for (List<String> vitals : SECTIONS.values()) if (vitals.contains(vital)) return true;
        return false;
    }

    private static JsonNode parse(String line) {
        if (line == null || line.isBlank()) return null;
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not a vital or alert record: " + line, e);
        }
    }

    /** The data and section lists as the page's script reads them. */
    static String json(ObjectNode data) {
        ObjectNode sections = data.putObject("sections");
        SECTIONS.forEach((name, vitals) -> {
            ArrayNode a = sections.putArray(name);
            vitals.forEach(a::add);
        });
        try {
            // Safe inside a script element: no "</" can end it early.
            return MAPPER.writeValueAsString(data).replace("</", "<\\/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
