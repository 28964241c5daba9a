package io.modelvitals.alerting;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.RuleSpec;
import io.modelvitals.events.RuleCheck;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** What routes an alert to the people on call: the spec's labels, and the link back to a dashboard or report. */
final class Routing {
    private Routing() {}

    /** The model's labels, then the rule's (a rule's own win); null when neither sets any. */
    static Map<String, String> labels(ModelSpec model, RuleSpec rule) {
        if ((model == null || model.labels == null) && rule.labels == null) return null;
        Map<String, String> labels = new TreeMap<>();
        if (model != null && model.labels != null) labels.putAll(model.labels);
        if (rule.labels != null) labels.putAll(rule.labels);
        return labels;
    }

    /** The template with {model}, {version}, {segment}, {vital} and {alertname} replaced, URL-encoded. */
    static String generatorUrl(String template, RuleCheck c) {
        if (template == null) return null;
        return template.replace("{model}", encode(c.model))
                .replace("{version}", encode(c.version))
                .replace("{segment}", encode(c.segment))
                .replace("{vital}", encode(c.vital))
                .replace("{alertname}", encode(c.rule));
    }

    private static String encode(String s) {
        return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
