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
import java.util.Map;
import java.util.Set;

/** Reads a monitor spec from YAML, applies defaults and validates it, failing with the line or field at fault. */
public final class SpecLoader {
    private static final Set<String> OPS = Set.of("<", "<=", ">", ">=");
    private static final Set<String> TASKS = Set.of("classification", "regression");
    private static final Set<String> START_FROM = Set.of("earliest", "latest", "committed");
    private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical", "page");

    /** Thread-safe once configured; shared by the spec and the rule sets of the control topic. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private SpecLoader() {}

    public static MonitorSpec load(Path file) {
        try {
            return parse(Files.readString(file), file.toString(), file.toAbsolutePath().getParent());
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
        applyDefaults(spec);
        List<String> errors = validate(spec);
        if (errors.isEmpty()) loadSampleFiles(spec, baseDir, errors);
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
        if (set == null || set.model == null || set.model.isBlank()) throw new SpecException("rule set: 'model' is required");
        if (set.rules == null) set.rules = new ArrayList<>();
        for (int i = 0; i < set.rules.size(); i++) {
            if (set.rules.get(i) == null) throw new SpecException("rule set: rules[" + i + "] is empty");
        }
        ModelSpec model = set.model.equals("*") ? spec.defaults : spec.model(set.model);
        if (model == null) throw new SpecException("rule set: model '" + set.model + "' is not monitored (undeclared, and job.monitor_undeclared_models is false)");
        ModelSpec candidate = model.withRules(set.model, set.rules);
        ruleDefaults(set.rules);
        List<String> errors = new ArrayList<>();
        validateModel(errors, "rule set for '" + set.model + "'", candidate);
        if (!errors.isEmpty()) throw new SpecException(String.join("; ", errors));
        return set;
    }

    private static void ruleDefaults(List<RuleSpec> rules) {
        for (RuleSpec r : rules) {
            if (r.minSamples == null) r.minSamples = 100L;
            if (r.forWindows == null) r.forWindows = 1;
            if (r.severity == null) r.severity = "warning";
            if (r.perSegment == null) r.perSegment = false;
        }
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
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
        if (d.drift == null) d.drift = new DriftSpec();
        if (d.attributionWindow == null) d.attributionWindow = "1h";
        if (d.positiveClass == null) d.positiveClass = "1";
        if (d.topK == null) d.topK = 3;
        if (d.calibrationBins == null) d.calibrationBins = 10;
        if (d.kpis == null) d.kpis = new ArrayList<>();
        if (d.discrepancies == null) d.discrepancies = new ArrayList<>();
        if (d.goals == null) d.goals = new ArrayList<>();
        applyDriftDefaults(d.drift);
        applyKpiDefaults(d);
        for (ModelSpec m : spec.models) {
            if (m.task == null) m.task = d.task;
            if (m.window == null) m.window = d.window;
            if (m.labelHorizon == null) m.labelHorizon = d.labelHorizon;
            if (m.lateLabelGrace == null) m.lateLabelGrace = d.lateLabelGrace;
            if (m.segments == null) m.segments = d.segments;
            if (m.segmentValueCap == null) m.segmentValueCap = d.segmentValueCap;
            if (m.alertStaleAfter == null) m.alertStaleAfter = d.alertStaleAfter;
            if (m.rules == null) m.rules = new ArrayList<>();
            if (m.drift == null) m.drift = d.drift;
            else applyDriftDefaults(m.drift);
            if (m.champion == null) m.champion = d.champion;
            if (m.absence == null) m.absence = d.absence;
            if (m.trafficSplit == null) m.trafficSplit = d.trafficSplit;
            if (m.attributionWindow == null) m.attributionWindow = d.attributionWindow;
            if (m.positiveClass == null) m.positiveClass = d.positiveClass;
            if (m.topK == null) m.topK = d.topK;
            if (m.calibrationBins == null) m.calibrationBins = d.calibrationBins;
            if (m.kpis == null) m.kpis = d.kpis;
            if (m.discrepancies == null) m.discrepancies = d.discrepancies;
            if (m.goals == null) m.goals = d.goals;
            if (m.optimizationMetric == null) m.optimizationMetric = d.optimizationMetric;
            applyKpiDefaults(m);
        }
        List<ModelSpec> all = new ArrayList<>(spec.models);
        all.add(d);
        for (ModelSpec m : all) ruleDefaults(m.rules);
    }

    private static void applyKpiDefaults(ModelSpec m) {
        for (KpiSpec k : m.kpis) {
            if (k == null) continue;
            for (KpiTerm t : java.util.Arrays.asList(k.numerator, k.denominator)) {
                if (t != null && t.measure == null) t.measure = KpiTerm.COUNT;
            }
        }
        for (GoalSpec g : m.goals) {
            if (g == null) continue;
            if (g.minSamples == null) g.minSamples = 100L;
            if (g.forWindows == null) g.forWindows = 1;
            if (g.severity == null) g.severity = "warning";
        }
        for (DiscrepancySpec d : m.discrepancies) {
            if (d == null) continue;
            if (d.windows == null) d.windows = 6;
            if (d.alpha == null) d.alpha = 0.05;
        }
    }

    private static void applyDriftDefaults(DriftSpec d) {
        if (d.references == null) {
            d.references = new ArrayList<>(List.of(DriftSpec.PREVIOUS, DriftSpec.FIXED, DriftSpec.CHAMPION));
            if (d.baseline != null) d.references.add(DriftSpec.BASELINE);
        }
        if (d.minSamples == null) d.minSamples = 100L;
        if (d.previousWindowsBack == null) d.previousWindowsBack = 1;
        if (d.fixedWindows == null) d.fixedWindows = 6;
    }

    private static void loadSampleFiles(MonitorSpec spec, Path baseDir, List<String> errors) {
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

    private static List<String> validate(MonitorSpec spec) {
        List<String> errors = new ArrayList<>();
        duration(errors, "job.max_out_of_orderness", spec.job.maxOutOfOrderness);
        duration(errors, "job.idleness", spec.job.idleness);
        duration(errors, "job.checkpoint_interval", spec.job.checkpointInterval);
        duration(errors, "job.max_future_skew", spec.job.maxFutureSkew);
        if (spec.job.maxRecordBytes < 64) errors.add("job.max_record_bytes: at least 64");
        if (spec.job.stateBackend != null && !Set.of("hashmap", "rocksdb").contains(spec.job.stateBackend)) {
            errors.add("job.state_backend: hashmap or rocksdb");
        }
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
        if (m.alertStaleAfter != null && duration(errors, at + ".alert_stale_after", m.alertStaleAfter) && sizeOk && slideOk
                && m.alertStaleAfterMs() < 2 * m.windowSlideMs()) {
            // Shorter, and a firing alert would resolve for lack of data between two of its own windows.
            errors.add(at + ".alert_stale_after: must be at least two window slides");
        }
        if (m.segmentValueCap < 1) errors.add(at + ".segment_value_cap: must be ≥ 1");
        if (m.topK < 1) errors.add(at + ".top_k: must be ≥ 1");
        if (m.calibrationBins < 1 || m.calibrationBins > 1000) errors.add(at + ".calibration_bins: between 1 and 1000");
        validateDrift(errors, at + ".drift", m.drift);
        validateKpis(errors, at, m);
        validateGoals(errors, at, m);
        if (m.absence != null) {
            if (m.absence.predictions != null && duration(errors, at + ".absence.predictions", m.absence.predictions)
                    && Durations.parse(m.absence.predictions).toMillis() < 2 * io.modelvitals.functions.Heartbeats.INTERVAL_MS) {
                errors.add(at + ".absence.predictions: at least 2s");
            }
            if (m.absence.labels != null && duration(errors, at + ".absence.labels", m.absence.labels)
                    && Durations.parse(m.absence.labels).toMillis() < 2 * io.modelvitals.functions.Heartbeats.INTERVAL_MS) {
                errors.add(at + ".absence.labels: at least 2s");
            }
        }
        Set<String> ruleNames = new HashSet<>();
        for (int j = 0; j < m.rules.size(); j++) {
            RuleSpec r = m.rules.get(j);
            String rat = at + ".rules[" + j + "]";
            if (r.name == null || r.name.isBlank()) errors.add(rat + ".name: required");
            else if (!ruleNames.add(r.name)) errors.add(rat + ".name: rule '" + r.name + "' is declared twice");
            if (r.vital == null) errors.add(rat + ".vital: required");
            else if (!Vitals.ALL.contains(r.vital)) errors.add(rat + ".vital: unknown vital '" + r.vital + "'; known: " + new java.util.TreeSet<>(Vitals.ALL));
            else if (Vitals.BY_KPI.contains(r.vital)) validateKpiRule(errors, rat, m, r);
            else if (Vitals.GOAL.equals(r.vital) && (r.cls == null || m.goal(r.cls) == null)) errors.add(rat + ".class: the name of one of the model's goals");
            else if (Vitals.PER_CLASS.contains(r.vital) && r.cls == null) errors.add(rat + ".class: required for the per-class vital " + r.vital);
            else if (Vitals.DRIFT.contains(r.vital) && r.reference == null) errors.add(rat + ".reference: required for the drift vital " + r.vital + ": one of " + m.drift.references);
            else if (r.reference != null && !m.drift.references.contains(r.reference)) errors.add(rat + ".reference: '" + r.reference + "' is not among this model's drift.references " + m.drift.references);
            if (r.vital != null && !Vitals.BY_KPI.contains(r.vital) && !Vitals.GOAL.equals(r.vital)) {
                if (r.cls != null && !Vitals.PER_CLASS.contains(r.vital) && !Vitals.SEGMENT_OVERFLOW.equals(r.vital)) {
                    errors.add(rat + ".class: " + r.vital + " is not a per-class vital");
                }
                if (r.reference != null && !Vitals.DRIFT.contains(r.vital)) errors.add(rat + ".reference: " + r.vital + " is not a drift vital");
            }
            if (Vitals.SAMPLE_RATIO_P_VALUE.equals(r.vital) && (m.trafficSplit == null || m.trafficSplit.isEmpty() || m.kpis.isEmpty())) {
                errors.add(rat + ".vital: sample_ratio_p_value needs the model's traffic_split and kpis (the KPI pipeline counts the traffic)");
            }
            if ("significance".equals(r.gate) && r.cls != null && m.kpi(r.cls) != null && m.kpi(r.cls).numerator != null
                    && m.kpi(r.cls).denominator != null && !m.kpi(r.cls).proportion()) {
                errors.add(rat + ".gate: '" + r.cls + "' is a ratio of sums: no two-proportion test, so significance can never pass");
            }
            if (r.detector == null && (r.op == null || !OPS.contains(r.op))) errors.add(rat + ".op: must be one of " + OPS);
            if (r.detector == null && (r.threshold == null || !Double.isFinite(r.threshold))) errors.add(rat + ".threshold: a finite number is required");
            if (r.minSamples < 1) errors.add(rat + ".min_samples: must be ≥ 1");
            validateConditions(errors, rat, r);
            if (r.forWindows < 1) errors.add(rat + ".for: must be ≥ 1 window");
            if (!SEVERITIES.contains(r.severity)) errors.add(rat + ".severity: must be one of " + SEVERITIES);
        }
    }

    private static final Set<String> COMPARES = Set.of("value", "relative_change", "absolute_change");
    private static final Set<String> WITH_INTERVAL = Set.of(Vitals.ACCURACY, Vitals.PRECISION, Vitals.RECALL, Vitals.LABEL_COVERAGE,
            Vitals.CLASS_SHARE, Vitals.KPI, Vitals.KPI_DIFFERENCE, Vitals.ERROR_RATE, Vitals.TOP_K_ACCURACY);

    /** A rule on a KPI vital names the KPI in {@code class}; only a comparison has a reference (champion). */
    private static void validateKpiRule(List<String> errors, String rat, ModelSpec m, RuleSpec r) {
        if (r.cls == null) {
            errors.add(rat + ".class: required for " + r.vital + ": the name of one of the model's kpis");
            return;
        }
        if (m.kpi(r.cls) == null) errors.add(rat + ".class: '" + r.cls + "' is not one of this model's kpis");
        if (r.vital.equals(Vitals.DISCREPANCY)) {
            if (m.discrepancies.stream().noneMatch(d -> d != null && r.cls.equals(d.kpi))) errors.add(rat + ".class: no discrepancy watches the kpi '" + r.cls + "'");
            if (r.reference != null && m.discrepancies.stream().noneMatch(d -> d != null && r.cls.equals(d.kpi) && r.reference.equals(d.reference()))) {
                errors.add(rat + ".reference: no discrepancy compares the kpi '" + r.cls + "' with '" + r.reference + "'");
            }
        } else if (r.reference != null && !(r.reference.equals(DriftSpec.CHAMPION) && !r.vital.equals(Vitals.KPI))) {
            errors.add(rat + ".reference: " + r.vital + " has " + (r.vital.equals(Vitals.KPI) ? "no reference" : "only the reference champion"));
        }
    }

