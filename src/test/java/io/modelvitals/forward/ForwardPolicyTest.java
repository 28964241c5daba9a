package io.modelvitals.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.Set;
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

    /** A record as the job writes it, with its window's end (epoch ms; null: none) and times of day on NOW's date. */
    private static AlertState state(String status, String fingerprint, String startsAt, String endsAt, Long windowEnd) {
        return AlertState.parse(
                null,
                json("{\"status\":\"" + status + "\",\"labels\":{\"alertname\":\"" + fingerprint
                        + "\"},\"startsAt\":\"2026-12-01T" + startsAt + ":00Z\""
                        + (endsAt == null ? "" : ",\"endsAt\":\"2026-12-01T" + endsAt + ":00Z\"")
                        + ",\"fingerprint\":\"" + fingerprint + "\""
                        + (windowEnd == null ? "" : ",\"window_end\":" + windowEnd) + "}"));
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
    void anInstanceStopsHoldingBackCommitsFourResendIntervalsAfterItsLastAcknowledgement() {
        assertEquals(Duration.ofMinutes(4), Policy.horizon(MINUTE));
        long lastSuccess = 1_000_000;
        // 4 × 60 000 ms after the last acknowledged request: still counts; 1 ms later: not.
        assertTrue(Policy.counts(lastSuccess, lastSuccess + 240_000, MINUTE));
        assertFalse(Policy.counts(lastSuccess, lastSuccess + 240_001, MINUTE));
        // Whatever the sender is doing: one stuck in a single request for 10 000 s has not failed yet, and must not
        // hold the commits either.
        assertFalse(Policy.counts(lastSuccess, lastSuccess + 10_000_000, MINUTE));
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

        // Up to the committed offset; nothing without one.
        assertEquals(4, Policy.rebuildUntil(4L, 10));
        assertEquals(0, Policy.rebuildUntil(null, 10));
        assertEquals(0, Policy.rebuildUntil(0L, 10));
        assertEquals(10, Policy.rebuildUntil(10L, 10));
        // Beyond the end (10): an offset of a deleted and recreated topic, taken as none: nothing rebuilt...
        assertEquals(0, Policy.rebuildUntil(12L, 10));
        assertNull(Policy.usableCommitted(12L, 10));
        // ...and reading starts at the beginning (3), not at 12, where nothing would be read until the new topic grew.
        assertEquals(3, Policy.startOffset(12L, 3, 10));
        assertEquals(7, Policy.startOffset(7L, 3, 10));
        assertEquals(3, Policy.startOffset(null, 3, 10));
        assertEquals(10, Policy.startOffset(10L, 3, 10));
    }

    @Test
    void aPartitionWhosePositionWentBackWasRewound() {
        Map<TopicPartition, Long> read = Map.of(P0, 5L, P1, 7L);
        // P1 from 7 back to 3 (reset to the new beginning of a recreated topic); P0 unchanged.
        assertEquals(Set.of(P1), Policy.rewound(read, Map.of(P0, 5L, P1, 3L)));
        assertEquals(Set.of(), Policy.rewound(read, Map.of(P0, 6L, P1, 7L)));
        // A partition not read before (new) is not rewound.
        TopicPartition p2 = new TopicPartition("alerts", 2);
        assertEquals(Set.of(), Policy.rewound(read, Map.of(p2, 0L)));
    }

    @Test
    void recordsOfAFingerprintAreKeptByEventTimeNotByReadOrder() {
        FiringSet set = new FiringSet();
        // window_end decides: firing at 600, resolved at 1200.
        assertTrue(set.apply("A", state("firing", "A", "09:00", null, 600L)));
        assertTrue(set.apply("A", state("resolved", "A", "09:00", "09:20", 1200L)));
        // The old firing record read again, from a partition read later (or its old partition after partitions were
        // added): older than the resolution, ignored. Read order alone would fire A for ever.
        assertFalse(set.apply("A", state("firing", "A", "09:00", null, 600L)));
        assertNull(set.get("A"));
        // A new episode, window 1800: fires.
        assertTrue(set.apply("A", state("firing", "A", "10:00", null, 1800L)));
        assertEquals(Instant.parse("2026-12-01T10:00:00Z"), set.get("A").startsAt());

        // The other read order: the resolution first, then the older firing record.
        FiringSet reversed = new FiringSet();
        assertTrue(reversed.apply("A", state("resolved", "A", "09:00", "09:20", 1200L)));
        assertFalse(reversed.apply("A", state("firing", "A", "09:00", null, 600L)));
        assertEquals(0, reversed.size());

        // The job resolves an alert for lack of data with the window of its last firing record (600 both): then
        // endsAt 09:50 against startsAt 09:00 decides, in either order.
        for (boolean resolvedFirst : new boolean[] {false, true}) {
            FiringSet s = new FiringSet();
            AlertState f = state("firing", "B", "09:00", null, 600L);
            AlertState r = state("resolved", "B", "09:00", "09:50", 600L);
            s.apply("B", resolvedFirst ? r : f);
            s.apply("B", resolvedFirst ? f : r);
            assertNull(s.get("B"), "resolved first: " + resolvedFirst);
        }
        // Equal in everything (window 600, endsAt = startsAt = 09:00): the resolved one wins the tie, either order.
        for (boolean resolvedFirst : new boolean[] {false, true}) {
            FiringSet s = new FiringSet();
            AlertState f = state("firing", "C", "09:00", null, 600L);
            AlertState r = state("resolved", "C", "09:00", "09:00", 600L);
            s.apply("C", resolvedFirst ? r : f);
            s.apply("C", resolvedFirst ? f : r);
            assertNull(s.get("C"), "resolved first: " + resolvedFirst);
        }
        // Two firing records of one window: the later read replaces (nothing tells them apart).
        assertTrue(set.apply("A", state("firing", "A", "10:00", null, 1800L)));

        // Without window_end on both sides, the times decide: firing since 09:30 is after a resolution at 09:20.
        FiringSet times = new FiringSet();
        times.apply("D", state("firing", "D", "09:30", null, null));
        assertFalse(times.apply("D", state("resolved", "D", "09:00", "09:20", 1200L)));
        assertNotNull(times.get("D"));

        // A tombstone always applies and forgets the fingerprint, its resolution too.
        FiringSet forgotten = new FiringSet();
        forgotten.apply("E", state("resolved", "E", "09:00", "09:20", 1200L));
        assertTrue(forgotten.apply("E", null));
        assertTrue(forgotten.apply("E", state("firing", "E", "09:00", null, 600L)));
        assertEquals(1, forgotten.size());
    }

    @Test
    void eventTimeComparesWindowEndThenTheRecordsTimeThenResolvedLast() {
        Instant nine = Instant.parse("2026-12-01T09:00:00Z");
        Instant ten = Instant.parse("2026-12-01T10:00:00Z");
        // window_end first, even against the times.
        assertTrue(Policy.compare(new Policy.EventTime(600L, ten, true), new Policy.EventTime(1200L, nine, false)) < 0);
        // A missing window_end on one side: the times.
        assertTrue(Policy.compare(new Policy.EventTime(null, ten, false), new Policy.EventTime(1200L, nine, true)) > 0);
        assertTrue(Policy.compare(new Policy.EventTime(600L, nine, false), new Policy.EventTime(600L, ten, false)) < 0);
        // All equal: resolved is the later.
        assertTrue(Policy.compare(new Policy.EventTime(600L, nine, true), new Policy.EventTime(600L, nine, false)) > 0);
        assertEquals(
                0, Policy.compare(new Policy.EventTime(600L, nine, false), new Policy.EventTime(600L, nine, false)));
        // A record's time: endsAt if it has one, else startsAt.
        assertEquals(
                new Policy.EventTime(1200L, Instant.parse("2026-12-01T09:20:00Z"), true),
                Policy.EventTime.of(state("resolved", "A", "09:00", "09:20", 1200L)));
        assertEquals(
                new Policy.EventTime(null, nine, false),
                Policy.EventTime.of(state("firing", "A", "09:00", null, null)));
    }

    @Test
    void anUnusableRecordThatSaysResolvedResolvesItsFiringAlert() {
        FiringSet set = new FiringSet();
        set.apply("fp-x", state("firing", "fp-x", "09:00", null, 600L));
        // labels.a is an object: unusable; but status, fingerprint, endsAt and window_end are readable.
        Forwarder.Applied a = Forwarder.apply(
                set,
                "fp-x",
                json("{\"status\":\"resolved\",\"labels\":{\"a\":{}},\"startsAt\":\"2026-12-01T09:00:00Z\","
                        + "\"endsAt\":\"2026-12-01T09:40:00Z\",\"fingerprint\":\"fp-x\",\"window_end\":1200}"));
        assertEquals(Forwarder.Applied.Kind.INVALID_RESOLVED, a.kind());
        assertEquals("labels.a must be a string", a.reason());
        assertTrue(a.deliver());
        assertNull(set.get("fp-x"));
        // Delivered as a resolution with the firing record's labels and startsAt, and its own endsAt.
        AlertState r = a.state();
        assertFalse(r.firing());
        assertEquals("{\"alertname\":\"fp-x\"}", r.labels().toString());
        assertEquals(Instant.parse("2026-12-01T09:00:00Z"), r.startsAt());
        assertEquals(Instant.parse("2026-12-01T09:40:00Z"), Policy.endsAt(r, NOW, MINUTE));
        // Its window (1200) is remembered: the firing record of window 600, read again, stays ignored.
        assertEquals(
                Forwarder.Applied.Kind.OUTDATED,
                Forwarder.apply(set, "fp-x", firingRecord("fp-x", 600)).kind());

        // Only the key names it, no times readable: resolved (endsAt now when sent).
        set.apply("fp-y", state("firing", "fp-y", "09:00", null, 600L));
        Forwarder.Applied byKey = Forwarder.apply(set, "fp-y", json("{\"status\":\"resolved\",\"endsAt\":\"soon\"}"));
        assertEquals(Forwarder.Applied.Kind.INVALID_RESOLVED, byKey.kind());
        assertEquals(NOW, Policy.endsAt(byKey.state(), NOW, MINUTE));
        assertNull(set.get("fp-y"));

        // Anything else unusable changes nothing: an alert is never ended on a guess.
        set.apply("fp-z", state("firing", "fp-z", "09:00", null, 600L));
        for (String value : List.of(
                "not json",
                "{\"status\":\"firing\",\"labels\":{\"a\":{}},\"fingerprint\":\"fp-z\"}",
                "{\"labels\":{\"alertname\":\"z\"},\"fingerprint\":\"fp-z\"}",
                // resolved, but of an older window (300) than the firing record (600)
                "{\"status\":\"resolved\",\"labels\":{},\"fingerprint\":\"fp-z\",\"window_end\":300}")) {
            Forwarder.Applied skipped = Forwarder.apply(set, "fp-z", json(value));
            assertEquals(Forwarder.Applied.Kind.INVALID, skipped.kind(), value);
            assertFalse(skipped.deliver(), value);
            assertNotNull(set.get("fp-z"), value);
        }
        // Resolved, unusable, for an alert that does not fire: nothing to resolve.
        assertEquals(
                Forwarder.Applied.Kind.INVALID,
                Forwarder.apply(set, "fp-none", json("{\"status\":\"resolved\"}"))
                        .kind());

        // A tombstone is applied and delivered (as nothing: it leaves the queue); one without a key does nothing.
        Forwarder.Applied tombstone = Forwarder.apply(set, "fp-z", null);
        assertEquals(Forwarder.Applied.Kind.APPLIED, tombstone.kind());
        assertTrue(tombstone.deliver());
        assertNull(tombstone.state());
        assertNull(set.get("fp-z"));
        assertEquals(
                Forwarder.Applied.Kind.NOTHING, Forwarder.apply(set, null, null).kind());
    }

    private static byte[] firingRecord(String fingerprint, long windowEnd) {
        return json("{\"status\":\"firing\",\"labels\":{\"alertname\":\"" + fingerprint + "\"},"
                + "\"startsAt\":\"2026-12-01T09:00:00Z\",\"fingerprint\":\"" + fingerprint + "\",\"window_end\":"
                + windowEnd + "}");
    }

    @Test
    void alertmanagersAnswersAreToldApart() {
        // Bodies as Alertmanager 0.25 answers them (seen with Debian's prometheus-alertmanager).
        // Its per-alert validation: a JSON string; the valid alerts of the request were stored.
        assertEquals(Policy.Rejection.SOME_ALERTS, Policy.rejection(400, "\"start time must be before end time\"\n"));
        assertEquals(
                Policy.Rejection.SOME_ALERTS,
                Policy.rejection(
                        400, "\"invalid label set: invalid name \\\"x y\\\"; start time must be before end time\""));
        // go-swagger's schema validation (422) and parse errors (400): objects; nothing stored.
        assertEquals(
                Policy.Rejection.WHOLE_REQUEST,
                Policy.rejection(
                        422, "{\"code\":601,\"message\":\"1.generatorURL in body must be of type uri: \\\"x\\\"\"}"));
        assertEquals(
                Policy.Rejection.WHOLE_REQUEST,
                Policy.rejection(400, "{\"code\":400,\"message\":\"parsing alerts body from \\\"\\\" failed\"}"));
        // A proxy's page, or nothing at all.
        assertEquals(Policy.Rejection.WHOLE_REQUEST, Policy.rejection(400, "<html>400 Bad Request</html>"));
        assertEquals(Policy.Rejection.WHOLE_REQUEST, Policy.rejection(400, ""));
        // Not rejections of the alerts: retried.
        assertEquals(Policy.Rejection.NONE, Policy.rejection(500, "\"x\""));
        assertEquals(Policy.Rejection.NONE, Policy.rejection(503, ""));
        assertEquals(Policy.Rejection.NONE, Policy.rejection(413, ""));
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
        // window_end orders a fingerprint's records: a wrong one is no event time.
        for (String w : List.of("\"1793614200000\"", "1.5", "{}")) {
            assertEquals(
                    "window_end must be epoch milliseconds, not " + w,
                    message("{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"2026-12-01T09:00:00Z\","
                            + "\"fingerprint\":\"f\",\"window_end\":" + w + "}"));
        }
        assertEquals(
                1793614200000L,
                AlertState.parse(
                                "k",
                                json("{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},"
                                        + "\"startsAt\":\"2026-12-01T09:00:00Z\",\"window_end\":1793614200000}"))
                        .windowEnd());
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
