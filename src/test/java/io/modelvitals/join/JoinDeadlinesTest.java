package io.modelvitals.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.SideOutputs;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The join's deadlines are coalesced into one timer per bucket and key group: the expiries are the ones a timer per
 * prediction would give, with far fewer timers, and they follow their key groups through a rescale.
 */
class JoinDeadlinesTest {
    private static final int MAX_PARALLELISM = 16;
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "defaults:",
                    "  window: {size: 10s, slide: 1s}",
                    "  label_horizon: 10s",
                    "  late_label_grace: 0s",
                    ""),
            "test");

    private static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Feedback, JoinResult> harness(
            int parallelism, int subtask) throws Exception {
        return JoinHarness.of(SPEC, MAX_PARALLELISM, parallelism, subtask);
    }

    private static Prediction prediction(String id, long ts) {
        Prediction p = new Prediction();
        p.predictionId = id;
        p.model = "m";
        p.version = "v1";
        p.ts = ts;
        p.label = "a";
        p.origin = new Origin("predictions", 0, ts);
        return p;
    }

    /** Expected expiry time per prediction: its own time plus the horizon, whatever bucket it fires in. */
    private static Map<String, Long> expiries(Iterable<JoinResult> results) {
        Map<String, Long> out = new HashMap<>();
        for (JoinResult r : results) if (JoinResult.EXPIRED.equals(r.kind)) out.put(r.predictionId, r.ts);
        return out;
    }

    @Test
    void bucketsDivideEveryWindowSlide() {
        assertEquals(1_000, PredictionJoinOperator.bucketMs(SPEC));
        assertEquals(
                60_000,
                PredictionJoinOperator.bucketMs(SpecLoader.parse("defaults: {window: {size: 10m}}\n", "test")),
                "at most a minute");
        assertEquals(
                250,
                PredictionJoinOperator.bucketMs(SpecLoader.parse(
                        "defaults: {window: {size: 10s}}\nmodels: [{name: a, window: {size: 1m, slide: 750ms}}, {name: b, window: {size: 2s, slide: 500ms}}]\n",
                        "test")));
    }

    @Test
    void bucketKeysFallIntoTheirKeyGroups() {
        KeyGroupRange range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(128, 3, 1);
        String[] keys = PredictionJoinOperator.bucketKeys(range, 128);
        assertEquals(range.getNumberOfKeyGroups(), keys.length);
        for (int i = 0; i < keys.length; i++) {
            assertEquals(range.getStartKeyGroup() + i, KeyGroupRangeAssignment.assignToKeyGroup(keys[i], 128), keys[i]);
        }
    }

    @Test
    void manyDeadlinesShareATimerPerKeyGroupAndEachExpiresAtItsOwnTime() throws Exception {
        try (var h = harness(1, 0)) {
            h.open();
            Map<String, Long> expected = new HashMap<>();
            Set<Integer> groups = new HashSet<>();
            // 500 predictions within one second: their deadlines (ts + 10 s) all fall in the bucket [11 s, 12 s).
            for (int i = 0; i < 500; i++) {
                String id = "p" + i;
                long ts = 1_000 + i * 2L;
                h.processElement1(prediction(id, ts), ts);
                expected.put(id, ts + 10_000);
                groups.add(KeyGroupRangeAssignment.assignToKeyGroup(id, MAX_PARALLELISM));
            }
            assertEquals(groups.size(), h.numEventTimeTimers(), "one timer per key group, not one per prediction");

            h.processBothWatermarks(new Watermark(11_998));
            assertEquals(Map.of(), expiries(h.extractOutputValues()), "nothing before the bucket's end");
            h.processBothWatermarks(new Watermark(11_999));
            assertEquals(expected, expiries(h.extractOutputValues()));
            // A grace of 0 puts the second deadline into the same bucket: it fires in the same watermark, and nothing
            // is left.
            assertEquals(0, h.numKeyedStateEntries(), "state entries");
            assertEquals(0, h.numEventTimeTimers(), "timers");
        }
    }

    private static io.modelvitals.events.Label label(String id, long ts) {
        io.modelvitals.events.Label label = new io.modelvitals.events.Label();
        label.predictionId = id;
        label.ts = ts;
        label.label = "a";
        label.origin = new Origin("labels", 0, ts);
        return label;
    }

    private static java.util.List<String> kinds(
            KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Feedback, JoinResult> h) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JoinResult r : h.extractOutputValues())
            out.add(r.kind + "@" + r.ts + (JoinResult.EXPIRED.equals(r.kind) ? (r.labeled ? "+" : "-") : ""));
        if (h.getSideOutput(SideOutputs.DEAD_LETTERS) != null) {
            h.getSideOutput(SideOutputs.DEAD_LETTERS)
                    .forEach(d -> out.add("dead:" + d.getValue().reason.split(":")[0]));
        }
        return out;
    }

    @Test
    void aDeadlineTheWatermarkPassedIsHandledBeforeTheNextRecordEvenIfItsBucketHasNotFired() throws Exception {
        // Each case as a timer per prediction would have it: the deadline takes effect when the watermark passes it.
        try (var h = harness(1, 0)) {
            h.open();
            h.processElement1(prediction("p1", 1_000), 1_000);
            h.processBothWatermarks(
                    new Watermark(11_500)); // past the horizon (11 000), inside its bucket [11 000, 12 000)
            h.processElement2(Feedback.of(label("p1", 10_500)), 10_500);
            // Expired unlabeled; with no grace its state went at once, so the label finds no prediction and waits.
            assertEquals(java.util.List.of("expired@11000-"), kinds(h));
            h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            assertEquals(java.util.List.of("expired@11000-", "dead:orphan label"), kinds(h));
        }
        try (var h = harness(1, 0)) {
            h.open();
            h.processElement2(Feedback.of(label("p2", 0)), 0); // waits for its prediction until 10 000
            h.processBothWatermarks(new Watermark(10_010));
            h.processElement1(prediction("p2", 10_005), 10_005);
            assertEquals(
                    java.util.List.of("dead:orphan label"),
                    kinds(h),
                    "the label was an orphan before its prediction came");
        }
    }

    @Test
    void aRestoreWithBucketsOfAnotherSizeLosesNoDeadline() throws Exception {
        MonitorSpec halfSecond = SpecLoader.parse(
                String.join(
                        "\n",
                        "defaults:",
                        "  window: {size: 10s, slide: 500ms}",
                        "  label_horizon: 10s",
                        "  late_label_grace: 0s",
                        ""),
                "test");
        for (MonitorSpec[] specs : new MonitorSpec[][] {{SPEC, halfSecond}, {halfSecond, SPEC}}) {
            OperatorSubtaskState snapshot;
            try (var h = JoinHarness.of(specs[0], MAX_PARALLELISM, 1, 0)) {
                h.open();
                h.processElement1(prediction("p1", 1_700), 1_700); // horizon ends at 11 700
                h.processElement2(Feedback.of(label("p2", 1_200)), 1_200); // waits until 11 200
                snapshot = h.snapshot(1, 1);
            }
            try (var h = JoinHarness.of(specs[1], MAX_PARALLELISM, 1, 0)) {
                h.initializeState(snapshot);
                h.open();
                h.processElement1(prediction("p2", 1_300), 1_300);
                h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
                assertEquals(
                        Map.of("p1", 11_700L, "p2", 11_300L),
                        expiries(h.extractOutputValues()),
                        PredictionJoinOperator.bucketMs(specs[0]) + " ms buckets, then "
                                + PredictionJoinOperator.bucketMs(specs[1]));
                assertEquals(0, h.numKeyedStateEntries(), "nothing left");
            }
        }
    }

    @Test
    void deadlinesFollowTheirKeyGroupsThroughARescale() throws Exception {
        Map<String, Long> expected = new HashMap<>();
        OperatorSubtaskState snapshot;
        try (var h = harness(1, 0)) {
            h.open();
            for (int i = 0; i < 200; i++) {
                long ts = 1_000 + i * 37L;
                h.processElement1(prediction("p" + i, ts), ts);
                expected.put("p" + i, ts + 10_000);
            }
            snapshot = h.snapshot(1, 1);
        }
        Map<String, Long> expired = new HashMap<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var h = harness(2, subtask)) {
                h.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        snapshot, MAX_PARALLELISM, 1, 2, subtask));
                h.open();
                h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
                Map<String, Long> mine = expiries(h.extractOutputValues());
                KeyGroupRange range =
                        KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(MAX_PARALLELISM, 2, subtask);
                for (String id : mine.keySet()) {
                    assertTrue(
                            range.contains(KeyGroupRangeAssignment.assignToKeyGroup(id, MAX_PARALLELISM)),
                            id + " expired on its own subtask");
                }
                expired.putAll(mine);
                assertEquals(0, h.numKeyedStateEntries(), "state entries on subtask " + subtask);
            }
        }
        assertEquals(expected, expired, "every prediction expired once, at its own deadline");
    }
}
