package io.modelvitals.forward;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts firing now, by fingerprint: of the records of a fingerprint the latest by event time wins
 * (Policy.compare), not the last one read. Not thread-safe.
 */
final class FiringSet {
    private final Map<String, AlertState> firing = new LinkedHashMap<>();
    /**
     * When each fingerprint whose latest record is a resolved one was resolved: without it, an older firing record
     * read after the resolved one (from another partition) would fire the alert again, for ever. One small entry per
     * alert ever resolved, as many as the compacted topic keeps records; a tombstone removes it.
     */
    private final Map<String, Policy.EventTime> resolved = new HashMap<>();

    /**
     * One record: a firing state replaces the last one; a resolved state ends it; either only if it is not older than
     * what the set has for the fingerprint. A tombstone ({@code null}) always applies and forgets the fingerprint:
     * it has no event time, and it is how an operator clears an alert. Returns whether the record was applied (an
     * older one is not, and must not be delivered either).
     */
    boolean apply(String fingerprint, AlertState state) {
        if (state == null) {
            firing.remove(fingerprint);
            resolved.remove(fingerprint);
            return true;
        }
        AlertState f = firing.get(fingerprint);
        Policy.EventTime current = f != null ? Policy.EventTime.of(f) : resolved.get(fingerprint);
        Policy.EventTime incoming = Policy.EventTime.of(state);
        if (current != null && Policy.compare(incoming, current) < 0) return false;
        if (state.firing()) {
            firing.put(fingerprint, state);
            resolved.remove(fingerprint);
        } else {
            firing.remove(fingerprint);
            resolved.put(fingerprint, incoming);
        }
        return true;
    }

    List<AlertState> alerts() {
        return new ArrayList<>(firing.values());
    }

    AlertState get(String fingerprint) {
        return firing.get(fingerprint);
    }

    int size() {
        return firing.size();
    }
}
