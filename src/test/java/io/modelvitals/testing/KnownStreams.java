package io.modelvitals.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small input whose vitals and alerts are worked out by hand, shared by the replay and Kafka tests.
 *
 * <p>Model m, version v1, windows of one minute from T0. In window k (k = 0..3) five predictions of
 * "cat" at T0 + k·60 s + 5 s + 8 s·i (i = 0..4), each labeled 10 s later in the same window; the
 * first CORRECT[k] labels say "cat", the rest "dog". So accuracy per window is 4/5, 2/5, 1/5, 5/5.
 * Even i are country US, odd GB. One more prediction at T0 + 50 s is never labeled.
 *
 * <p>Rule accuracy &lt; 0.6 for 2 windows with n ≥ 4: breached in windows 1 and 2, so it fires at the
 * end of window 2 (startsAt = end of window 1) and resolves at the end of window 3.
 *
 * <p>Each prediction's 10-minute horizon ends in window k + 10: coverage there is 5/6 for k = 0 (the
 * unlabeled one) and 5/5 after.
 */
public final class KnownStreams {
    public static final long T0 = 1767225600000L; // 2026-01-01T00:00:00Z
    public static final long MINUTE = 60_000;
    public static final int[] CORRECT = {4, 2, 1, 5};

    public static final String SPEC = String.join(
            "\n",
            "job:",
            "  max_out_of_orderness: 1s",
            "  idleness: 1h",
            "  checkpoint_interval: 500ms",
            "kafka:",
            "  start_from: earliest",
            "models:",
            "  - name: m",
            "    window: {size: 1m}",
            "    label_horizon: 10m",
            "    late_label_grace: 5m",
            "    segments: [country]",
            "    rules:",
            "      - name: accuracy-low",
            "        vital: accuracy",
            "        op: '<'",
            "        threshold: 0.6",
            "        min_samples: 4",
            "        for: 2",
            "        severity: critical",
            "");

    /** Malformed records placed among the valid ones, with the reason each must be dead-lettered for. */
    public static final String BAD_PREDICTION_1 = "{not json";

    public static final String BAD_PREDICTION_2 =
            "{\"prediction_id\":\"bad\",\"version\":\"v1\",\"ts\":" + T0 + ",\"label\":\"cat\"}";
    public static final String BAD_LABEL = "{\"prediction_id\":\"p-0-0\",\"ts\":\"yesterday\",\"label\":\"cat\"}";

    private KnownStreams() {}

    public static List<String> predictions() {
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < CORRECT.length; k++) {
            for (int i = 0; i < 5; i++) {
                long ts = T0 + k * MINUTE + 5_000 + 8_000L * i;
                lines.add(String.format(
                        "{\"prediction_id\":\"p-%d-%d\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,"
                                + "\"label\":\"cat\",\"score\":0.9,\"segment\":{\"country\":\"%s\"}}",
                        k, i, ts, i % 2 == 0 ? "US" : "GB"));
                if (k == 0 && i == 1) lines.add(BAD_PREDICTION_1);
            }
            if (k == 0) {
                lines.add(String.format(
                        "{\"prediction_id\":\"p-unlabeled\",\"model\":\"m\",\"version\":\"v1\",\"ts\":%d,"
                                + "\"label\":\"cat\",\"segment\":{\"country\":\"US\"}}",
                        T0 + 50_000));
            }
            if (k == 1) lines.add(BAD_PREDICTION_2);
        }
        return lines;
    }

    public static List<String> labels() {
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < CORRECT.length; k++) {
            for (int i = 0; i < 5; i++) {
                long ts = T0 + k * MINUTE + 15_000 + 8_000L * i;
                lines.add(String.format(
                        "{\"prediction_id\":\"p-%d-%d\",\"ts\":%d,\"label\":\"%s\"}",
                        k, i, ts, i < CORRECT[k] ? "cat" : "dog"));
            }
            if (k == 2) lines.add(BAD_LABEL);
        }
        return lines;
    }

    public static Path writeFiles(Path dir) throws IOException {
        Files.write(dir.resolve("predictions.jsonl"), predictions(), StandardCharsets.UTF_8);
        Files.write(dir.resolve("labels.jsonl"), labels(), StandardCharsets.UTF_8);
        return dir;
    }
}
