package io.modelvitals.functions;

import io.modelvitals.events.JoinResult;

/**
 * String keys of the keyed stages. Strings hash and compare fast and need no serializer of our own;
 * the parts are joined with the unit separator, which no model name, version or segment contains.
 */
public final class Keys {
    private static final char SEP = '\u001f';

    private Keys() {}

    /**
     * First-phase key: (model, version) plus a bucket derived from the prediction id, so one hot model
     * is aggregated by up to {@code spread} subtasks before its buckets are merged.
     */
    public static String spread(JoinResult r, int spread) {
        return bucketed(r.model, r.version, r.predictionId, spread);
    }

    /** First-phase key of an output sample, bucketed the same way. */
    public static String spread(io.modelvitals.events.OutputSample s, int spread) {
        return bucketed(s.model, s.version, s.predictionId, spread);
    }

    private static String bucketed(String model, String version, String predictionId, int spread) {
        return model + SEP + version + SEP + Math.floorMod(predictionId.hashCode(), spread);
    }

    public static String[] split(String key) {
        return key.split(String.valueOf(SEP), -1);
    }
}
