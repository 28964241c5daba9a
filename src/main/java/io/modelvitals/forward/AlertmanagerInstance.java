package io.modelvitals.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Alertmanager instance and the thread that delivers to it, so a slow or dead instance never delays another.
 * It sends the records queued for it as soon as they come, and the whole firing set every re-send interval and on
 * every retry; it remembers up to which offsets it has been acknowledged. Its queue keeps only the latest state per
 * fingerprint: Alertmanager needs no more, and an instance down for hours holds one entry per alert, not per record.
 */
final class AlertmanagerInstance {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerInstance.class);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Large firing sets go in several requests, as Prometheus batches its own. */
    static final int MAX_ALERTS_PER_REQUEST = 1000;

    /** The base URL without credentials: the metrics' label and the logs' name for it. */
    final String name;

    private final URI endpoint;
    private final String authorization;
    private final Duration resend;
    private final Object lock;
    private final FiringSet firing;
    private final HttpClient http;
    private final Thread thread;

    // Guarded by lock (shared with the consumer thread, so a snapshot of the queue and the firing set is consistent).
    private final Map<String, AlertState> queue = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> queuedUpTo = new HashMap<>();
    private final Map<TopicPartition, Long> ackedUpTo = new HashMap<>();
    private boolean stopping;
    private boolean failing;
    private boolean counted = true;
    private int failures;
    private long retryAtMs;
    private long nextFullMs;
    private long lastSuccessMs;

    final AtomicLong sent = new AtomicLong();
    final AtomicLong failedRequests = new AtomicLong();
    final AtomicLong rejectedRequests = new AtomicLong();
    volatile boolean up;

    AlertmanagerInstance(URI base, Duration resend, Object lock, FiringSet firing, HttpClient http) {
        this.name = withoutUserInfo(base).toString();
        this.endpoint = endpoint(base);
        this.authorization = authorization(base);
        this.resend = resend;
        this.lock = lock;
        this.firing = firing;
        this.http = http;
        this.thread = new Thread(this::run, "forward-" + endpoint.getAuthority());
        this.thread.setDaemon(true);
    }

    /** Where alerts are posted: the base URL (with any path prefix of a proxy) + /api/v2/alerts. */
    static URI endpoint(URI base) {
        URI plain = withoutUserInfo(base);
        String path = plain.getPath() == null ? "" : plain.getPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        if (!path.endsWith("/api/v2/alerts")) path = path + "/api/v2/alerts";
        try {
            return new URI(plain.getScheme(), null, plain.getHost(), plain.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--alertmanager: cannot build the alerts URL of " + plain, e);
        }
    }

    /** user:password in the URL become HTTP basic authentication; the JDK client would not send them. */
    static String authorization(URI base) {
        String userInfo = base.getRawUserInfo();
        if (userInfo == null) return null;
        String decoded = java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ---- called by the consumer thread, holding lock ----

    /** Nothing is outstanding before these offsets (where reading starts or a new partition begins). */
    void startAt(Map<TopicPartition, Long> offsets) {
        queuedUpTo.putAll(offsets);
        ackedUpTo.putAll(offsets);
    }

    /** A record to deliver; {@code null} is a tombstone, which has nothing to deliver. */
    void offer(String fingerprint, AlertState state) {
        if (state == null) queue.remove(fingerprint);
        else queue.put(fingerprint, state);
    }

    /** Every record before these offsets has been offered. */
    void readUpTo(Map<TopicPartition, Long> offsets) {
        queuedUpTo.putAll(offsets);
    }

    Map<TopicPartition, Long> acknowledged() {
        return new HashMap<>(ackedUpTo);
    }

    /** Whether this instance holds back commits now (Policy.counts); says so when that changes. */
    boolean counts(long nowMs) {
        boolean now = Policy.counts(failing, lastSuccessMs, nowMs, resend);
        if (counted && !now) {
            LOG.warn(
                    "Alertmanager {} has failed for {} since its last acknowledgement: offsets are committed without"
                            + " it now; its alerts from us have ended there, and the re-sends restore the firing ones"
                            + " when it is back",
                    name,
                    Policy.text(Policy.horizon(resend)));
        }
        counted = now;
        return now;
    }

    // ---- lifecycle ----

    void start(long nowMs) {
        synchronized (lock) {
            lastSuccessMs = nowMs;
        }
        thread.start();
    }

    /** Stops after the request in flight, if any: once this returns nothing more reaches the instance. */
    void stop() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        if (!thread.isAlive()) return;
        try {
            thread.join(REQUEST_TIMEOUT.toMillis() + 1000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                Map<String, AlertState> taken;
                Map<TopicPartition, Long> upTo;
                List<AlertState> batch;
                boolean full;
                long startMs;
                synchronized (lock) {
                    while (true) {
                        if (stopping) return;
                        long now = System.currentTimeMillis();
                        full = failing || now >= nextFullMs;
                        long due = failing ? retryAtMs : full || !queue.isEmpty() ? now : nextFullMs;
                        if (now >= due) {
                            startMs = now;
                            break;
                        }
                        lock.wait(due - now);
                    }
                    taken = new LinkedHashMap<>(queue);
                    queue.clear();
                    upTo = new HashMap<>(queuedUpTo);
                    // The firing set and the queue are read under one lock: the queue's state of a fingerprint is
                    // never older than the set's, so it goes on top.
                    Map<String, AlertState> payload = new LinkedHashMap<>();
                    if (full) for (AlertState a : firing.alerts()) payload.put(a.fingerprint(), a);
                    payload.putAll(taken);
                    batch = new ArrayList<>(payload.values());
                }
                String error = post(batch);
                synchronized (lock) {
                    if (error == null) succeeded(upTo, full, startMs);
                    else failed(taken, error);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void succeeded(Map<TopicPartition, Long> upTo, boolean full, long startMs) {
        if (failing) {
            LOG.warn("Alertmanager {} acknowledges again after {} failed request(s)", name, failures);
        }
        ackedUpTo.putAll(upTo);
        failing = false;
        failures = 0;
        lastSuccessMs = System.currentTimeMillis();
        if (full) nextFullMs = startMs + resend.toMillis();
        up = true;
    }

    private void failed(Map<String, AlertState> taken, String error) {
        // Every retry carries the whole firing set, so only resolved states go back into the queue, and only if no
        // newer state of the same alert came meanwhile. A firing state put back could outlive a tombstone.
        for (Map.Entry<String, AlertState> e : taken.entrySet()) {
            if (!e.getValue().firing()) queue.putIfAbsent(e.getKey(), e.getValue());
        }
        failures++;
        failedRequests.incrementAndGet();
        up = false;
        Duration delay = Policy.backoff(failures, resend);
        retryAtMs = System.currentTimeMillis() + delay.toMillis();
        if (!failing) LOG.warn("Alertmanager {} failed: {}; retrying, first in {}", name, error, Policy.text(delay));
        failing = true;
    }

    /** Posts the batch in requests of at most MAX_ALERTS_PER_REQUEST; null when all were acknowledged, else why not. */
    private String post(List<AlertState> batch) throws InterruptedException {
        int from = 0;
        do {
            List<AlertState> chunk = batch.subList(from, Math.min(batch.size(), from + MAX_ALERTS_PER_REQUEST));
            String error = postChunk(chunk);
            if (error != null) return error;
            from += chunk.size();
        } while (from < batch.size());
        return null;
    }

    private String postChunk(List<AlertState> chunk) throws InterruptedException {
        byte[] body;
        try {
            // endsAt is computed now, just before sending, so each send extends a firing alert from its own time.
            body = AlertState.MAPPER.writeValueAsBytes(Policy.render(chunk, Instant.now(), resend));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) request.header("Authorization", authorization);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            sent.addAndGet(chunk.size());
            return null;
        }
        String text = response.body() == null ? "" : response.body().strip();
        if (text.length() > 500) text = text.substring(0, 500) + "…";
        if (status == 400 || status == 422) {
            // Alertmanager stored the valid alerts and names the invalid ones: sending them again would fail again.
            // Counted and logged, not retried, so one bad alert cannot hold back all others.
            rejectedRequests.incrementAndGet();
            LOG.warn(
                    "Alertmanager {} rejected alert(s) of a request of {}: HTTP {} {}",
                    name,
                    chunk.size(),
                    status,
                    text);
            return null;
        }
        return "HTTP " + status + (text.isEmpty() ? "" : " " + text);
    }
}