    /** Goals watch vitals of windows: per-class ones by class or top classes, the others as they are. */
    private static void validateGoals(List<String> errors, String at, ModelSpec m) {
        if (m.optimizationMetric != null && (!Vitals.ALL.contains(m.optimizationMetric) || Vitals.PER_CLASS.contains(m.optimizationMetric)
                || Vitals.BY_KPI.contains(m.optimizationMetric) || Vitals.WITHOUT_SAMPLES.contains(m.optimizationMetric)
                || Vitals.DRIFT.contains(m.optimizationMetric) || Vitals.SEGMENT_OVERFLOW.equals(m.optimizationMetric))) {
            errors.add(at + ".optimization_metric: '" + m.optimizationMetric + "' is not a vital of the whole window (e.g. macro_f1, roc_auc, rmse)");
        }
        Set<String> names = new HashSet<>();
        for (RuleSpec r : m.rules) if (r != null && r.name != null) names.add(r.name);
        for (int i = 0; i < m.goals.size(); i++) {
            GoalSpec g = m.goals.get(i);
            String gat = at + ".goals[" + i + "]";
            if (g == null) {
                errors.add(gat + ": empty");
                continue;
            }
            if (g.name == null || g.name.isBlank()) errors.add(gat + ".name: required");
            else if (!names.add(g.name)) errors.add(gat + ".name: '" + g.name + "' is already the name of a rule or goal (a goal is a rule)");
            if (g.vital == null || !Vitals.ALL.contains(g.vital) || Vitals.WITHOUT_SAMPLES.contains(g.vital) || Vitals.BY_KPI.contains(g.vital)
                    || Vitals.GOAL.equals(g.vital) || Vitals.DRIFT.contains(g.vital) || Vitals.SEGMENT_OVERFLOW.equals(g.vital)
                    || Vitals.SAMPLE_RATIO_P_VALUE.equals(g.vital)) {
                errors.add(gat + ".vital: a vital of each window, not '" + g.vital + "'");
            } else if (Vitals.PER_CLASS.contains(g.vital)) {
                if ((g.cls == null) == (g.topClasses == null)) errors.add(gat + ": a per-class vital needs exactly one of class or top_classes");
            } else if (g.cls != null || g.topClasses != null) {
                errors.add(gat + ": " + g.vital + " is not per class: no class or top_classes");
            }
            if (g.topClasses != null && g.topClasses < 1) errors.add(gat + ".top_classes: must be ≥ 1");
            if (g.op == null || !OPS.contains(g.op)) errors.add(gat + ".op: must be one of " + OPS);
            if (g.threshold == null || !Double.isFinite(g.threshold)) errors.add(gat + ".threshold: a finite number is required");
            if (g.minSamples < 1) errors.add(gat + ".min_samples: must be ≥ 1");
            if (g.forWindows < 1) errors.add(gat + ".for: must be ≥ 1 window");
            if (!SEVERITIES.contains(g.severity)) errors.add(gat + ".severity: must be one of " + SEVERITIES);
        }
    }

