package io.modelvitals.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a monitor spec, or a rule set of the control topic, from YAML (or JSON): the entry points of the
 * config package. A document that does not parse fails with its line, column and field path; one that
 * parses gets its defaults ({@link SpecDefaults}) and is then validated ({@link SpecValidator}), failing
 * with every error found. A valid spec's baseline sample files are read last.
 */
public final class SpecLoader {
    /** Thread-safe once configured; shared by the spec and the rule sets of the control topic. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private SpecLoader() {}

    public static MonitorSpec load(Path file) {
        try {
            return parse(
                    Files.readString(file),
                    file.toString(),
                    file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new SpecException("cannot read spec " + file + ": " + e.getMessage(), e);
        }
    }

    public static MonitorSpec parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, Path.of("."));
    }

    /** Parses a spec; {@code baseDir} resolves relative file names in it (a baseline's sample_file). */
    public static MonitorSpec parse(String yaml, String sourceName, Path baseDir) {
        MonitorSpec spec;
        try {
            spec = YAML.readValue(yaml, MonitorSpec.class);
        } catch (JsonMappingException e) {
            throw new SpecException(sourceName + where(e) + " (" + path(e) + "): " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new SpecException(sourceName + where(e) + ": " + e.getOriginalMessage(), e);
        }
        if (spec == null) throw new SpecException(sourceName + ": the spec is empty");
        SpecDefaults.apply(spec);
        List<String> errors = SpecValidator.validate(spec);
        // Files only once the spec is valid, so all of the spec's own errors are reported before any of its files'.
        if (errors.isEmpty()) loadSampleFiles(spec, baseDir);
        if (errors.isEmpty()) loadCalibrationFiles(spec, baseDir);
        if (!errors.isEmpty()) {
            throw new SpecException(sourceName + ": invalid spec:\n  - " + String.join("\n  - ", errors));
        }
        return spec;
    }

    /**
     * Parses and validates a rule set from the control topic against the spec: the model must be
     * monitored, and its rules must be valid for it exactly as in the spec.
     */
    public static RuleSet parseRuleSet(String text, MonitorSpec spec) {
        RuleSet set;
        try {
            set = YAML.readValue(text, RuleSet.class);
        } catch (JsonMappingException e) {
            throw new SpecException("rule set" + where(e) + " (" + path(e) + "): " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new SpecException("rule set: not JSON or YAML: " + e.getOriginalMessage(), e);
        }
        if (set == null || set.model == null || set.model.isBlank()) {
            throw new SpecException("rule set: 'model' is required");
        }
        if (set.rules == null) set.rules = new ArrayList<>();
        for (int i = 0; i < set.rules.size(); i++) {
            if (set.rules.get(i) == null) throw new SpecException("rule set: rules[" + i + "] is empty");
        }
        ModelSpec model = set.model.equals("*") ? spec.defaults : spec.model(set.model);
        if (model == null) {
            throw new SpecException("rule set: model '" + set.model
                    + "' is not monitored (undeclared, and job.monitor_undeclared_models is false)");
        }
        ModelSpec candidate = model.withRules(set.model, set.rules);
        SpecDefaults.rules(set.rules);
        List<String> errors = new ArrayList<>();
        SpecValidator.validateModel(errors, "rule set for '" + set.model + "'", candidate);
        if (!errors.isEmpty()) throw new SpecException(String.join("; ", errors));
        return set;
    }

    /** Where in the text parsing failed, as " line L, column C"; empty if Jackson does not know. */
    private static String where(JsonProcessingException e) {
        if (e.getLocation() == null) return "";
        return " line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
    }

    /** The field at fault, as written in the spec ({@code models[0].window}); "top level" for the document. */
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

    /**
     * Reads each baseline's sample_file (one number per line, blank lines skipped) into its sample, once at
     * load time: the sample then travels with the serialized spec to tasks that may not see the file.
     * A sample given inline wins over the file.
     */
    private static void loadSampleFiles(MonitorSpec spec, Path baseDir) {
        List<ModelSpec> all = new ArrayList<>(spec.models);
        all.add(spec.defaults);
        for (ModelSpec m : all) {
            DriftSpec.Baseline b = m.drift.baseline;
            if (b == null || b.sampleFile == null || b.sample != null) continue;
            Path file = baseDir.resolve(b.sampleFile);
            try {
                List<Double> sample = new ArrayList<>();
                int line = 0;
                for (String s : Files.readAllLines(file)) {
                    line++;
                    if (s.isBlank()) continue;
                    try {
                        double v = Double.parseDouble(s.trim());
                        if (!Double.isFinite(v)) throw new NumberFormatException();
                        sample.add(v);
                    } catch (NumberFormatException e) {
                        throw new SpecException(file + " line " + line + ": not a finite number: '" + s + "'");
                    }
                }
                if (sample.isEmpty()) throw new SpecException(file + ": the baseline sample is empty");
                b.sample = sample;
            } catch (IOException e) {
                throw new SpecException("cannot read baseline sample_file " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads each estimation baseline file into per-bin counts, once at load time (as the drift samples). */
    private static void loadCalibrationFiles(MonitorSpec spec, Path baseDir) {
        List<ModelSpec> all = new ArrayList<>(spec.models);
        all.add(spec.defaults);
        for (ModelSpec m : all) {
            EstimationSpec e = m.estimation;
            if (e == null || e.calibration.file == null || e.calibration.baselineCounts != null) continue;
            if (EstimationSpec.SCORES.equals(e.score) && e.classes != null && e.classes.size() >= 2)
                EstimationSpec.readScoresBaseline(
                        e.calibration, baseDir.resolve(e.calibration.file), e.classes, e.bins);
            else EstimationSpec.readBaseline(e.calibration, baseDir.resolve(e.calibration.file), e.bins);
        }
    }
}
