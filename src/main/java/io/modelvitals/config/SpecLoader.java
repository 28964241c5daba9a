package io.modelvitals.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.modelvitals.vitals.Vitals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a monitor spec from YAML, applies defaults and validates it, failing with the line or field at fault. */
public final class SpecLoader {
    private static final Set<String> OPS = Set.of("<", "<=", ">", ">=");
    private static final Set<String> TASKS = Set.of("classification", "regression");
    private static final Set<String> START_FROM = Set.of("earliest", "latest", "committed");
    private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical", "page");

    private SpecLoader() {}

    public static MonitorSpec load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new SpecException("cannot read spec " + file + ": " + e.getMessage(), e);
        }
    }

    public static MonitorSpec parse(String yaml, String sourceName) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        MonitorSpec spec;
        try {
            spec = mapper.readValue(yaml, MonitorSpec.class);
        } catch (JsonMappingException e) {
            String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new SpecException(sourceName + where + " (" + path(e) + "): " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new SpecException(sourceName + where + ": " + e.getOriginalMessage(), e);
        }
        if (spec == null) throw new SpecException(sourceName + ": the spec is empty");
        applyDefaults(spec);
        List<String> errors = validate(spec);
        if (!errors.isEmpty()) {
            throw new SpecException(sourceName + ": invalid spec:\n  - " + String.join("\n  - ", errors));
        }
        return spec;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "top level" : sb.toString();
    }

    private static void applyDefaults(MonitorSpec spec) {
        if (spec.job == null) spec.job = new JobSpec();
        if (spec.kafka == null) spec.kafka = new KafkaSpec();
        if (spec.kafka.topics == null) spec.kafka.topics = new KafkaSpec.TopicsSpec();
        if (spec.models == null) spec.models = new ArrayList<>();
        ModelSpec d = spec.defaults == null ? new ModelSpec() : spec.defaults;
        spec.defaults = d;
        if (d.task == null) d.task = "classification";
        if (d.window == null) d.window = new WindowSpec("1h", null);
        if (d.labelHorizon == null) d.labelHorizon = "7d";
        if (d.lateLabelGrace == null) d.lateLabelGrace = "1d";
        if (d.segments == null) d.segments = new ArrayList<>();
        if (d.segmentValueCap == null) d.segmentValueCap = 100;
        if (d.rules == null) d.rules = new ArrayList<>();
        if (d.name == null) d.name = "*";
        for (ModelSpec m : spec.models) {
            if (m.task == null) m.task = d.task;
            if (m.window == null) m.window = d.window;
            if (m.labelHorizon == null) m.labelHorizon = d.labelHorizon;
            if (m.lateLabelGrace == null) m.lateLabelGrace = d.lateLabelGrace;
            if (m.segments == null) m.segments = d.segments;
            if (m.segmentValueCap == null) m.segmentValueCap = d.segmentValueCap;
            if (m.alertStaleAfter == null) m.alertStaleAfter = d.alertStaleAfter;
            if (m.rules == null) m.rules = new ArrayList<>();
        }
        List<ModelSpec> all = new ArrayList<>(spec.models);
        all.add(d);
        for (ModelSpec m : all) {
            for (RuleSpec r : m.rules) {
                if (r.minSamples == null) r.minSamples = 100L;
                if (r.forWindows == null) r.forWindows = 1;
                if (r.severity == null) r.severity = "warning";
                if (r.perSegment == null) r.perSegment = false;
            }
        }
    }

    private static List<String> validate(MonitorSpec spec) {
        List<String> errors = new ArrayList<>();
        duration(errors, "job.max_out_of_orderness", spec.job.maxOutOfOrderness);
        duration(errors, "job.idleness", spec.job.idleness);
        duration(errors, "job.checkpoint_interval", spec.job.checkpointInterval);
        if (spec.job.aggregationSpread < 1) errors.add("job.aggregation_spread: must be ≥ 1");
        if (!START_FROM.contains(spec.kafka.startFrom)) errors.add("kafka.start_from: must be one of " + START_FROM);
        validateModel(errors, "defaults", spec.defaults);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.models.size(); i++) {
            ModelSpec m = spec.models.get(i);
            String at = "models[" + i + "]";
            if (m.name == null || m.name.isBlank()) errors.add(at + ".name: required");
            else if (!names.add(m.name)) errors.add(at + ".name: model '" + m.name + "' is declared twice");
            validateModel(errors, at, m);
        }
        return errors;
    }

    private static void validateModel(List<String> errors, String at, ModelSpec m) {
        if (!TASKS.contains(m.task)) errors.add(at + ".task: must be one of " + TASKS + ", not '" + m.task + "'");
        if (m.window.size == null) errors.add(at + ".window.size: required");
        boolean sizeOk = duration(errors, at + ".window.size", m.window.size);
        boolean slideOk = m.window.slide == null || duration(errors, at + ".window.slide", m.window.slide);
        if (sizeOk && slideOk) {
            long size = m.windowSizeMs(), slide = m.windowSlideMs();
            if (size <= 0 || slide <= 0) errors.add(at + ".window: size and slide must be > 0");
            else if (size % slide != 0) errors.add(at + ".window: size must be a multiple of slide");
        }
        duration(errors, at + ".label_horizon", m.labelHorizon);
        duration(errors, at + ".late_label_grace", m.lateLabelGrace);
        if (m.alertStaleAfter != null) duration(errors, at + ".alert_stale_after", m.alertStaleAfter);
        if (m.segmentValueCap < 1) errors.add(at + ".segment_value_cap: must be ≥ 1");
        Set<String> ruleNames = new HashSet<>();
        for (int j = 0; j < m.rules.size(); j++) {
            RuleSpec r = m.rules.get(j);
            String rat = at + ".rules[" + j + "]";
            if (r.name == null || r.name.isBlank()) errors.add(rat + ".name: required");
            else if (!ruleNames.add(r.name)) errors.add(rat + ".name: rule '" + r.name + "' is declared twice");
            if (r.vital == null) errors.add(rat + ".vital: required");
            else if (!Vitals.ALL.contains(r.vital)) errors.add(rat + ".vital: unknown vital '" + r.vital + "'; known: " + new java.util.TreeSet<>(Vitals.ALL));
            else if (Vitals.PER_CLASS.contains(r.vital) && r.cls == null) errors.add(rat + ".class: required for the per-class vital " + r.vital);
            if (r.op == null || !OPS.contains(r.op)) errors.add(rat + ".op: must be one of " + OPS);
            if (r.threshold == null || !Double.isFinite(r.threshold)) errors.add(rat + ".threshold: a finite number is required");
            if (r.minSamples < 1) errors.add(rat + ".min_samples: must be ≥ 1");
            if (r.forWindows < 1) errors.add(rat + ".for: must be ≥ 1 window");
            if (!SEVERITIES.contains(r.severity)) errors.add(rat + ".severity: must be one of " + SEVERITIES);
        }
    }

    private static boolean duration(List<String> errors, String at, String value) {
        if (value == null) return false;
        try {
            Durations.parse(value);
            return true;
        } catch (IllegalArgumentException e) {
            errors.add(at + ": " + e.getMessage());
            return false;
        }
    }
}
