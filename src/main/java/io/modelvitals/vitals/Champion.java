package io.modelvitals.vitals;

import java.util.Map;

/** Which version is the champion in a window. */
public final class Champion {
    private Champion() {}

    /**
     * The named champion when it served in the window, else the version with the most predictions
     * (ties: the first by name, so every run picks the same one).
     */
    public static String of(String named, Map<String, Long> predictionsByVersion) {
        if (named != null && predictionsByVersion.containsKey(named)) return named;
        String best = null;
        long most = -1;
        for (Map.Entry<String, Long> e : new java.util.TreeMap<>(predictionsByVersion).entrySet()) {
            if (e.getValue() > most) {
                most = e.getValue();
                best = e.getKey();
            }
        }
        return best;
    }
}