    private static final Set<String> DISCREPANCY_QUALITY = Set.of(Vitals.ACCURACY, Vitals.PRECISION, Vitals.RECALL);

    private static void validateKpis(List<String> errors, String at, ModelSpec m) {
        boolean windowOk = duration(errors, at + ".attribution_window", m.attributionWindow);
        if (windowOk && m.attributionWindowMs() <= 0) errors.add(at + ".attribution_window: must be > 0");
        if (m.trafficSplit != null) {
            if (m.trafficSplit.size() < 2) errors.add(at + ".traffic_split: needs at least two versions");
            m.trafficSplit.forEach((v, share) -> {
                if (share == null || !(share > 0) || !Double.isFinite(share)) errors.add(at + ".traffic_split." + v + ": a share > 0");
            });
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < m.kpis.size(); i++) {
            KpiSpec k = m.kpis.get(i);
            String kat = at + ".kpis[" + i + "]";
            if (k == null) {
                errors.add(kat + ": empty");
                continue;
            }
            if (k.name == null || k.name.isBlank()) errors.add(kat + ".name: required");
            else if (!names.add(k.name)) errors.add(kat + ".name: kpi '" + k.name + "' is declared twice");
            validateTerm(errors, kat + ".numerator", k.numerator);
            validateTerm(errors, kat + ".denominator", k.denominator);
        }
        for (int i = 0; i < m.discrepancies.size(); i++) {
            DiscrepancySpec d = m.discrepancies.get(i);
            String dat = at + ".discrepancies[" + i + "]";
            if (d == null) {
                errors.add(dat + ": empty");
                continue;
            }
            if (d.quality == null || !DISCREPANCY_QUALITY.contains(d.quality)) errors.add(dat + ".quality: one of " + new java.util.TreeSet<>(DISCREPANCY_QUALITY));
            else if (!d.quality.equals(Vitals.ACCURACY) && d.qualityClass == null) errors.add(dat + ".quality_class: required for " + d.quality);
            else if (d.quality.equals(Vitals.ACCURACY) && d.qualityClass != null) errors.add(dat + ".quality_class: accuracy is not per class");
            KpiSpec k = d.kpi == null ? null : m.kpi(d.kpi);
            if (k == null) errors.add(dat + ".kpi: the name of one of this model's kpis");
            else if (k.numerator != null && k.denominator != null && !k.proportion()) errors.add(dat + ".kpi: '" + d.kpi + "' is not a proportion (both terms must count)");
            if (d.windows < 1) errors.add(dat + ".windows: must be ≥ 1");
            if (!(d.alpha > 0 && d.alpha < 1)) errors.add(dat + ".alpha: a significance level in (0, 1)");
        }
    }

