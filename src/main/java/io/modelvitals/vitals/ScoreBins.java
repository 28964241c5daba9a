package io.modelvitals.vitals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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
    /**
     * {@code score: scores}: predictions by (predicted class, the vector of every class's score bin, actual class or ""
     * before the label), keyed "class\u001fb0,b1,…\u001factual". The calibrated vector is normalised, which is not
     * additive over per-class bins, so the whole vector is kept. Bounded: at most one entry per prediction, and at most
     * k² × the bin vectors that scores summing to 1 can fill (about 2,000 for 3 classes in 20 bins).
     */
    public Map<String, Long> vectors = new HashMap<>();

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

    /** A prediction of {@code score: scores} (actual null before its label), by its vector of score bins. */
    public void addVector(String predictedClass, int[] bins, String actual) {
        StringBuilder k = new StringBuilder(predictedClass).append(SEP);
        for (int j = 0; j < bins.length; j++) k.append(j == 0 ? "" : ",").append(bins[j]);
        k.append(SEP).append(actual == null ? "" : actual);
        if (vectors == null) vectors = new HashMap<>(); // restored from a version without vectors
        vectors.merge(k.toString(), 1L, Long::sum);
    }

    /** One parsed entry of {@link #vectors}: predicted class index, the bins, actual class index (−1: none). */
    private record Vector(int predicted, int[] bins, int actual, long count) {}

    private List<Vector> parsedVectors(List<String> classes) {
        List<Vector> out = new ArrayList<>();
        if (vectors == null) return out;
        for (Map.Entry<String, Long> e : vectors.entrySet()) {
            String[] parts = e.getKey().split(String.valueOf(SEP), -1);
            int predicted = classes.indexOf(parts[0]);
            String[] b = parts[1].split(",");
            if (predicted < 0 || b.length != classes.size()) continue; // another class list: not this spec's
            int[] bins = new int[b.length];
            for (int j = 0; j < b.length; j++) bins[j] = Integer.parseInt(b[j]);
            out.add(new Vector(predicted, bins, parts[2].isEmpty() ? -1 : classes.indexOf(parts[2]), e.getValue()));
        }
        return out;
    }

    /** The predictions as groups of one predicted class and one vector of score bins, for the estimate. */
    public List<MulticlassEstimation.Group> groups(List<String> classes) {
        Map<String, MulticlassEstimation.Group> groups = new HashMap<>();
        for (Vector v : parsedVectors(classes)) {
            groups.computeIfAbsent(
                            v.predicted + ":" + Arrays.toString(v.bins),
                            k -> new MulticlassEstimation.Group(v.predicted, v.bins, 0))
                    .count += v.count;
        }
        return new ArrayList<>(groups.values());
    }

    /** The observed confusion matrix of the labelled predictions, [predicted][actual]. */
    public double[][] confusion(List<String> classes) {
        int k = classes.size();
        double[][] c = new double[k][k];
        for (Vector v : parsedVectors(classes)) if (v.actual >= 0) c[v.predicted][v.actual] += v.count;
        return c;
    }

    /**
     * One-vs-rest calibration data of each class j: {counts, hits} per bin of class j's score, a hit when the actual
     * class is j. [class][0: counts, 1: hits][bin].
     */
    public long[][][] oneVsRest(List<String> classes, int bins) {
        int k = classes.size();
        long[][][] out = new long[k][2][bins];
        for (Vector v : parsedVectors(classes)) {
            if (v.actual < 0) continue;
            for (int j = 0; j < k; j++) {
                out[j][0][v.bins[j]] += v.count;
                if (v.actual == j) out[j][1][v.bins[j]] += v.count;
            }
        }
        return out;
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
        if (other.vectors != null) {
            if (vectors == null) vectors = new HashMap<>(); // restored from a version without vectors
            other.vectors.forEach((k, v) -> vectors.merge(k, v, Long::sum));
        }
        return this;
    }
}
