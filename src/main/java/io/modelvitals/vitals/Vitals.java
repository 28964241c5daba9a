package io.modelvitals.vitals;

import java.util.Set;

/** The names of the vitals, as they appear on the vitals topic and in rules. */
public final class Vitals {
    public static final String ACCURACY = "accuracy";
    public static final String PRECISION = "precision";
    public static final String RECALL = "recall";
    public static final String F1 = "f1";
    public static final String MACRO_F1 = "macro_f1";
    public static final String CONFUSION = "confusion";
    public static final String LABELED_COUNT = "labeled_count";
    public static final String MAE = "mae";
    public static final String RMSE = "rmse";
    public static final String LABEL_COVERAGE = "label_coverage";
    public static final String LABEL_DELAY_P50_MS = "label_delay_p50_ms";
    public static final String LABEL_DELAY_P95_MS = "label_delay_p95_ms";
    public static final String LATE_LABELS = "late_labels";
    public static final String DUPLICATE_LABELS = "duplicate_labels";

    /** Vitals that are about one class and need a rule's {@code class}. */
    public static final Set<String> PER_CLASS = Set.of(PRECISION, RECALL, F1, CONFUSION);

    public static final Set<String> ALL = Set.of(ACCURACY, PRECISION, RECALL, F1, MACRO_F1, CONFUSION, LABELED_COUNT,
            MAE, RMSE, LABEL_COVERAGE, LABEL_DELAY_P50_MS, LABEL_DELAY_P95_MS, LATE_LABELS, DUPLICATE_LABELS);

    private Vitals() {}
}
