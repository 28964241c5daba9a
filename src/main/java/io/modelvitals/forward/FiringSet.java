package io.modelvitals.forward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The alerts firing now, by fingerprint: the latest record of each fingerprint wins. Not thread-safe. */
final class FiringSet {
    private final Map<String, AlertState> firing = new LinkedHashMap<>();

    /** One record: a firing state replaces the last one; a resolved state or a tombstone ({@code null}) ends it. */
    void apply(String fingerprint, AlertState state) {
        if (state != null && state.firing()) firing.put(fingerprint, state);
        else firing.remove(fingerprint);
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
