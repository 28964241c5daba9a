package io.modelvitals.forward;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
     * Whether an instance's acknowledgements hold back the offsets committed. Not once it has failed for longer than
     * the endsAt horizon since its last success: by then every alert it had from us has ended there, and the first
     * re-send after it is back gives it the whole firing set again, so the records it missed carry nothing the
     * re-send does not. Waiting longer would only stall the group (and its lag alert) on a dead instance.
     */
    static boolean counts(boolean failing, long lastSuccessMs, long nowMs, Duration resend) {
        return !failing || nowMs - lastSuccessMs <= horizon(resend).toMillis();
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
     * the previous forwarder had delivered, but never past the end (a recreated topic). Without a committed offset
     * nothing is rebuilt: everything is read and sent as new.
     */
    static long rebuildUntil(Long committed, long end) {
        return committed == null ? 0 : Math.min(committed, end);
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
