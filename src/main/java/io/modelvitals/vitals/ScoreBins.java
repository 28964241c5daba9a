package io.modelvitals.vitals;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Predictions counted by (predicted class, score bin), and, for labelled ones, how many were hits (the positive class
 * for a positive-class probability, right for a confidence). Equal-width bins over [0, 1], bin = ⌊score · bins⌋ with
 * 1.0 in the last. Sparse and flat (Flink serializes the maps natively), keyed "class\u001fbin".
 */
public class ScoreBins implements Mergeable<ScoreBins> {
    private static final char SEP = '\u001f';

    public Map<String, Long> counts = new HashMap<>();
    public Map<String, Long> hits = new HashMap<>();

    public ScoreBins() {}

    public static int bin(double score, int bins) {
        return (int) Math.max(0, Math.min(bins - 1, Math.floor(score * bins)));
    }

    public void add(String predictedClass, int bin) {
        counts.merge(predictedClass + SEP + bin, 1L, Long::sum);
    }

    public void add(String predictedClass, int bin, boolean hit) {
        add(predictedClass, bin);
        if (hit) hits.merge(predictedClass + SEP + bin, 1L, Long::sum);
    }

    public long count(String predictedClass, int bin) {
        return counts.getOrDefault(predictedClass + SEP + bin, 0L);
    }

    public long hits(String predictedClass, int bin) {
        return hits.getOrDefault(predictedClass + SEP + bin, 0L);
    }

    public long total() {
        long n = 0;
        for (long c : counts.values()) n += c;
        return n;
    }

    /** The predicted classes present, sorted. */
    public TreeSet<String> classes() {
        TreeSet<String> classes = new TreeSet<>();
        for (String k : counts.keySet()) classes.add(k.substring(0, k.lastIndexOf(SEP)));
        return classes;
    }

    /** Counts and hits per bin over all predicted classes: {counts, hits}. */
    public long[][] byBin(int bins) {
        long[][] out = new long[2][bins];
        counts.forEach((k, v) -> out[0][Integer.parseInt(k.substring(k.lastIndexOf(SEP) + 1))] += v);
        hits.forEach((k, v) -> out[1][Integer.parseInt(k.substring(k.lastIndexOf(SEP) + 1))] += v);
        return out;
    }

    @Override
    public ScoreBins merge(ScoreBins other) {
        other.counts.forEach((k, v) -> counts.merge(k, v, Long::sum));
        other.hits.forEach((k, v) -> hits.merge(k, v, Long::sum));
        return this;
    }
}
