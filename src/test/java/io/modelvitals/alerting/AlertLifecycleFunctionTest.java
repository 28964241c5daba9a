package io.modelvitals.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.events.AlertRecord;
import io.modelvitals.events.RuleCheck;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The alert lifecycle, window by window: rule "accuracy < 0.8 for 2 windows, n ≥ 100", windows of 60 s. */
class AlertLifecycleFunctionTest {
    private static final long W = 60_000;
    private static final long STALE = 10 * W;

    private KeyedOneInputStreamOperatorTestHarness<String, RuleCheck, AlertRecord> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AlertLifecycleFunction()), RuleCheck::alertKey, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** The check of window k ([k·W, (k+1)·W)) with the given accuracy and sample count. */
    private void window(int k, double accuracy, long n) throws Exception {
        window(k, accuracy, n, null);
    }

    private void window(int k, double accuracy, long n, java.util.Map<String, String> labels) throws Exception {
        RuleCheck c = check(k, accuracy, n, labels);
        harness.processElement(c, c.windowEnd - 1);
        harness.processWatermark(new Watermark(c.windowEnd - 1));
    }

    /** The check of window k: accuracy-low (&lt; 0.8 for 2 windows) on m v2 all, at least 100 samples. */
    private static RuleCheck check(int k, double accuracy, long n, java.util.Map<String, String> labels) {
        RuleCheck c = new RuleCheck();
        c.labels = labels;
        c.rule = "accuracy-low";
        c.model = "m";
        c.version = "v2";
        c.segment = "all";
        c.vital = "accuracy";
        c.severity = "critical";
        c.op = "<";
        c.threshold = 0.8;
        c.forWindows = 2;
        c.value = accuracy;
        c.n = n;
        c.sufficient = n >= 100;
        c.breached = c.sufficient && accuracy < 0.8;
        c.windowStart = k * W;
        c.windowEnd = (k + 1) * W;
        c.staleAfterMs = STALE;
        return c;
    }

    private List<AlertRecord> alerts() {
        return harness.extractOutputValues();
    }

    private List<String> statuses() {
        return alerts().stream().map(a -> a.status).collect(Collectors.toList());
    }

    @Test
    void anAlertWhoseRoutingLabelsChangeWhileFiringResolvesUnderItsOldFingerprintAndFiresUnderTheNew()
            throws Exception {
        window(0, 0.5, 200, java.util.Map.of("team", "a"));
        window(1, 0.5, 200, java.util.Map.of("team", "a"));
        window(2, 0.5, 200, java.util.Map.of("team", "b"));
        List<AlertRecord> a = alerts();
        assertEquals(List.of("firing", "resolved", "firing"), statuses());
        assertEquals(a.get(0).fingerprint, a.get(1).fingerprint, "the old identity is resolved");
        assertEquals(Long.valueOf(3 * W), a.get(1).endsAt);
        org.junit.jupiter.api.Assertions.assertNotEquals(a.get(0).fingerprint, a.get(2).fingerprint);
        assertEquals("b", a.get(2).extraLabels.get("team"));
        assertEquals(W, a.get(2).startsAt, "the incident keeps its start");
        // Unchanged labels afterwards: nothing more is written while it keeps firing.
        window(3, 0.5, 200, java.util.Map.of("team", "b"));
        assertEquals(3, alerts().size());
    }

    @Test
    void firesOnceAfterForWindowsAndResolvesOnce() throws Exception {
        window(0, 0.90, 500);
        window(1, 0.70, 500);
        assertEquals(List.of(), statuses(), "one breaching window is only pending");
        window(2, 0.65, 500);
        assertEquals(List.of(AlertRecord.FIRING), statuses());
        AlertRecord firing = alerts().get(0);
        assertEquals(2 * W, firing.startsAt, "the condition has held since the end of the first breaching window");
        assertNull(firing.endsAt);
        assertEquals(0.65, firing.value);
        assertEquals(3 * W, firing.windowEnd);
        window(3, 0.60, 500);
        window(4, 0.50, 500);
        assertEquals(1, alerts().size(), "never repeated while firing");
        window(5, 0.85, 500);
        assertEquals(List.of(AlertRecord.FIRING, AlertRecord.RESOLVED), statuses());
        AlertRecord resolved = alerts().get(1);
        assertEquals(6 * W, resolved.endsAt);
        assertEquals(2 * W, resolved.startsAt);
        assertEquals(firing.fingerprint, resolved.fingerprint, "one alert, one fingerprint");
        window(6, 0.90, 500);
        assertEquals(2, alerts().size());
    }

    @Test
    void aBreachInterruptedByAHealthyWindowStartsOver() throws Exception {
        window(0, 0.70, 500);
        window(1, 0.85, 500);
        window(2, 0.70, 500);
        assertEquals(List.of(), statuses());
        window(3, 0.70, 500);
        assertEquals(List.of(AlertRecord.FIRING), statuses());
        assertEquals(3 * W, alerts().get(0).startsAt);
    }

    @Test
    void windowsWithTooFewSamplesNeitherFireNorResolve() throws Exception {
        window(0, 0.10, 12);
        window(1, 0.10, 12);
        window(2, 0.10, 12);
        assertEquals(List.of(), statuses(), "no alert on 12 samples");
        window(3, 0.70, 500);
        window(4, 0.70, 500);
        assertEquals(List.of(AlertRecord.FIRING), statuses());
        window(5, 0.99, 12);
        assertEquals(List.of(AlertRecord.FIRING), statuses(), "12 good samples do not resolve it");
        window(6, 0.99, 500);
        assertEquals(List.of(AlertRecord.FIRING, AlertRecord.RESOLVED), statuses());
    }

    @Test
    void aFiringAlertWhoseDataStopsResolvesAndItsStateIsCleared() throws Exception {
        window(0, 0.70, 500);
        window(1, 0.70, 500);
        assertEquals(1, harness.numKeyedStateEntries());
        assertEquals(1, harness.numEventTimeTimers());
        harness.processWatermark(new Watermark(2 * W + STALE));
        assertEquals(List.of(AlertRecord.FIRING, AlertRecord.RESOLVED), statuses());
        assertEquals(2 * W + STALE, alerts().get(1).endsAt);
        assertTrue(alerts().get(1).description.contains("lack of data"));
        assertEquals(0, harness.numKeyedStateEntries());
        assertEquals(0, harness.numEventTimeTimers());
    }

    /**
     * A vital that comes an hour after its window (beyond the 10-minute alert_stale_after: the prediction timeline's
     * quality comes a label horizon late) carries its delay in its stale time (RuleEvaluator), so its alert is kept
     * between windows and forgotten STALE after the last one came.
     */
    @Test
    void anAlertOnVitalsThatComeLateIsNotForgottenBetweenThem() throws Exception {
        long delay = 60 * W;
        for (int k = 0; k < 4; k++) {
            harness.processWatermark(new Watermark((k + 1) * W + delay - 1));
            RuleCheck c = check(k, 0.7, 500, null);
            c.staleAfterMs = STALE + delay;
            harness.processElement(c, c.windowEnd - 1);
        }
        long stale = 4 * W + delay + STALE;
        harness.processWatermark(new Watermark(stale - 1));
        assertEquals(List.of(AlertRecord.FIRING), statuses(), "breached in four windows in a row: firing, once");
        assertEquals(1, harness.numKeyedStateEntries());
        harness.processWatermark(new Watermark(stale));
        assertEquals(List.of(AlertRecord.FIRING, AlertRecord.RESOLVED), statuses(), "stale STALE after it came");
    }

    @Test
    void aReplayedOlderWindowIsIgnored() throws Exception {
        window(0, 0.70, 500);
        window(1, 0.70, 500);
        window(1, 0.70, 500);
        window(0, 0.70, 500);
        assertEquals(List.of(AlertRecord.FIRING), statuses());
    }

    /** An independent FNV-1a 64 over the sorted labels, with BigInteger arithmetic. */
    private static String referenceFingerprint(Map<String, String> labels) {
        BigInteger mod = BigInteger.ONE.shiftLeft(64);
        BigInteger prime = new BigInteger("1099511628211");
        BigInteger h = new BigInteger("14695981039346656037");
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(labels)
                .forEach((k, v) -> sb.append(k).append('\u0000').append(v).append('\u0000'));
        for (byte b : sb.toString().getBytes(StandardCharsets.UTF_8)) {
            int octet = b == 0 ? 0xff : b & 0xff;
            h = h.xor(BigInteger.valueOf(octet)).multiply(prime).mod(mod);
        }
        return String.format("%016x", h);
    }

    @Test
    void fingerprintIsFnv1aOfTheSortedLabels() throws Exception {
        window(0, 0.70, 500);
        window(1, 0.70, 500);
        AlertRecord a = alerts().get(0);
        Map<String, String> labels = Map.of(
                "alertname",
                "accuracy-low",
                "model",
                "m",
                "version",
                "v2",
                "segment",
                "all",
                "vital",
                "accuracy",
                "severity",
                "critical");
        assertEquals(labels, AlertLifecycleFunction.labels(a));
        assertEquals(referenceFingerprint(labels), a.fingerprint);
        Map<String, String> other = new TreeMap<>(labels);
        other.put("version", "v1");
        assertNotEquals(a.fingerprint, AlertLifecycleFunction.fingerprint(new TreeMap<>(other)));
    }
}
