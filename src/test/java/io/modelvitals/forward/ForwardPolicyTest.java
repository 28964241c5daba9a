package io.modelvitals.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.Args;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The forwarder's rules with values worked out by hand: endsAt, backoff, commits, the rebuild, parsing, flags. */
class ForwardPolicyTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final TopicPartition P0 = new TopicPartition("alerts", 0);
    private static final TopicPartition P1 = new TopicPartition("alerts", 1);

    private static AlertState firing(String fingerprint, String startsAt) {
        return AlertState.parse(
                null,
                json("{\"status\":\"firing\",\"labels\":{\"alertname\":\"a\"},\"startsAt\":\"" + startsAt
                        + "\",\"fingerprint\":\"" + fingerprint + "\"}"));
    }

    private static AlertState resolved(String fingerprint, String startsAt, String endsAt) {
        return AlertState.parse(
                null,
                json("{\"status\":\"resolved\",\"labels\":{\"alertname\":\"a\"},\"startsAt\":\""
                        + startsAt + "\"" + (endsAt == null ? "" : ",\"endsAt\":\"" + endsAt + "\"")
                        + ",\"fingerprint\":\""
                        + fingerprint + "\"}"));
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void firingEndsFourResendIntervalsFromNow() {
        AlertState a = firing("f", "2026-12-01T09:00:00Z");
        assertEquals(Instant.parse("2026-12-01T09:00:00Z"), Policy.startsAt(a, NOW));
        // 10:00 + 4 × 1 min
        assertEquals(Instant.parse("2026-12-01T10:04:00Z"), Policy.endsAt(a, NOW, MINUTE));
        // 10:00 + 4 × 1 s
        assertEquals(Instant.parse("2026-12-01T10:00:04Z"), Policy.endsAt(a, NOW, Duration.ofSeconds(1)));
        // Each send extends it from its own time: a send at 10:01 ends at 10:05.
        assertEquals(Instant.parse("2026-12-01T10:05:00Z"), Policy.endsAt(a, NOW.plus(MINUTE), MINUTE));
    }

    @Test
    void resolvedEndsAtTheRecordsEndUnlessThatIsLaterThanNow() {
        String start = "2026-12-01T09:00:00Z";
        assertEquals(
                Instant.parse("2026-12-01T09:30:00Z"),
                Policy.endsAt(resolved("f", start, "2026-12-01T09:30:00Z"), NOW, MINUTE));
        // An event clock an hour ahead of the wall clock: now, or Alertmanager would keep it active for an hour.
        assertEquals(NOW, Policy.endsAt(resolved("f", start, "2026-12-01T11:00:00Z"), NOW, MINUTE));
        assertEquals(NOW, Policy.endsAt(resolved("f", start, null), NOW, MINUTE));
        // An end before the start would be rejected by Alertmanager: the start.
        assertEquals(Instant.parse(start), Policy.endsAt(resolved("f", start, "2026-12-01T08:00:00Z"), NOW, MINUTE));
    }

    @Test
    void aStartAheadOfTheWallClockIsSentAsNow() {
        AlertState ahead = firing("f", "2026-12-01T10:05:00Z");
        assertEquals(NOW, Policy.startsAt(ahead, NOW));
        assertEquals(Instant.parse("2026-12-01T10:04:00Z"), Policy.endsAt(ahead, NOW, MINUTE));
        AlertState resolvedAhead = resolved("f", "2026-12-01T10:05:00Z", "2026-12-01T10:20:00Z");
        assertEquals(NOW, Policy.startsAt(resolvedAhead, NOW));
        assertEquals(NOW, Policy.endsAt(resolvedAhead, NOW, MINUTE));
    }

    @Test
    void theRequestBodyHasAlertmanagersFieldsOnly() throws Exception {
        AlertState a = AlertState.parse(
                "key",
                json("{\"status\":\"firing\",\"labels\":{\"alertname\":\"acc\","
                        + "\"model\":\"m\"},\"annotations\":{\"summary\":\"low\",\"value\":0.2},\"startsAt\":"
                        + "\"2026-12-01T09:00:00Z\",\"fingerprint\":\"abc\",\"window_start\":1,\"window_end\":2,"
                        + "\"generatorURL\":\"https://x/y\"}"));
        AlertState r = resolved("def", "2026-12-01T09:00:00Z", "2026-12-01T09:30:00+01:00");
        String body = AlertState.MAPPER.writeValueAsString(Policy.render(List.of(a, r), NOW, MINUTE));
        assertEquals(
                "[{\"labels\":{\"alertname\":\"acc\",\"model\":\"m\"},\"annotations\":{\"summary\":\"low\","
                        + "\"value\":\"0.2\"},\"startsAt\":\"2026-12-01T09:00:00Z\","
                        + "\"endsAt\":\"2026-12-01T10:04:00Z\","
                        + "\"generatorURL\":\"https://x/y\"},"
                        + "{\"labels\":{\"alertname\":\"a\"},\"annotations\":{},\"startsAt\":\"2026-12-01T09:00:00Z\","
                        + "\"endsAt\":\"2026-12-01T09:00:00Z\"}]",
                body);
        // The resolved one's endsAt 09:30+01:00 is 08:30Z, before its start 09:00Z: sent as the start.
        assertEquals("abc", a.fingerprint());
    }

    @Test
    void backoffDoublesFrom200MsUpToTheResendIntervalAnd30s() {
        long[] minute = {200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};
        for (int i = 0; i < minute.length; i++) {
            assertEquals(minute[i], Policy.backoff(i + 1, MINUTE).toMillis(), "failure " + (i + 1));
        }
        long[] second = {200, 400, 800, 1000, 1000};
        for (int i = 0; i < second.length; i++) {
            assertEquals(second[i], Policy.backoff(i + 1, Duration.ofSeconds(1)).toMillis(), "failure " + (i + 1));
        }
        assertEquals(100, Policy.backoff(1, Duration.ofMillis(100)).toMillis());
        assertEquals("200 ms", Policy.text(Policy.backoff(1, MINUTE)));
        assertEquals("30 s", Policy.text(Policy.backoff(9, MINUTE)));
        assertEquals(30000, Policy.backoff(1000, MINUTE).toMillis());
    }

    @Test
    void aFailingInstanceStopsHoldingBackCommitsAfterFourResendIntervals() {
        assertEquals(Duration.ofMinutes(4), Policy.horizon(MINUTE));
        long lastSuccess = 1_000_000;
        assertTrue(Policy.counts(true, lastSuccess, lastSuccess + 240_000, MINUTE));
        assertFalse(Policy.counts(true, lastSuccess, lastSuccess + 240_001, MINUTE));
        assertTrue(Policy.counts(false, lastSuccess, lastSuccess + 10_000_000, MINUTE));
    }

    @Test
    void commitsWaitForTheSlowestInstanceThatCounts() {
        Map<TopicPartition, Long> read = Map.of(P0, 6L, P1, 7L);
        Map<TopicPartition, Long> a = Map.of(P0, 5L, P1, 3L);
        Map<TopicPartition, Long> b = Map.of(P0, 4L, P1, 7L);
        assertEquals(Map.of(P0, 4L, P1, 3L), Policy.committable(read, List.of(a, b)));
        assertEquals(Map.of(P0, 5L, P1, 3L), Policy.committable(read, List.of(a)));
        assertEquals(read, Policy.committable(read, List.of()));
        // A partition an instance has no acknowledgement for yet is not committed.
        assertEquals(Map.of(P0, 4L), Policy.committable(read, List.of(a, Map.of(P0, 4L))));
    }

    @Test
    void theRebuildKeepsTheLatestRecordOfEachFiringFingerprint() {
        FiringSet set = new FiringSet();
        set.apply("A", firing("A", "2026-12-01T09:00:00Z"));
        set.apply("B", firing("B", "2026-12-01T09:05:00Z"));
        set.apply("A", resolved("A", "2026-12-01T09:00:00Z", "2026-12-01T09:20:00Z"));
        set.apply("A", firing("A", "2026-12-01T09:30:00Z"));
        set.apply("B", null);
        set.apply("C", firing("C", "2026-12-01T09:40:00Z"));
        set.apply("C", resolved("C", "2026-12-01T09:40:00Z", "2026-12-01T09:50:00Z"));
        set.apply("D", resolved("D", "2026-12-01T09:40:00Z", "2026-12-01T09:50:00Z"));
        assertEquals(1, set.size());
        assertEquals(Instant.parse("2026-12-01T09:30:00Z"), set.get("A").startsAt());
        assertNull(set.get("B"));

        // Up to the committed offset; nothing without one; never past the end.
        assertEquals(4, Policy.rebuildUntil(4L, 10));
        assertEquals(0, Policy.rebuildUntil(null, 10));
        assertEquals(10, Policy.rebuildUntil(12L, 10));
        assertEquals(0, Policy.rebuildUntil(0L, 10));
    }

    @Test
    void recordsAlertmanagerCannotTakeAreRejectedWithTheReason() {
        assertTrue(message("nope").startsWith("not valid JSON"));
        assertEquals("not a JSON object", message("[1]"));
        assertTrue(message("{\"status\":\"pending\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"2026-12-01T09:00:00Z\"}")
                .startsWith("status must be"));
        assertEquals(
                "labels missing or empty", message("{\"status\":\"firing\",\"startsAt\":\"2026-12-01T09:00:00Z\"}"));
        assertEquals(
                "labels.a must be a string",
                message("{\"status\":\"firing\",\"labels\":{\"a\":{}},\"startsAt\":\"2026-12-01T09:00:00Z\"}"));
        assertEquals(
                "startsAt missing", message("{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"fingerprint\":\"f\"}"));
        assertTrue(message("{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"yesterday\","
                        + "\"fingerprint\":\"f\"}")
                .startsWith("startsAt is not an RFC 3339 time"));
        // Without a fingerprint in the value the key is the fingerprint (the job writes both).
        AlertState fromKey = AlertState.parse(
                "k1", json("{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"2026-12-01T09:00:00Z\"}"));
        assertEquals("k1", fromKey.fingerprint());
    }

    private static String message(String value) {
        return assertThrows(IllegalArgumentException.class, () -> AlertState.parse(null, json(value)))
                .getMessage();
    }

    @Test
    void flagsAndUrls() {
        ForwarderConfig c = ForwarderConfig.fromArgs(new Args(
                new String[] {
                    "forward", "--bootstrap-servers", "k:9092", "--alertmanager", "http://am-0:9093, http://am-1:9093/"
                },
                1));
        assertEquals("alerts", c.topic());
        assertEquals("model-vitals-forwarder", c.groupId());
        assertEquals(MINUTE, c.resendInterval());
        assertEquals(9250, c.metricsPort());
        assertEquals(List.of(URI.create("http://am-0:9093"), URI.create("http://am-1:9093/")), c.alertmanagers());

        ForwarderConfig d = ForwarderConfig.fromArgs(new Args(
                new String[] {
                    "--bootstrap-servers=k:9092",
                    "--alertmanager=https://am",
                    "--topic=t",
                    "--group-id=g",
                    "--resend-interval=30s",
                    "--metrics-port=0"
                },
                0));
        assertEquals(Duration.ofSeconds(30), d.resendInterval());
        assertEquals(0, d.metricsPort());
        // read_committed and manual commits whatever a properties file says.
        assertEquals("read_committed", Forwarder.consumerProperties(d).get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
        assertEquals("false", Forwarder.consumerProperties(d).get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));

        assertThrows(
                IllegalArgumentException.class,
                () -> ForwarderConfig.fromArgs(new Args(new String[] {"--bootstrap-servers", "k:9092"}, 0)));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ForwarderConfig.fromArgs(
                        new Args(new String[] {"--bootstrap-servers", "k:9092", "--alertmanager", "am:9093@x"}, 0)));
        assertFalse(e.getMessage().contains("am:9093"), e.getMessage());

        assertEquals(
                URI.create("http://am:9093/api/v2/alerts"),
                AlertmanagerInstance.endpoint(URI.create("http://am:9093")));
        assertEquals(
                URI.create("http://am:9093/prefix/api/v2/alerts"),
                AlertmanagerInstance.endpoint(URI.create("http://am:9093/prefix/")));
        assertEquals(
                URI.create("https://am/api/v2/alerts"),
                AlertmanagerInstance.endpoint(URI.create("https://u:p@am/api/v2/alerts")));
        assertEquals("Basic dTpw", AlertmanagerInstance.authorization(URI.create("https://u:p@am")));
        assertNull(AlertmanagerInstance.authorization(URI.create("https://am")));
    }
}
