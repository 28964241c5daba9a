package io.modelvitals.forward;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The forwarder's rules as pure functions of the wall clock and offsets, so they can be checked with values worked
 * out by hand (ForwardPolicyTest). docs/forwarder.md explains each choice.
 */
final class Policy {
    /** Prometheus' convention: a firing alert ends 4 re-send intervals after it was sent unless sent again. */
    static final int ENDS_AT_RESENDS = 4;

    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private Policy() {}

    /**
     * The startsAt sent: the record's (event time), but never later than now. Alertmanager rejects an alert whose
     * endsAt is before its startsAt, and an event clock ahead of the wall clock would otherwise cause that.
     */
    static Instant startsAt(AlertState a, Instant now) {
        return a.startsAt().isAfter(now) ? now : a.startsAt();
    }

    /**
     * The endsAt sent. Firing: now + 4 re-send intervals, so Alertmanager resolves the alert by itself if the
     * forwarder dies. Resolved: the record's endsAt, or now if that is later (an event clock ahead of the wall clock
     * must not keep a resolved alert active), and never before the startsAt sent.
     */
    static Instant endsAt(AlertState a, Instant now, Duration resend) {
        if (a.firing()) return now.plus(resend.multipliedBy(ENDS_AT_RESENDS));
        Instant end = a.endsAt() == null || a.endsAt().isAfter(now) ? now : a.endsAt();
        Instant start = startsAt(a, now);
        return end.isBefore(start) ? start : end;
    }

    /** How long an instance has to be failing before offsets are committed without it: see {@link #counts}. */
    static Duration horizon(Duration resend) {
        return resend.multipliedBy(ENDS_AT_RESENDS);
    }

    /**
     * Whether an instance's acknowledgements hold back the offsets committed. Not once its last acknowledged request
     * (any request, including one chunk of a larger send: each one extends the endsAt of what it carried) is older
     * than the endsAt horizon: by then every alert it had from us has ended there, and the first re-send after it is
     * back gives it the whole firing set again, so the records it missed carry nothing the re-send does not. Waiting
     * longer would only stall the group (and its lag alert) on a dead instance. The time alone decides, not whether
     * the instance is known to be failing: a sender stuck in a request has not failed yet, and must not freeze the
     * commits either. A healthy instance acknowledges every re-send interval (the full re-send goes even when nothing
     * fires), well within the horizon.
     */
    static boolean counts(long lastSuccessMs, long nowMs, Duration resend) {
        return nowMs - lastSuccessMs <= horizon(resend).toMillis();
    }

    /**
     * The delay before retry number {@code failures} (1 after the first failure): doubling from 200 ms, capped at the
     * re-send interval and at 30 s, so an instance that comes back hears from us within one interval.
     */
    static Duration backoff(int failures, Duration resend) {
        long cap = Math.min(resend.toMillis(), MAX_BACKOFF.toMillis());
        long first = Math.min(FIRST_BACKOFF.toMillis(), cap);
        int doublings = Math.min(Math.max(failures, 1) - 1, 30);
        return Duration.ofMillis(Math.min(cap, first << doublings));
    }

