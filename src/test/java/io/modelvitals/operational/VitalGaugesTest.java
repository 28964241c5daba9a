package io.modelvitals.operational;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.modelvitals.events.VitalRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The latest whole-population value of each vital, as a gauge under model / version / vital. */
class VitalGaugesTest {
    /** Records what is registered under which key-value path. */
    static final class Recording extends UnregisteredMetricsGroup {
        final Map<String, Metric> registered;
        final List<String> path;

        Recording(Map<String, Metric> registered, List<String> path) {
            this.registered = registered;
            this.path = path;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            List<String> p = new ArrayList<>(path);
            p.add(key + "=" + value);
            return new Recording(registered, p);
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            registered.put(String.join(",", path) + ":" + name, gauge);
            return gauge;
        }
    }

    private static VitalRecord vital(String vital, String cls, String reference, String segment, double value) {
        VitalRecord v = new VitalRecord("rec", "v2", segment, vital, cls, value, 100, 0, 60_000);
        v.reference = reference;
        return v;
    }

    @Test
    void theLatestValueOfEachWholePopulationVital() {
        Map<String, Metric> registered = new LinkedHashMap<>();
        VitalGauges gauges = new VitalGauges();
        gauges.open(new Recording(registered, List.of()));
        VitalRecord first = vital("accuracy", null, null, "all", 0.91);
        assertSame(first, gauges.map(first), "passed through");
        gauges.map(vital("accuracy", null, null, "all", 0.42));
        gauges.map(vital("accuracy", null, null, "country=US", 0.10)); // segments are not exported
        gauges.map(vital("kpi", "take_rate", null, "all", 0.37));
        gauges.map(vital("class_psi", null, "champion", "all", 0.55));
        assertEquals(
                List.of(
                        "model=rec,version=v2,vital=accuracy:value",
                        "model=rec,version=v2,vital=kpi_take_rate:value",
                        "model=rec,version=v2,vital=class_psi_champion:value"),
                new ArrayList<>(registered.keySet()));
        assertEquals(0.42, ((Gauge<?>) registered.get("model=rec,version=v2,vital=accuracy:value")).getValue());
        assertEquals(
                0.55, ((Gauge<?>) registered.get("model=rec,version=v2,vital=class_psi_champion:value")).getValue());
    }

    @Test
    void aFloodOfClassesStopsAtTheCap() {
        Map<String, Metric> registered = new LinkedHashMap<>();
        VitalGauges gauges = new VitalGauges();
        gauges.open(new Recording(registered, List.of()));
        for (int i = 0; i < VitalGauges.MAX_GAUGES + 50; i++) gauges.map(vital("recall", "c" + i, null, "all", 0.5));
        assertEquals(VitalGauges.MAX_GAUGES, registered.size());
    }
}
