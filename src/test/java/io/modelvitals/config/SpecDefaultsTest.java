package io.modelvitals.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defaults, applied to specs built in code: each expected value is the documented default. */
class SpecDefaultsTest {

    @Test
    void anEmptySpecGetsTheBuiltInDefaults() {
        MonitorSpec spec = new MonitorSpec();
        spec.job = null;
        spec.kafka = null;
        spec.defaults = null;
        spec.models = null;
        SpecDefaults.apply(spec);

        assertNotNull(spec.job);
        assertNotNull(spec.kafka.topics);
        assertEquals(List.of(), spec.models);
        ModelSpec d = spec.defaults;
        assertEquals("*", d.name);
        assertEquals("classification", d.task);
        assertEquals("1h", d.window.size);
        assertNull(d.window.slide, "tumbling");
        assertEquals("7d", d.labelHorizon);
        assertEquals("1d", d.lateLabelGrace);
        assertEquals(List.of(), d.segments);
        assertEquals(100, d.segmentValueCap);
        assertEquals(List.of(), d.rules);
        assertEquals("1h", d.attributionWindow);
        assertEquals("1", d.positiveClass);
        assertEquals(3, d.topK);
        assertEquals(10, d.calibrationBins);
        assertEquals(List.of(), d.kpis);
        assertEquals(List.of(), d.discrepancies);
        assertEquals(List.of(), d.goals);
        assertEquals(List.of("previous", "fixed", "champion"), d.drift.references);
        assertEquals(100L, d.drift.minSamples);
        assertEquals(1, d.drift.previousWindowsBack);
        assertEquals(6, d.drift.fixedWindows);
        // No built-in value: unset means "not watched" or "derived" (alert_stale_after: 10 slides).
        assertNull(d.alertStaleAfter);
        assertNull(d.absence);
        assertNull(d.champion);
        assertNull(d.trafficSplit);
        assertNull(d.optimizationMetric);
    }

    @Test
    void aDeclaredModelSharesWhatItLeavesUnsetExceptTheRules() {
        MonitorSpec spec = new MonitorSpec();
        ModelSpec d = spec.defaults;
        d.champion = "v1";
        d.absence = new AbsenceSpec();
        d.trafficSplit = Map.of("v1", 0.5, "v2", 0.5);
        d.optimizationMetric = "macro_f1";
        d.alertStaleAfter = "2h";
        d.rules = new ArrayList<>(List.of(rule("for-undeclared")));
        ModelSpec m = model("m");
        m.rules = null;
        spec.models.add(m);
        SpecDefaults.apply(spec);

        assertSame(d.window, m.window);
        assertSame(d.segments, m.segments);
        assertSame(d.drift, m.drift);
        assertSame(d.absence, m.absence);
        assertSame(d.trafficSplit, m.trafficSplit);
        assertSame(d.kpis, m.kpis);
        assertSame(d.goals, m.goals);
        assertSame(d.discrepancies, m.discrepancies);
        assertEquals("v1", m.champion);
        assertEquals("macro_f1", m.optimizationMetric);
        assertEquals("2h", m.alertStaleAfter);
        assertEquals("7d", m.labelHorizon);
        assertEquals(3, m.topK);
        assertEquals(List.of(), m.rules, "the defaults' rules are for undeclared models only");
        assertEquals(100L, d.rules.get(0).minSamples, "the defaults' own rules get rule defaults");
    }

    @Test
    void aModelsOwnValuesWinAndItsOwnDriftGetsTheDriftDefaults() {
        MonitorSpec spec = new MonitorSpec();
        ModelSpec m = model("m");
        m.task = "regression";
        m.topK = 5;
        m.drift = new DriftSpec();
        m.drift.baseline = new DriftSpec.Baseline();
        m.drift.fixedWindows = 2;
        spec.models.add(m);
        SpecDefaults.apply(spec);

        assertEquals("regression", m.task);
        assertEquals(5, m.topK);
        assertNotSame(spec.defaults.drift, m.drift);
        assertEquals(
                List.of("previous", "fixed", "champion", "baseline"),
                m.drift.references,
                "a baseline makes baseline a reference too");
        assertEquals(2, m.drift.fixedWindows);
        assertEquals(100L, m.drift.minSamples);
        assertEquals(1, m.drift.previousWindowsBack);
        assertEquals(List.of("previous", "fixed", "champion"), spec.defaults.drift.references);
    }

    @Test
    void explicitDriftReferencesAreKept() {
        MonitorSpec spec = new MonitorSpec();
        spec.defaults.drift = new DriftSpec();
        spec.defaults.drift.references = new ArrayList<>(List.of("previous"));
        spec.defaults.drift.baseline = new DriftSpec.Baseline();
        SpecDefaults.apply(spec);
        assertEquals(List.of("previous"), spec.defaults.drift.references);
    }

    @Test
    void kpisGoalsAndDiscrepanciesGetTheirDefaultsAndEmptyItemsAreLeftAlone() {
        MonitorSpec spec = new MonitorSpec();
        ModelSpec m = model("m");
        KpiSpec revenue = new KpiSpec();
        revenue.numerator = term(KpiTerm.SUM);
        revenue.denominator = term(null);
        m.kpis = new ArrayList<>(Arrays.asList(revenue, null));
        GoalSpec g = new GoalSpec();
        g.severity = "page";
        m.goals = new ArrayList<>(Arrays.asList(null, g));
        DiscrepancySpec ds = new DiscrepancySpec();
        ds.alpha = 0.01;
        m.discrepancies = new ArrayList<>(Arrays.asList(ds, null));
        spec.models.add(m);
        SpecDefaults.apply(spec);

        assertEquals("sum", revenue.numerator.measure);
        assertEquals("count", revenue.denominator.measure);
        assertNull(m.kpis.get(1), "reported by validation, not defaulted");
        assertEquals(100L, g.minSamples);
        assertEquals(1, g.forWindows);
        assertEquals("page", g.severity);
        assertEquals(6, ds.windows);
        assertEquals(0.01, ds.alpha);
    }

    @Test
    void ruleDefaultsFillOnlyWhatIsUnset() {
        RuleSpec unset = rule("a");
        RuleSpec set = rule("b");
        set.minSamples = 7L;
        set.forWindows = 3;
        set.severity = "critical";
        set.perSegment = true;
        SpecDefaults.rules(List.of(unset, set));

        assertEquals(100L, unset.minSamples);
        assertEquals(1, unset.forWindows);
        assertEquals("warning", unset.severity);
        assertFalse(unset.perSegment);
        assertEquals(7L, set.minSamples);
        assertEquals(3, set.forWindows);
        assertEquals("critical", set.severity);
        assertTrue(set.perSegment);
    }

    private static ModelSpec model(String name) {
        ModelSpec m = new ModelSpec();
        m.name = name;
        return m;
    }

    private static RuleSpec rule(String name) {
        RuleSpec r = new RuleSpec();
        r.name = name;
        r.vital = "accuracy";
        r.op = "<";
        r.threshold = 0.9;
        return r;
    }

    private static KpiTerm term(String measure) {
        KpiTerm t = new KpiTerm();
        t.events = List.of("e");
        t.measure = measure;
        return t;
    }
}