    /**
     * The offsets that may be committed: per partition, the lowest offset acknowledged by every instance that
     * counts, or everything read when none counts. A partition some counting instance has no acknowledgement for
     * is left out.
     */
    static Map<TopicPartition, Long> committable(
            Map<TopicPartition, Long> read, Collection<Map<TopicPartition, Long>> acknowledged) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : read.entrySet()) {
            long offset = e.getValue();
            boolean known = true;
            for (Map<TopicPartition, Long> acked : acknowledged) {
                Long a = acked.get(e.getKey());
                if (a == null) known = false;
                else offset = Math.min(offset, a);
            }
            if (known) out.put(e.getKey(), offset);
        }
        return out;
    }

    /**
     * Where the rebuild of the firing set stops in a partition (exclusive): at the group's committed offset, which
     * the previous forwarder had delivered. Without a usable committed offset ({@link #usableCommitted}) nothing is
     * rebuilt: everything is read and sent as new.
     */
    static long rebuildUntil(Long committed, long end) {
        Long c = usableCommitted(committed, end);
        return c == null ? 0 : c;
    }

    /** Where reading goes on after the rebuild: the usable committed offset, else the partition's beginning. */
    static long startOffset(Long committed, long beginning, long end) {
        Long c = usableCommitted(committed, end);
        return c == null ? beginning : c;
    }

    /**
     * The group's committed offset, or null if there is none or it lies beyond the partition's end: then it belongs to
     * an earlier incarnation of the topic (deleted and recreated), says nothing about this one, and kept as it is it
     * would stop every commit until the new partition grew past it.
     */
    static Long usableCommitted(Long committed, long end) {
        return committed == null || committed > end ? null : committed;
    }

    /**
     * The partitions whose position went back below what had been read: the consumer reset them (the topic was
     * recreated, or its log truncated), and reads them again from their new beginning.
     */
    static Set<TopicPartition> rewound(Map<TopicPartition, Long> read, Map<TopicPartition, Long> positions) {
        Set<TopicPartition> out = new HashSet<>();
        positions.forEach((tp, p) -> {
            Long r = read.get(tp);
            if (r != null && p < r) out.add(tp);
        });
        return out;
    }

    /**
     * When the records of one fingerprint were written, to keep the latest whatever order they are read in (several
     * partitions are read in no fixed order, and a fingerprint's records sit in two partitions once partitions were
     * added): the window that caused it ({@code window_end}), when both records have one; then the record's own
     * latest time, its endsAt if it has one, else its startsAt; then, at a tie, a resolved record is the later one
     * (the job resolves an alert for lack of data with the window of its last firing record). Negative when
     * {@code a} is earlier than {@code b}, 0 when neither is.
     */
    static int compare(EventTime a, EventTime b) {
        if (a.windowEnd() != null && b.windowEnd() != null && !a.windowEnd().equals(b.windowEnd())) {
            return Long.compare(a.windowEnd(), b.windowEnd());
        }
        int byTime = a.time().compareTo(b.time());
        if (byTime != 0) return byTime;
        return Boolean.compare(a.resolved(), b.resolved());
    }

    /** A record's place in its fingerprint's history: see {@link #compare}. */
    record EventTime(Long windowEnd, Instant time, boolean resolved) {
        static EventTime of(AlertState a) {
            return new EventTime(a.windowEnd(), a.endsAt() != null ? a.endsAt() : a.startsAt(), !a.firing());
        }
    }

    /** How Alertmanager (or something in front of it) answered a request that was not a success. */
    enum Rejection {
        /** Not a rejection of the alerts: retried. */
        NONE,
        /**
         * Alertmanager's own per-alert validation (HTTP 400, the body a JSON string such as {@code "start time must
         * be before end time"}): it stored the valid alerts of the request. Not retried: the rest would fail again.
         */
        SOME_ALERTS,
        /**
         * The whole request refused: 422 (go-swagger's schema validation, e.g. a generatorURL that
         * url.ParseRequestURI refuses, answers {@code {"code":601,"message":...}} and stores nothing), or a 400 in
         * any other shape (go-swagger's parse errors, a proxy's page). Bisected, so one bad alert cannot block the
         * others.
         */
        WHOLE_REQUEST
    }

    static Rejection rejection(int status, String body) {
        if (status == 422) return Rejection.WHOLE_REQUEST;
        if (status != 400) return Rejection.NONE;
        String text = body == null ? "" : body.strip();
        try {
            if (!text.isEmpty() && AlertState.MAPPER.readTree(text).isTextual()) return Rejection.SOME_ALERTS;
        } catch (java.io.IOException e) {
            // Not JSON: not Alertmanager's answer.
        }
        return Rejection.WHOLE_REQUEST;
    }

    /** A duration for people: "200 ms", "12 s", "90 s". */
    static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Alertmanager's POST /api/v2/alerts body for these alerts, sent now. */
    static ArrayNode render(List<AlertState> alerts, Instant now, Duration resend) {
        ArrayNode out = AlertState.MAPPER.createArrayNode();
        for (AlertState a : alerts) {
            ObjectNode o = out.addObject();
            o.set("labels", a.labels());
            o.set("annotations", a.annotations());
            o.put("startsAt", startsAt(a, now).toString());
            o.put("endsAt", endsAt(a, now, resend).toString());
            if (a.generatorUrl() != null) o.put("generatorURL", a.generatorUrl());
        }
        return out;
    }
}
