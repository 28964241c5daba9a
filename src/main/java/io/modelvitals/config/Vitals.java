package io.modelvitals.config;

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
    public static final String MEAN_ERROR = "mean_error";
    public static final String MAPE = "mape";
    public static final String ZERO_ACTUALS = "zero_actuals";
    public static final String R2 = "r2";
    public static final String ROC_AUC = "roc_auc";
    public static final String ROC_AUC_MAX_ERROR = "roc_auc_max_error";
    public static final String PR_AUC = "pr_auc";
    public static final String LOG_LOSS = "log_loss";
    public static final String BRIER_SCORE = "brier_score";
    public static final String EXPECTED_CALIBRATION_ERROR = "expected_calibration_error";
    /** Kumar et al.'s debiased ℓ2 calibration error: about 0 for a calibrated model at any n (the one to alert on). */
    public static final String CALIBRATION_ERROR_DEBIASED = "calibration_error_debiased";

    public static final String TOP_K_ACCURACY = "top_k_accuracy";
    public static final String LABEL_COVERAGE = "label_coverage";
    public static final String LABEL_DELAY_P50_MS = "label_delay_p50_ms";
    public static final String LABEL_DELAY_P95_MS = "label_delay_p95_ms";
    public static final String LATE_LABELS = "late_labels";
    public static final String DUPLICATE_LABELS = "duplicate_labels";

    // Output distribution, per window (no labels needed).
    public static final String PREDICTION_COUNT = "prediction_count";
    // Absence: seconds without predictions / labels (no window: reported when the silence is noticed).
    public static final String PREDICTION_SILENCE_S = "prediction_silence_s";
    public static final String LABEL_SILENCE_S = "label_silence_s";
    /** Vitals about the absence of samples: a rule's min_samples does not apply. */
    public static final Set<String> WITHOUT_SAMPLES = Set.of(PREDICTION_SILENCE_S, LABEL_SILENCE_S);

    // Operational, per window.
    public static final String PREDICTIONS_PER_SECOND = "predictions_per_second";
    public static final String ERROR_RATE = "error_rate";
    public static final String LATENCY_P50_MS = "latency_p50_ms";
    public static final String LATENCY_P95_MS = "latency_p95_ms";
    public static final String LATENCY_P99_MS = "latency_p99_ms";
    public static final String CLASS_COUNT = "class_count";
    public static final String CLASS_SHARE = "class_share";
    public static final String VALUE_MEAN = "value_mean";
    public static final String VALUE_VARIANCE = "value_variance";
    public static final String VALUE_P5 = "value_p5";
    public static final String VALUE_P25 = "value_p25";
    public static final String VALUE_P50 = "value_p50";
    public static final String VALUE_P75 = "value_p75";
    public static final String VALUE_P95 = "value_p95";
    public static final String VALUE_HISTOGRAM = "value_histogram";

    // Output drift against a reference (the record's {@code reference}).
    public static final String CLASS_PSI = "class_psi";
    public static final String CLASS_JS_DISTANCE = "class_js_distance";
    public static final String CLASS_CHI2_P_VALUE = "class_chi2_p_value";
    public static final String VALUE_PSI = "value_psi";
    public static final String VALUE_JS_DISTANCE = "value_js_distance";
    public static final String VALUE_KS_STATISTIC = "value_ks_statistic";
    public static final String VALUE_KS_P_VALUE = "value_ks_p_value";
    public static final String VALUE_WASSERSTEIN = "value_wasserstein";
    /** 1 when the classes drifted by the default decision (chi-square up to 1,000 samples, else Jensen-Shannon), else 0. */
    public static final String CLASS_DRIFT = "class_drift";
    /** 1 when the values drifted by the default decision (KS up to 1,000 samples, else normalized Wasserstein), else 0. */
    public static final String VALUE_DRIFT = "value_drift";

    // Business KPIs (the record's class is the KPI's name).
    public static final String KPI = "kpi";
    /** A challenger's KPI minus its champion's, in the same window and slice (reference: champion). */
    public static final String KPI_DIFFERENCE = "kpi_difference";
    /** (challenger − champion) / champion. */
    public static final String KPI_RELATIVE_DIFFERENCE = "kpi_relative_difference";
    /** Chi-square goodness of fit of the versions' prediction counts against the configured traffic split (version "all"). */
    public static final String SAMPLE_RATIO_P_VALUE = "sample_ratio_p_value";
    /**
     * A challenger's KPI minus its champion's over all windows since the experiment began (reference: champion), with
     * the always-valid p-value (mSPRT) and the confidence sequence as ci_lower / ci_upper: the one to alert on.
     */
    public static final String KPI_CUMULATIVE_DIFFERENCE = "kpi_cumulative_difference";
    /** The sample-ratio check on the versions' prediction counts since the experiment began (version "all"). */
    public static final String SAMPLE_RATIO_CUMULATIVE_P_VALUE = "sample_ratio_cumulative_p_value";
    /** 1 when the KPI fell significantly while the quality vital (the record's reference) held or rose, else 0. */
    public static final String DISCREPANCY = "discrepancy";

    // Versions and retraining, per model and window.
    public static final String VERSION_SHARE = "version_share";
    /** Days since the version was first seen. */
    public static final String VERSION_AGE_DAYS = "version_age_days";
    /** 1 in the first window a version is seen. */
    public static final String NEW_VERSION = "new_version";
    /** The age of the version serving the most traffic in the window (the retraining vital). */
    public static final String SERVING_VERSION_AGE_DAYS = "serving_version_age_days";

    // Acceptability goals: class = the goal's name, reference = the vital it watches, met = whether it holds.
    public static final String GOAL = "goal";
    /** The model's declared optimization metric, repeated under this name (class = the metric). */
    public static final String OPTIMIZATION_METRIC = "optimization_metric";

    /** Predictions of a segment key folded into key=__other__ because the key reached segment_value_cap (class = the key). */
    public static final String SEGMENT_OVERFLOW = "segment_overflow";

    // Confidence-based performance estimation (docs/estimation.md), per window by prediction time: estimated from
    // calibrated scores with no labels (ciLower/ciUpper: the interval); when the window's labels are final, the
    // realized value on its labelled predictions and the estimation error (estimate − realized).
    public static final String ESTIMATED_ACCURACY = "estimated_accuracy";
    public static final String ESTIMATED_PRECISION = "estimated_precision";
    public static final String ESTIMATED_RECALL = "estimated_recall";
    public static final String ESTIMATED_F1 = "estimated_f1";
    public static final String ESTIMATED_MACRO_F1 = "estimated_macro_f1";
    public static final String ESTIMATED_ROC_AUC = "estimated_roc_auc";
    /** Expected count of a confusion cell (class = actual, predicted_class = predicted), binary only. */
    public static final String ESTIMATED_CONFUSION = "estimated_confusion";
    /** Prefixes of the estimated vital's name without "estimated_": realized_accuracy, estimation_error_accuracy… */
    public static final String REALIZED_PREFIX = "realized_";

    public static final String ESTIMATION_ERROR_PREFIX = "estimation_error_";
    /** The metrics estimated, as they follow the prefixes. */
    public static final java.util.List<String> ESTIMATED_METRICS =
            java.util.List.of("accuracy", "precision", "recall", "f1", "macro_f1", "roc_auc");

    /** Vitals about one KPI, named in a rule's {@code class}. */
    public static final Set<String> BY_KPI =
            Set.of(KPI, KPI_DIFFERENCE, KPI_RELATIVE_DIFFERENCE, KPI_CUMULATIVE_DIFFERENCE, DISCREPANCY);

    /** Vitals that carry a p-value, for {@code gate: significance}. */
    public static final Set<String> WITH_P_VALUE = Set.of(
            KPI_DIFFERENCE,
            KPI_RELATIVE_DIFFERENCE,
            KPI_CUMULATIVE_DIFFERENCE,
            CLASS_PSI,
            CLASS_JS_DISTANCE,
            VALUE_PSI,
            VALUE_JS_DISTANCE,
            CLASS_DRIFT,
            VALUE_DRIFT);

    /** Vitals that are about one class and need a rule's {@code class}. */
    public static final Set<String> PER_CLASS = Set.of(
            PRECISION,
            RECALL,
            F1,
            CLASS_COUNT,
            CLASS_SHARE,
            ESTIMATED_PRECISION,
            ESTIMATED_RECALL,
            ESTIMATED_F1,
            REALIZED_PREFIX + "precision",
            REALIZED_PREFIX + "recall",
            REALIZED_PREFIX + "f1",
            ESTIMATION_ERROR_PREFIX + "precision",
            ESTIMATION_ERROR_PREFIX + "recall",
            ESTIMATION_ERROR_PREFIX + "f1");

    /** Vitals that compare with a reference and need a rule's {@code reference}. */
    public static final Set<String> DRIFT = Set.of(
            CLASS_PSI,
            CLASS_JS_DISTANCE,
            CLASS_CHI2_P_VALUE,
            VALUE_PSI,
            VALUE_JS_DISTANCE,
            VALUE_KS_STATISTIC,
            VALUE_KS_P_VALUE,
            VALUE_WASSERSTEIN,
            CLASS_DRIFT,
            VALUE_DRIFT);

    /** Every vital a rule can watch (confusion cells and histogram bins are for reading, not alerting). */
    public static final Set<String> ALL = Set.of(
            ACCURACY,
            PRECISION,
            RECALL,
            F1,
            MACRO_F1,
            LABELED_COUNT,
            MAE,
            RMSE,
            LABEL_COVERAGE,
            LABEL_DELAY_P50_MS,
            LABEL_DELAY_P95_MS,
            LATE_LABELS,
            DUPLICATE_LABELS,
            PREDICTION_COUNT,
            CLASS_COUNT,
            CLASS_SHARE,
            VALUE_MEAN,
            VALUE_VARIANCE,
            VALUE_P5,
            VALUE_P25,
            VALUE_P50,
            VALUE_P75,
            VALUE_P95,
            CLASS_PSI,
            CLASS_JS_DISTANCE,
            CLASS_CHI2_P_VALUE,
            VALUE_PSI,
            VALUE_JS_DISTANCE,
            VALUE_KS_STATISTIC,
            VALUE_KS_P_VALUE,
            VALUE_WASSERSTEIN,
            CLASS_DRIFT,
            VALUE_DRIFT,
            KPI,
            KPI_DIFFERENCE,
            KPI_RELATIVE_DIFFERENCE,
            SAMPLE_RATIO_P_VALUE,
            KPI_CUMULATIVE_DIFFERENCE,
            SAMPLE_RATIO_CUMULATIVE_P_VALUE,
            DISCREPANCY,
            MEAN_ERROR,
            MAPE,
            ZERO_ACTUALS,
            R2,
            ROC_AUC,
            ROC_AUC_MAX_ERROR,
            PR_AUC,
            LOG_LOSS,
            BRIER_SCORE,
            EXPECTED_CALIBRATION_ERROR,
            CALIBRATION_ERROR_DEBIASED,
            TOP_K_ACCURACY,
            PREDICTIONS_PER_SECOND,
            ERROR_RATE,
            LATENCY_P50_MS,
            LATENCY_P95_MS,
            LATENCY_P99_MS,
            PREDICTION_SILENCE_S,
            LABEL_SILENCE_S,
            VERSION_SHARE,
            VERSION_AGE_DAYS,
            NEW_VERSION,
            SERVING_VERSION_AGE_DAYS,
            GOAL,
            OPTIMIZATION_METRIC,
            SEGMENT_OVERFLOW,
            ESTIMATED_ACCURACY,
            ESTIMATED_PRECISION,
            ESTIMATED_RECALL,
            ESTIMATED_F1,
            ESTIMATED_MACRO_F1,
            ESTIMATED_ROC_AUC,
            REALIZED_PREFIX + "accuracy",
            REALIZED_PREFIX + "precision",
            REALIZED_PREFIX + "recall",
            REALIZED_PREFIX + "f1",
            REALIZED_PREFIX + "macro_f1",
            REALIZED_PREFIX + "roc_auc",
            ESTIMATION_ERROR_PREFIX + "accuracy",
            ESTIMATION_ERROR_PREFIX + "precision",
            ESTIMATION_ERROR_PREFIX + "recall",
            ESTIMATION_ERROR_PREFIX + "f1",
            ESTIMATION_ERROR_PREFIX + "macro_f1",
            ESTIMATION_ERROR_PREFIX + "roc_auc");

    private Vitals() {}
}
