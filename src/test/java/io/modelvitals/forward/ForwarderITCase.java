package io.modelvitals.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelvitals.testing.EmbeddedKafkaExtension;
import io.modelvitals.tools.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder between the real in-process Kafka broker and real Alertmanager processes, observed through
 * Alertmanager's own API (GET /api/v2/alerts). Re-sends every second (3 s in the outage test); Alertmanager's
 * resolve_timeout is 5 s, so an alert active longer than that is kept alive by the re-sends alone.
 */
class ForwarderITCase {
    private static final Duration RESEND = Duration.ofSeconds(1);
    /** Longer in the outage test, so the commit bound (4 re-sends) is far enough away to check before it. */
    private static final Duration OUTAGE_RESEND = Duration.ofSeconds(3);

    private static final int PARTITIONS = 2;

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    // Per test, not per class: surefire then reports each test as skipped, with the reason.
    @BeforeEach
    void alertmanagerInstalled() {
        if (!Files.isExecutable(AlertmanagerProcess.BINARY)) {
            String why = "ForwarderITCase skipped: no Alertmanager at " + AlertmanagerProcess.BINARY
                    + " (install Debian's prometheus-alertmanager: .ci/run does)";
            System.out.println(why);
            Assumptions.abort(why);
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void firingAlertStaysActiveThroughResendsAndARestartAndResolves(@TempDir Path dir) throws Exception {
        try (AlertmanagerProcess am1 = AlertmanagerProcess.start(dir.resolve("am1"));
                AlertmanagerProcess am2 = AlertmanagerProcess.start(dir.resolve("am2"))) {
            List<AlertmanagerProcess> pair = List.of(am1, am2);
            String topic = "alerts-" + suffix;
            String group = "forwarder-" + suffix;
            KAFKA.kafka().createTopics(PARTITIONS, topic);
            String a = "accuracy-low-" + suffix;
            String b = "latency-high-" + suffix;
            String aborted = "aborted-" + suffix;
            Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));

            Forwarder first = Forwarder.start(config(topic, group, pair, RESEND));
            Forwarder second = null;
            try {
                // 1. Nothing there before the records are written; then active on both instances within seconds.
                for (AlertmanagerProcess am : pair) {
                    assertTrue(am.active(a).isEmpty() && am.active(b).isEmpty(), "active before it was written");
                }
                produce(topic, false, firing(aborted, startsAt));
                produce(topic, true, firing(a, startsAt), firing(b, startsAt));
                awaitUntil("both alerts active on both instances", Instant.now().plusSeconds(15), () -> {
                    for (AlertmanagerProcess am : pair) {
                        if (am.active(a).isEmpty() || am.active(b).isEmpty()) return false;
                    }
                    return true;
                });
                Instant firstSeen = Instant.now();
                Instant firstEndsAt = Instant.EPOCH;
                for (AlertmanagerProcess am : pair) {
                    JsonNode alert = am.active(a).orElseThrow();
                    assertEquals(startsAt, AlertmanagerProcess.time(alert, "startsAt"), alert.toString());
                    assertEquals(
                            "accuracy of m v1 is 0.2",
                            alert.path("annotations").path("summary").asText());
                    assertEquals(
                            "https://vitals.example/m",
                            alert.path("generatorURL").asText());
                    Instant endsAt = AlertmanagerProcess.time(alert, "endsAt");
                    // Prometheus' convention: 4 re-send intervals from the send (which came before we looked).
                    assertFalse(
                            endsAt.isAfter(firstSeen.plus(RESEND.multipliedBy(4))), endsAt + " vs seen " + firstSeen);
                    if (endsAt.isAfter(firstEndsAt)) firstEndsAt = endsAt;
                }

                // 2. Still active after twice resolve_timeout and after the first send's endsAt: only re-sends do that.
                Instant later = max(firstSeen.plus(AlertmanagerProcess.RESOLVE_TIMEOUT.multipliedBy(2)), firstEndsAt);
                waitUntil(later.plusSeconds(1));
                for (AlertmanagerProcess am : pair) {
                    JsonNode alert = am.active(a).orElseThrow(() -> new AssertionError("A ended: re-sends missing"));
                    assertTrue(AlertmanagerProcess.time(alert, "endsAt").isAfter(firstEndsAt), alert.toString());
                    assertTrue(am.active(b).isPresent(), "B ended");
                    // Written in an aborted transaction: read_committed never sees it.
                    assertTrue(am.active(aborted).isEmpty(), "an aborted record reached Alertmanager");
                }
                String metrics = metrics(first);
                assertEquals(2, metric(metrics, "model_vitals_forwarder_firing_alerts"), metrics);
                for (AlertmanagerProcess am : pair) {
                    String label = "{alertmanager=\"" + am.url() + "\"}";
                    assertTrue(metric(metrics, "model_vitals_forwarder_alerts_sent_total" + label) >= 4, metrics);
                    assertEquals(1, metric(metrics, "model_vitals_forwarder_alertmanager_up" + label), metrics);
                }

                // 3. A restart rebuilds the firing set from the topic. The offsets are committed up to the end first,
                // so the new forwarder reads no record as new: only the rebuild can re-send the alerts.
                awaitUntil(
                        "offsets committed to the end",
                        Instant.now().plusSeconds(15),
                        () -> committedToEnd(group, topic));
                first.close();
                Instant oldEndsAt = Instant.EPOCH;
                for (AlertmanagerProcess am : pair) {
                    for (String name : List.of(a, b)) {
                        JsonNode alert = am.active(name).orElseThrow(() -> new AssertionError(name + " ended early"));
                        oldEndsAt = max(oldEndsAt, AlertmanagerProcess.time(alert, "endsAt"));
                    }
                }
                second = Forwarder.start(config(topic, group, pair, RESEND));
                waitUntil(oldEndsAt.plusSeconds(1));
                for (AlertmanagerProcess am : pair) {
                    for (String name : List.of(a, b)) {
                        JsonNode alert = am.active(name)
                                .orElseThrow(() -> new AssertionError(name + " ended after the restart: no rebuild"));
                        assertTrue(AlertmanagerProcess.time(alert, "endsAt").isAfter(oldEndsAt), alert.toString());
                    }
                }

                // 4. The resolved record ends A on both instances before its last firing endsAt would have (so it is
                // the resolved send, not a silent forwarder). Its endsAt in the record is an hour ahead of the wall
                // clock: sent as now, or A would stay active. B, still firing, stays.
                Instant lastFiringEndsAt = Instant.MAX;
                for (AlertmanagerProcess am : pair) {
                    Instant endsAt = AlertmanagerProcess.time(am.active(a).orElseThrow(), "endsAt");
                    if (endsAt.isBefore(lastFiringEndsAt)) lastFiringEndsAt = endsAt;
                }
                produce(topic, true, resolved(a, startsAt, Instant.now().plus(Duration.ofHours(1))));
                awaitUntil("A resolved on both instances", lastFiringEndsAt.minusMillis(200), () -> {
                    for (AlertmanagerProcess am : pair) if (am.active(a).isPresent()) return false;
                    return true;
                });
                Instant bEndsAt = Instant.EPOCH;
                for (AlertmanagerProcess am : pair) {
                    bEndsAt = max(bEndsAt, AlertmanagerProcess.time(am.active(b).orElseThrow(), "endsAt"));
                }
                waitUntil(bEndsAt.plusMillis(500));
                for (AlertmanagerProcess am : pair) {
                    assertTrue(am.active(b).isPresent(), "B ended with A");
                    assertTrue(am.active(a).isEmpty(), "A active again");
                }
                assertEquals(1, metric(metrics(second), "model_vitals_forwarder_firing_alerts"));
            } finally {
                first.close();
                if (second != null) second.close();
            }
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void alertWrittenWhileAlertmanagerIsDownIsDeliveredWhenItIsBack(@TempDir Path dir) throws Exception {
        try (AlertmanagerProcess am = AlertmanagerProcess.start(dir.resolve("am"))) {
            String topic = "alerts-" + suffix;
            String group = "forwarder-" + suffix;
            KAFKA.kafka().createTopics(PARTITIONS, topic);
            String before = "before-outage-" + suffix;
            String during = "during-outage-" + suffix;
            Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(5));
            String label = "{alertmanager=\"" + am.url() + "\"}";

            Forwarder forwarder = Forwarder.start(config(topic, group, List.of(am), OUTAGE_RESEND));
            try {
                produce(topic, true, firing(before, startsAt));
                awaitUntil(
                        "the first alert active",
                        Instant.now().plusSeconds(15),
                        () -> am.active(before).isPresent());
                assertTrue(am.active(during).isEmpty(), "active before it was written");

                Instant stopping = Instant.now();
                am.stop();
                assertFalse(am.isUp());
                produce(topic, true, firing(during, startsAt));
                awaitUntil(
                        "the record read",
                        stopping.plusSeconds(5),
                        () -> metric(metrics(forwarder), "model_vitals_forwarder_firing_alerts") == 2);
                // Read but not acknowledged: the offsets stay put while the instance still counts, which it does
                // until 4 re-sends (12 s) after its last success, at most one re-send (3 s) before it was stopped.
                holdsUntil(
                        "offsets not committed before the bound",
                        stopping.plusSeconds(7),
                        () -> !committedToEnd(group, topic));
                awaitUntil("failures counted", Instant.now().plusSeconds(10), () -> {
                    String m = metrics(forwarder);
                    return metric(m, "model_vitals_forwarder_failed_requests_total" + label) > 0
                            && metric(m, "model_vitals_forwarder_alertmanager_up" + label) == 0;
                });
                // The documented choice: after 4 re-send intervals without an acknowledgement the offsets move on
                // without the instance (its alerts have ended there; the re-sends restore them).
                awaitUntil(
                        "offsets committed during the outage",
                        stopping.plusSeconds(25),
                        () -> committedToEnd(group, topic));
                assertFalse(am.isUp());
                waitUntil(stopping.plusSeconds(30));

                // Alertmanager keeps alerts in memory only: whatever it has after the restart came from re-sends.
                am.restart();
                awaitUntil(
                        "both alerts active after the outage",
                        Instant.now().plusSeconds(20),
                        () -> am.active(during).isPresent() && am.active(before).isPresent());
                assertEquals(
                        startsAt, AlertmanagerProcess.time(am.active(during).orElseThrow(), "startsAt"));
                awaitUntil(
                        "up again",
                        Instant.now().plusSeconds(5),
                        () -> metric(metrics(forwarder), "model_vitals_forwarder_alertmanager_up" + label) == 1);

                // Prometheus' endsAt convention: with the forwarder gone, Alertmanager ends the alerts by itself.
                forwarder.close();
                Instant closed = Instant.now();
                Instant endsAt = AlertmanagerProcess.time(am.active(during).orElseThrow(), "endsAt");
                assertFalse(
                        endsAt.isAfter(closed.plus(OUTAGE_RESEND.multipliedBy(4))), endsAt + " vs closed " + closed);
                awaitUntil(
                        "alerts ended without the forwarder",
                        endsAt.plusSeconds(3),
                        () -> am.active(during).isEmpty() && am.active(before).isEmpty());
            } finally {
                forwarder.close();
            }
        }
    }

    // ---- helpers ----

    /**
     * Alertmanager refuses a whole request when one alert in it fails its schema (422: here a generatorURL that is not
     * a URL). The forwarder splits the request until only that alert is refused: the others get through.
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anAlertAlertmanagerRefusesIsDroppedAndTheOthersInItsRequestGetThrough(@TempDir Path dir) throws Exception {
        try (AlertmanagerProcess am = AlertmanagerProcess.start(dir.resolve("am"))) {
            String topic = "alerts-" + suffix;
            KAFKA.kafka().createTopics(1, topic);
            Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(1));
            String a = "a-" + suffix, bad = "bad-" + suffix, c = "c-" + suffix;
            Alert refused = firing(bad, startsAt);
            refused =
                    new Alert(refused.fingerprint(), refused.json().replace("https://vitals.example/m", "::not a url"));
            try (Forwarder forwarder = Forwarder.start(config(topic, "forwarder-" + suffix, List.of(am), RESEND))) {
                // One transaction, so the three travel in one request.
                produce(topic, true, firing(a, startsAt), refused, firing(c, startsAt));
                awaitUntil(
                        "the two valid alerts active",
                        Instant.now().plusSeconds(20),
                        () -> am.active(a).isPresent() && am.active(c).isPresent());
                awaitUntil(
                        "the refused one counted as dropped",
                        Instant.now().plusSeconds(10),
                        () -> forwarder.instances().get(0).droppedAlerts.get() >= 1);
                assertTrue(am.active(bad).isEmpty(), "Alertmanager holds an alert it refused");
                assertEquals(1, forwarder.instances().get(0).droppedAlerts.get(), "only the refused alert is dropped");
            }
        }
    }

    /** A broker outage under a running forwarder: it keeps the alerts alive meanwhile and delivers what comes after. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theForwarderRidesOutABrokerOutage(@TempDir Path dir) throws Exception {
        try (AlertmanagerProcess am = AlertmanagerProcess.start(dir.resolve("am"));
                EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String topic = "alerts-" + suffix;
            kafka.createTopics(1, topic);
            Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(1));
            String before = "before-" + suffix, after = "after-" + suffix;
            ForwarderConfig config = new ForwarderConfig(
                    kafka.bootstrapServers(),
                    topic,
                    "forwarder-" + suffix,
                    Map.of(),
                    List.of(am.url()),
                    RESEND,
                    "127.0.0.1",
                    freePort());
            try (Forwarder forwarder = Forwarder.start(config)) {
                produce(kafka.bootstrapServers(), topic, true, firing(before, startsAt));
                awaitUntil(
                        "the first alert active",
                        Instant.now().plusSeconds(20),
                        () -> am.active(before).isPresent());
                kafka.stop();
                // Longer than the consumer's 10 s position timeout and than resolve_timeout: the firing set is re-sent
                // from memory meanwhile, so the alert stays active with the broker gone.
                waitUntil(Instant.now().plusSeconds(15));
                assertTrue(am.active(before).isPresent(), "the alert ended during the outage");
                kafka.restart();
                produce(kafka.bootstrapServers(), topic, true, firing(after, startsAt));
                awaitUntil(
                        "the alert written after the outage active",
                        Instant.now().plusSeconds(60),
                        () -> am.active(after).isPresent());
                assertTrue(am.active(before).isPresent());
            }
        }
    }

    private ForwarderConfig config(String topic, String group, List<AlertmanagerProcess> instances, Duration resend)
            throws Exception {
        List<URI> urls = new ArrayList<>();
        for (AlertmanagerProcess am : instances) urls.add(am.url());
        return new ForwarderConfig(
                KAFKA.kafka().bootstrapServers(), topic, group, Map.of(), urls, resend, "127.0.0.1", freePort());
    }

    /** One alert record: key = fingerprint, value in the job's shape (docs/wire-contract.md). */
    private record Alert(String fingerprint, String json) {}

    private static Alert firing(String alertname, Instant startsAt) {
        String fingerprint = "fp-" + alertname;
        return new Alert(
                fingerprint,
                "{\"status\":\"firing\"," + body(alertname, startsAt) + ",\"fingerprint\":\""
                        + fingerprint + "\",\"window_start\":1,\"window_end\":2,"
                        + "\"generatorURL\":\"https://vitals.example/m\"}");
    }

    private static Alert resolved(String alertname, Instant startsAt, Instant endsAt) {
        String fingerprint = "fp-" + alertname;
        return new Alert(
                fingerprint,
                "{\"status\":\"resolved\"," + body(alertname, startsAt) + ",\"endsAt\":\"" + endsAt
                        + "\",\"fingerprint\":\"" + fingerprint + "\",\"window_start\":3,\"window_end\":4}");
    }

    private static String body(String alertname, Instant startsAt) {
        return "\"labels\":{\"alertname\":\"" + alertname + "\",\"model\":\"m\",\"version\":\"v1\",\"segment\":\"all\","
                + "\"vital\":\"accuracy\",\"severity\":\"critical\"},"
                + "\"annotations\":{\"summary\":\"accuracy of m v1 is 0.2\",\"description\":\"below 0.6\","
                + "\"value\":\"0.2\",\"threshold\":\"0.6\"},\"startsAt\":\"" + startsAt + "\"";
    }

    /** Writes the records in one transaction, as the job does, and commits or aborts it. */
    private void produce(String topic, boolean commit, Alert... alerts) {
        produce(KAFKA.kafka().bootstrapServers(), topic, commit, alerts);
    }

    private void produce(String bootstrapServers, String topic, boolean commit, Alert... alerts) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Alert a : alerts) producer.send(new ProducerRecord<>(topic, a.fingerprint(), a.json()));
            producer.flush();
            if (commit) producer.commitTransaction();
            else producer.abortTransaction();
        }
    }

    /** Whether the group's committed offsets reach the last stable offset of every partition. */
    private boolean committedToEnd(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.kafka().bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                            latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all()
                    .get();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
                long end = e.getValue().offset();
                OffsetAndMetadata c = committed.get(e.getKey());
                if (end > 0 && (c == null || c.offset() < end)) return false;
            }
            return true;
        }
    }

    private String metrics(Forwarder forwarder) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + forwarder.metricsPort() + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** The value of one sample, by its name and labels as written; fails when it is missing. */
    private static long metric(String text, String sample) {
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " "))
                return Long.parseLong(line.substring(sample.length() + 1).trim());
        }
        return fail("no sample " + sample + " in\n" + text);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Polls until the check holds; fails unless it held in a check begun before the deadline. */
    private static void awaitUntil(String what, Instant deadline, Check check) throws Exception {
        while (true) {
            Instant begun = Instant.now();
            boolean holds = check.holds();
            if (holds && begun.isBefore(deadline)) return;
            if (!Instant.now().isBefore(deadline)) fail("not in time (by " + deadline + "): " + what);
            Thread.sleep(100);
        }
    }

    /** Polls until the time comes; fails as soon as the check does not hold. */
    private static void holdsUntil(String what, Instant until, Check check) throws Exception {
        while (Instant.now().isBefore(until)) {
            assertTrue(check.holds(), what);
            Thread.sleep(100);
        }
    }

    /** Lets wall-clock time pass: the premise of a check, never the check itself. */
    private static void waitUntil(Instant when) throws InterruptedException {
        long ms = Duration.between(Instant.now(), when).toMillis();
        if (ms > 0) Thread.sleep(ms);
    }

    private static Instant max(Instant x, Instant y) {
        return x.isAfter(y) ? x : y;
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
