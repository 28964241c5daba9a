package io.modelvitals.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Alertmanager instance and the thread that delivers to it, so a slow or dead instance never delays another.
 * It sends the records queued for it as soon as they come, and the whole firing set every re-send interval and on
 * every retry; it remembers up to which offsets it has been acknowledged. Its queue keeps only the latest state per
 * fingerprint: Alertmanager needs no more, and an instance down for hours holds one entry per alert, not per record.
 * The queue holds exactly the changes not yet delivered: once it has gone out, every record before the offsets read
 * when it was taken has reached the instance.
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
    private final Duration requestTimeout;
    private final int maxPerRequest;
    private final Thread thread;

    // Guarded by lock (shared with the consumer thread, so a snapshot of the queue and the firing set is consistent).
    private final Map<String, AlertState> queue = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> queuedUpTo = new HashMap<>();
    private final Map<TopicPartition, Long> ackedUpTo = new HashMap<>();
    private boolean failing;
    private boolean counted = true;
    private int failures;
    private long retryAtMs;
    private long nextFullMs;
    private long lastSuccessMs;

    /** Set under lock (for the wait); volatile because it is also checked between the requests of one send. */
    private volatile boolean stopping;
    /** Why the thread ended, if not by {@link #requestStop}: the forwarder stops on it rather than go on without it. */
    private volatile Throwable died;

    // The sender thread's own: fingerprints already logged as dropped, so a bad alert re-sent every interval is
    // logged once (then at debug), while the metric counts every drop.
    private final Set<String> droppedLogged = new java.util.HashSet<>();

    final AtomicLong sent = new AtomicLong();
    final AtomicLong failedRequests = new AtomicLong();
    final AtomicLong rejectedRequests = new AtomicLong();
    final AtomicLong droppedAlerts = new AtomicLong();
    volatile boolean up;

    AlertmanagerInstance(URI base, Duration resend, Object lock, FiringSet firing, HttpClient http) {
        this(base, resend, lock, firing, http, REQUEST_TIMEOUT, MAX_ALERTS_PER_REQUEST);
    }

    /** With a request timeout and a request size of the caller's: tests use short and small ones. */
    AlertmanagerInstance(
            URI base,
            Duration resend,
            Object lock,
            FiringSet firing,
            HttpClient http,
            Duration requestTimeout,
            int maxPerRequest) {
        this.name = withoutUserInfo(base).toString();
        this.endpoint = endpoint(base);
        this.authorization = authorization(base);
        this.resend = resend;
        this.lock = lock;
        this.firing = firing;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.maxPerRequest = maxPerRequest;
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

    /**
     * The partition was reset to its new beginning (a recreated topic): nothing of it is acknowledged yet. 0 is below
     * any offset of it, so the commits wait for this instance's next acknowledgement, as for any record read.
     */
    void rewound(TopicPartition tp) {
        ackedUpTo.put(tp, 0L);
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
        boolean now = Policy.counts(lastSuccessMs, nowMs, resend);
        if (counted && !now) {
            LOG.warn(
                    "Alertmanager {} has acknowledged nothing for {}: offsets are committed without it now; its"
                            + " alerts from us have ended there, and the re-sends restore the firing ones when it is"
                            + " back",
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

    /** Why the sender thread ended by itself, or null while it runs (or once stopped as asked). */
    Throwable died() {
        return died;
    }

    /**
     * Stops every instance: all are told first, then each is waited for, so the instances' requests in flight run
     * out together rather than one after the other.
     */
    static void stopAll(List<AlertmanagerInstance> instances) {
        for (AlertmanagerInstance i : instances) i.requestStop();
        for (AlertmanagerInstance i : instances) i.awaitStop();
    }

    /** Nothing more is sent after the request in flight, if any: not the rest of the send, not the queue. */
    void requestStop() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
    }

    /** A request in flight gets its timeout to be answered; then the thread is interrupted, which abandons it. */
    void awaitStop() {
        if (!thread.isAlive()) return;
        try {
            thread.join(requestTimeout.toMillis() + 1000);
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
                    // The queue first: changes (a resolution above all) reach Alertmanager before the re-send of a
                    // large firing set, and once they are acknowledged so are the records before upTo, whatever
                    // becomes of the re-send. The firing set and the queue are read under one lock, so a queued
                    // state is never older than the set's: the set's copy is left out.
                    batch = new ArrayList<>(taken.values());
                    if (full) {
                        for (AlertState a : firing.alerts()) {
                            if (!taken.containsKey(a.fingerprint())) batch.add(a);
                        }
                    }
                }
                Sent result;
                try {
                    result = post(batch);
                } catch (RuntimeException e) {
                    // A bug or a client surprise must not end the thread: that would freeze this instance's
                    // acknowledgements and so the commits. Handled as a failed send, retried with backoff.
                    LOG.error("sending to Alertmanager {} failed unexpectedly; retrying", name, e);
                    result = new Sent(0, describe(e), false);
                }
                if (result.stopped()) return;
                synchronized (lock) {
                    settle(taken, upTo, result, full, startMs);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            // An Error: the forwarder sees it (died()) and stops, so the process is restarted rather than going on
            // without this instance.
            died = t;
            LOG.error("the sender thread of Alertmanager {} died", name, t);
        }
    }

    /** What became of a send: how many alerts from its start went out (acknowledged or dropped), and why not all. */
    record Sent(int delivered, String error, boolean stopped) {}

    /** Holding lock: the outcome of one send. */
    private void settle(
            Map<String, AlertState> taken, Map<TopicPartition, Long> upTo, Sent result, boolean full, long startMs) {
        if (result.delivered() >= taken.size()) {
            ackedUpTo.putAll(upTo);
        } else {
            putBack(taken, result.delivered());
        }
        if (result.error() == null) {
            if (failing) LOG.warn("Alertmanager {} acknowledges again after {} failed request(s)", name, failures);
            failing = false;
            failures = 0;
            if (full) nextFullMs = startMs + resend.toMillis();
        } else {
            failures++;
            failedRequests.incrementAndGet();
            up = false;
            Duration delay = Policy.backoff(failures, resend);
            retryAtMs = System.currentTimeMillis() + delay.toMillis();
            if (!failing) {
                LOG.warn("Alertmanager {} failed: {}; retrying, first in {}", name, result.error(), Policy.text(delay));
            }
            failing = true;
        }
    }

    /**
     * Holding lock: the queued states that did not go out return to the queue, unless a newer state of the same
     * alert came meanwhile (it is in the queue then). A firing state returns only while it is still the set's
     * current one: after a tombstone it must not come back.
     */
    private void putBack(Map<String, AlertState> taken, int delivered) {
        int index = 0;
        for (Map.Entry<String, AlertState> e : taken.entrySet()) {
            if (index++ < delivered) continue;
            AlertState state = e.getValue();
            if (!state.firing() || firing.get(e.getKey()) == state) queue.putIfAbsent(e.getKey(), state);
        }
    }

    /**
     * Posts the batch in requests of at most maxPerRequest, in order, and stops at the first that fails or when
     * asked to stop.
     */
    private Sent post(List<AlertState> batch) throws InterruptedException {
        int from = 0;
        do {
            if (from > 0 && stopping) return new Sent(from, null, true);
            List<AlertState> chunk = batch.subList(from, Math.min(batch.size(), from + maxPerRequest));
            String error;
            try {
                error = postBisecting(chunk, true);
            } catch (Stopping e) {
                return new Sent(from, null, true);
            }
            if (error != null) return new Sent(from, error, false);
            from += chunk.size();
        } while (from < batch.size());
        return new Sent(from, null, false);
    }

    /** Asked to stop between the two halves of a bisected request. */
    private static final class Stopping extends Exception {
        Stopping() {
            super(null, null, false, false);
        }
    }

    /**
     * One request; if it is refused as a whole (Policy.Rejection.WHOLE_REQUEST), each half again, down to single
     * alerts, which are dropped if still refused. Null when every alert was acknowledged or dropped, else why not.
     */
    private String postBisecting(List<AlertState> alerts, boolean first) throws InterruptedException, Stopping {
        Answer answer;
        try {
            answer = request(alerts);
        } catch (RuntimeException e) {
            if (!failing) LOG.error("sending to Alertmanager {} failed unexpectedly", name, e);
            return describe(e);
        }
        if (answer.error() != null) return answer.error();
        int status = answer.status();
        if (status / 100 == 2) {
            acknowledged(alerts.size());
            return null;
        }
        String text = answer.body().strip();
        if (text.length() > 500) text = text.substring(0, 500) + "…";
        switch (Policy.rejection(status, answer.body())) {
            case SOME_ALERTS:
                // Alertmanager stored the valid alerts and names the invalid ones: sending them again would fail
                // again. Counted and logged, not retried, so one bad alert cannot hold back all others.
                acknowledged(0);
                rejectedRequests.incrementAndGet();
                LOG.warn(
                        "Alertmanager {} rejected alert(s) of a request of {}: HTTP {} {}",
                        name,
                        alerts.size(),
                        status,
                        text);
                return null;
            case WHOLE_REQUEST:
                // The empty send of an idle interval has nothing to bisect or drop: whatever refuses it is failing.
                if (alerts.isEmpty()) return "HTTP " + status + (text.isEmpty() ? "" : " " + text);
                rejectedRequests.incrementAndGet();
                if (alerts.size() == 1) {
                    drop(alerts.get(0), status, text);
                    return null;
                }
                if (first) {
                    LOG.warn(
                            "Alertmanager {} refused a request of {} alert(s) as a whole: HTTP {} {}; sending it in"
                                    + " halves to find the invalid alert(s)",
                            name,
                            alerts.size(),
                            status,
                            text);
                }
                int half = alerts.size() / 2;
                String error = postBisecting(alerts.subList(0, half), false);
                if (error != null) return error;
                if (stopping) throw new Stopping();
                return postBisecting(alerts.subList(half, alerts.size()), false);
            default:
                return "HTTP " + status + (text.isEmpty() ? "" : " " + text);
        }
    }

    /** A request that was answered: Alertmanager has extended what it took, so it counts for the horizon. */
    private void acknowledged(int alerts) {
        sent.addAndGet(alerts);
        synchronized (lock) {
            lastSuccessMs = System.currentTimeMillis();
        }
        up = true;
    }

    private void drop(AlertState alert, int status, String text) {
        droppedAlerts.incrementAndGet();
        if (droppedLogged.size() > 10_000) droppedLogged.clear();
        boolean first = droppedLogged.add(alert.fingerprint());
        String message = "Alertmanager {} refuses alert {} {} on its own: HTTP {} {}; dropped (it is not retried, and"
                + " re-sent only with the firing set, where it is dropped again)";
        if (first) LOG.warn(message, name, alert.fingerprint(), alert.labels(), status, text);
        else LOG.debug(message, name, alert.fingerprint(), alert.labels(), status, text);
    }

    /** An HTTP answer (status and body), or why there was none. */
    private record Answer(int status, String body, String error) {}

    private Answer request(List<AlertState> alerts) throws InterruptedException {
        byte[] body;
        try {
            // endsAt is computed now, just before sending, so each send extends a firing alert from its own time.
            body = AlertState.MAPPER.writeValueAsBytes(Policy.render(alerts, Instant.now(), resend));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) request.header("Authorization", authorization);
        // The request's timeout ends with the response's headers: a body that never completes would block send()
        // for ever. The deadline on the whole exchange covers it.
        CompletableFuture<HttpResponse<String>> pending =
                http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> response;
        try {
            response = pending.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            return new Answer(0, null, "no complete answer within " + Policy.text(requestTimeout));
        } catch (ExecutionException e) {
            return new Answer(0, null, describe(e.getCause() == null ? e : e.getCause()));
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        }
        return new Answer(response.statusCode(), response.body() == null ? "" : response.body(), null);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
