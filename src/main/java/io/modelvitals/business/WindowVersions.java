package io.modelvitals.business;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.Keys;
import io.modelvitals.events.KpiSummary;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The versions of one window meeting in keyed state, for the operators that compare a challenger with its champion. A
 * window's summaries arrive when the watermark passes its end − 1 + D (KpiPanes): the timer waits for that moment, so
 * every version of the window is here when it fires.
 */
final class WindowVersions {
    private WindowVersions() {}

    /** Keeps a version's summary until its window's timer; state entries are "windowEnd|version". */
    static void add(MonitorSpec spec, MapState<String, KpiSummary> pending, KpiSummary s, TimerService timers)
            throws Exception {
        pending.put(s.windowEnd + "|" + s.version, s);
        timers.registerEventTimeTimer(s.windowEnd - 1 + KpiPanes.delayMs(spec.modelOrDefaults(s.model)));
    }

    /** Takes (and forgets) every version's summary of the window whose timer fired, by version; empty if none. */
    static Map<String, KpiSummary> take(
            MonitorSpec spec, MapState<String, KpiSummary> pending, long timestamp, String currentKey)
            throws Exception {
        long delay = KpiPanes.delayMs(spec.modelOrDefaults(Keys.split(currentKey)[0]));
        String prefix = (timestamp + 1 - delay) + "|";
        Map<String, KpiSummary> window = new TreeMap<>();
        for (Map.Entry<String, KpiSummary> e : pending.entries()) {
            if (e.getKey().startsWith(prefix)) window.put(e.getValue().version, e.getValue());
        }
        for (String version : window.keySet()) pending.remove(prefix + version);
        return window;
    }
}
