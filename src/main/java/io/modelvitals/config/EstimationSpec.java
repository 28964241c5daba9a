package io.modelvitals.config;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Confidence-based performance estimation of a classifier that reports scores (docs/estimation.md): which score, how
 * fine its bins, and where the calibration that turns scores into probabilities of being right comes from.
 */
public class EstimationSpec implements Serializable {
    /** {@code score} is the probability of the positive class (binary classifiers). */
    public static final String POSITIVE_PROBABILITY = "positive_probability";
    /** {@code score} is the model's confidence in its predicted class (any classifier). */
    public static final String CONFIDENCE = "confidence";
    /**
     * The model reports {@code scores}, a probability per class: multi-class CBPE from the whole vector, each class
     * calibrated one-vs-rest (any classifier whose predictions carry {@code scores} for every one of {@link #classes}).
     */
    public static final String SCORES = "scores";
    /** At most this many classes with {@code score: scores}: a window keeps each prediction's vector of score bins. */
    public static final int MAX_CLASSES = 20;

    public static final String FIXED = "fixed";
    public static final String BASELINE = "baseline";
    public static final String NEVER = "never";

    /** positive_probability, confidence or scores. */
    public String score;
    /** {@code score: scores}: the classes of the scores vector, in a fixed order (required, 2 to {@link #MAX_CLASSES}). */
    public List<String> classes;
    /** Binary: the class a prediction that is not the positive class is ("0" by default). */
    public String negativeClass;
    /** Equal-width score bins over [0, 1], for the windows and the calibration (20 by default). */
    public Integer bins;
    /** A window with fewer predictions is not estimated (100 by default). */
    public Long minSamples;

    public Calibration calibration;

    public EstimationSpec() {}

    /** Where the calibration comes from, and when it is refreshed. */
    public static class Calibration implements Serializable {
        /** fixed: each version's first {@code windows} windows of labelled predictions; baseline: {@code file}. */
        public String source;
        /** fixed: how many windows, by prediction time, from the version's first (3 by default). */
        public Integer windows;
        /** fixed: a calibration from fewer labelled predictions waits for the next {@code windows} (500 by default). */
        public Long minLabels;
        /** baseline: a CSV file, one "score,outcome" per line, outcome 1 or 0 (relative to the spec's directory). */
        public String file;
        /** never: a calibration, once ready, stays for the version's life (a new version learns its own). */
        public String refresh;
        /**
         * baseline: the file as per-bin counts, read when the spec is loaded (travels with the spec). With {@code score:
         * scores}, one block of {@code bins} per class in {@code classes}' order: class j's score against "actual = j".
         */
        public List<Long> baselineCounts;

        public List<Long> baselineHits;

        public Calibration() {}
    }

    /**
     * Reads a baseline file into per-bin counts and outcomes: one "score,outcome" per line (outcome 1 when the
     * positive class / the predicted class was right, else 0), blank lines and a header "score,…" skipped.
     */
    public static void readBaseline(Calibration c, Path file, int bins) {
        long[] counts = new long[bins];
        long[] hits = new long[bins];
        try {
            int line = 0;
            for (String s : Files.readAllLines(file)) {
                line++;
                if (s.isBlank() || (line == 1 && s.trim().startsWith("score"))) continue;
                String[] parts = s.trim().split("\\s*,\\s*");
                double score;
                try {
                    score = Double.parseDouble(parts[0]);
                } catch (NumberFormatException e) {
                    score = Double.NaN;
                }
                if (parts.length != 2 || !(score >= 0 && score <= 1) || !(parts[1].equals("0") || parts[1].equals("1")))
                    throw new SpecException(file + " line " + line + ": expected 'score,outcome' with a score in [0, 1]"
                            + " and an outcome 0 or 1, not '" + s + "'");
                int bin = (int) Math.min(bins - 1, Math.floor(score * bins));
                counts[bin]++;
                if (parts[1].equals("1")) hits[bin]++;
            }
        } catch (IOException e) {
            throw new SpecException("cannot read estimation calibration file " + file + ": " + e.getMessage(), e);
        }
        c.baselineCounts = new ArrayList<>();
        c.baselineHits = new ArrayList<>();
        long total = 0;
        for (int b = 0; b < bins; b++) {
            c.baselineCounts.add(counts[b]);
            c.baselineHits.add(hits[b]);
            total += counts[b];
        }
        if (total == 0) throw new SpecException(file + ": the calibration baseline is empty");
    }

    /**
     * Reads a multi-class baseline file (score: scores): a header "label,&lt;class&gt;,&lt;class&gt;…" naming every class of
     * {@code classes} (any order), then one labelled prediction per line, its actual class and its score per class.
     * Each class's score counts in its one-vs-rest block (a hit when the actual class is that class).
     */
    public static void readScoresBaseline(Calibration c, Path file, List<String> classes, int bins) {
        int k = classes.size();
        long[] counts = new long[k * bins];
        long[] hits = new long[k * bins];
        long total = 0;
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty()) throw new SpecException(file + ": the calibration baseline is empty");
            String[] header = lines.get(0).trim().split("\\s*,\\s*");
            int[] column = new int[k];
            for (int j = 0; j < k; j++) {
                column[j] = -1;
                for (int h = 1; h < header.length; h++) if (header[h].equals(classes.get(j))) column[j] = h;
                if (!"label".equals(header[0]) || column[j] < 0)
                    throw new SpecException(file + " line 1: expected a header 'label,<class>,…' naming every class of "
                            + classes + ", not '" + lines.get(0) + "'");
            }
            for (int line = 2; line <= lines.size(); line++) {
                String s = lines.get(line - 1);
                if (s.isBlank()) continue;
                String[] parts = s.trim().split("\\s*,\\s*");
                if (parts.length != header.length)
                    throw new SpecException(file + " line " + line + ": expected " + header.length + " fields");
                for (int j = 0; j < k; j++) {
                    double score;
                    try {
                        score = Double.parseDouble(parts[column[j]]);
                    } catch (NumberFormatException e) {
                        score = Double.NaN;
                    }
                    if (!(score >= 0 && score <= 1))
                        throw new SpecException(file + " line " + line + ": a score in [0, 1] expected, not '"
                                + parts[column[j]] + "'");
                    int bin = j * bins + (int) Math.min(bins - 1, Math.floor(score * bins));
                    counts[bin]++;
                    if (parts[0].equals(classes.get(j))) hits[bin]++;
                }
                total++;
            }
        } catch (IOException e) {
            throw new SpecException("cannot read estimation calibration file " + file + ": " + e.getMessage(), e);
        }
        if (total == 0) throw new SpecException(file + ": the calibration baseline is empty");
        c.baselineCounts = new ArrayList<>();
        c.baselineHits = new ArrayList<>();
        for (int b = 0; b < k * bins; b++) {
            c.baselineCounts.add(counts[b]);
            c.baselineHits.add(hits[b]);
        }
    }
}