    private static void validateTerm(List<String> errors, String at, KpiTerm t) {
        if (t == null) {
            errors.add(at + ": required");
            return;
        }
        if (t.events == null || t.events.isEmpty() || t.events.stream().anyMatch(e -> e == null || e.isBlank())) {
            errors.add(at + ".events: a list of event types (prediction: the model's predictions)");
        }
        if (!KpiTerm.COUNT.equals(t.measure) && !KpiTerm.SUM.equals(t.measure)) errors.add(at + ".measure: count or sum");
        if (t.where != null) {
            try {
                t.parse();
            } catch (IllegalArgumentException e) {
                errors.add(at + ".where: " + e.getMessage());
            }
        }
    }

    private static void validateConditions(List<String> errors, String rat, RuleSpec r) {
        String compare = r.compare == null ? "value" : r.compare;
        if (!COMPARES.contains(compare)) errors.add(rat + ".compare: must be one of " + new java.util.TreeSet<>(COMPARES));
        if (!compare.equals("value") && (r.referenceValue == null) == (r.referenceWindows == null)) {
            errors.add(rat + ": compare: " + compare + " needs exactly one of reference_value or reference_windows");
        }
        if (compare.equals("value") && (r.referenceValue != null || r.referenceWindows != null)) {
            errors.add(rat + ": reference_value and reference_windows need compare: relative_change or absolute_change");
        }
        if (r.referenceWindows != null && r.referenceWindows < 1) errors.add(rat + ".reference_windows: must be ≥ 1");
        if (r.gate != null) {
            if (r.gate.equals("confidence_interval")) {
                if (r.vital != null && !WITH_INTERVAL.contains(r.vital)) errors.add(rat + ".gate: " + r.vital + " has no confidence interval; gated vitals: " + new java.util.TreeSet<>(WITH_INTERVAL));
            } else if (r.gate.equals("significance")) {
                if (r.vital != null && !Vitals.WITH_P_VALUE.contains(r.vital)) errors.add(rat + ".gate: " + r.vital + " has no p-value; vitals with one: " + new java.util.TreeSet<>(Vitals.WITH_P_VALUE));
            } else {
                errors.add(rat + ".gate: one of confidence_interval, significance");
            }
            if (!compare.equals("value")) errors.add(rat + ".gate: only for compare: value");
        }
        if (r.alpha != null && !(r.alpha > 0 && r.alpha < 1)) errors.add(rat + ".alpha: a significance level in (0, 1)");
        if (r.alpha != null && !"significance".equals(r.gate)) errors.add(rat + ".alpha: only with gate: significance");
        if (r.detector != null) {
            DetectorSpec d = r.detector;
            if (!"cusum".equals(d.type)) errors.add(rat + ".detector.type: the only detector is cusum");
            if (d.k == null || d.k < 0) errors.add(rat + ".detector.k: must be ≥ 0");
            if (d.h == null || !(d.h > 0)) errors.add(rat + ".detector.h: must be > 0");
            if (d.warmup == null || d.warmup < 2) errors.add(rat + ".detector.warmup: must be ≥ 2 windows");
            if (!compare.equals("value") || r.gate != null) errors.add(rat + ".detector: replaces the threshold; no compare or gate with it");
        } else if (r.op == null || r.threshold == null) {
            return; // reported below
        }
        if (r.keepFiringFor != null) duration(errors, rat + ".keep_firing_for", r.keepFiringFor);
        if (r.repeatInterval != null) duration(errors, rat + ".repeat_interval", r.repeatInterval);
        if (r.fdr != null) {
            if (!(r.fdr > 0 && r.fdr < 1)) errors.add(rat + ".fdr: a false discovery rate in (0, 1)");
            if (!Boolean.TRUE.equals(r.perSegment)) errors.add(rat + ".fdr: controls the rate across segments: needs per_segment: true");
            // The one-sided p-value FDR needs is the proportion's own against the threshold (not a difference's test).
            if (r.vital != null && (!WITH_INTERVAL.contains(r.vital) || r.vital.equals(Vitals.KPI_DIFFERENCE))) {
                errors.add(rat + ".fdr: needs a proportion vital " + new java.util.TreeSet<>(WITH_INTERVAL) + " other than kpi_difference");
            }
            if (!compare.equals("value") || r.detector != null) errors.add(rat + ".fdr: only for threshold rules (compare: value)");
        }
    }

    private static final Set<String> REFERENCES = Set.of(DriftSpec.PREVIOUS, DriftSpec.FIXED, DriftSpec.CHAMPION, DriftSpec.BASELINE);

    private static void validateDrift(List<String> errors, String at, DriftSpec d) {
        for (String r : d.references) {
            if (!REFERENCES.contains(r)) errors.add(at + ".references: unknown reference '" + r + "'; known: " + new java.util.TreeSet<>(REFERENCES));
        }
        if (d.references.contains(DriftSpec.BASELINE) && d.baseline == null) errors.add(at + ".baseline: required when references include baseline");
        if (d.minSamples < 1) errors.add(at + ".min_samples: must be ≥ 1");
        if (d.previousWindowsBack < 1) errors.add(at + ".previous_windows_back: must be ≥ 1");
        if (d.fixedWindows < 1) errors.add(at + ".fixed_windows: must be ≥ 1");
        if (d.histogramEdges != null) increasing(errors, at + ".histogram_edges", d.histogramEdges);
        DriftSpec.Baseline b = d.baseline;
        if (b == null) return;
        String bat = at + ".baseline";
        if (b.classShares == null && b.binEdges == null && b.sample == null && b.sampleFile == null) {
            errors.add(bat + ": give class_shares, bin_edges with bin_counts, sample or sample_file");
        }
        if (b.classShares != null) {
            double sum = 0;
            for (Map.Entry<String, Double> e : b.classShares.entrySet()) {
                if (e.getValue() == null || !(e.getValue() >= 0)) errors.add(bat + ".class_shares." + e.getKey() + ": must be ≥ 0");
                else sum += e.getValue();
            }
            if (!(sum > 0)) errors.add(bat + ".class_shares: must not all be 0");
        }
        if ((b.binEdges == null) != (b.binCounts == null)) errors.add(bat + ": bin_edges and bin_counts go together");
        if (b.binEdges != null && b.binCounts != null) {
            increasing(errors, bat + ".bin_edges", b.binEdges);
            if (b.binCounts.size() != b.binEdges.size() - 1) errors.add(bat + ".bin_counts: needs one count per bin (" + (b.binEdges.size() - 1) + ")");
            if (b.binCounts.stream().anyMatch(c -> c == null || c < 0) || b.binCounts.stream().mapToLong(c -> c == null ? 0 : c).sum() == 0) {
                errors.add(bat + ".bin_counts: counts must be ≥ 0 and not all 0");
            }
        }
        if ((b.binEdges != null ? 1 : 0) + (b.sample != null || b.sampleFile != null ? 1 : 0) > 1) {
            errors.add(bat + ": give either bin_edges with bin_counts or a sample, not both");
        }
        if (b.sample != null && (b.sample.isEmpty() || b.sample.stream().anyMatch(v -> v == null || !Double.isFinite(v)))) {
            errors.add(bat + ".sample: must be a non-empty list of finite numbers");
        }
    }

    private static void increasing(List<String> errors, String at, List<Double> edges) {
        if (edges.size() < 2) {
            errors.add(at + ": needs at least two edges");
            return;
        }
        for (int i = 1; i < edges.size(); i++) {
            if (edges.get(i) == null || edges.get(i - 1) == null || !(edges.get(i) > edges.get(i - 1))) {
                errors.add(at + ": must be finite and strictly increasing");
                return;
            }
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
