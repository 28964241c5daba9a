package io.modelvitals.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Label;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.SideOutputs;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The join with watermarks driven by hand: horizon 10 s, late-label grace 5 s. */
class PredictionJoinOperatorTest {
    private static final long HORIZON = 10_000;
    private static final long GRACE = 5_000;
    // Defaults count too: an orphan label waits for the longest horizon, undeclared models included.
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "defaults:",
                    "  window: {size: 10s, slide: 1s}", // deadlines in 1 s buckets, finer than the grace
                    "  label_horizon: 10s",
                    "  late_label_grace: 5s",
                    "models:",
                    "  - name: m",
                    ""),
            "test");

    private KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Feedback, JoinResult> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = JoinHarness.of(SPEC);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static Prediction prediction(String id, long ts, String label) {
        Prediction p = new Prediction();
        p.predictionId = id;
        p.model = "m";
        p.version = "v1";
        p.ts = ts;
        p.label = label;
        p.segment = Map.of("country", "US");
        p.origin = new Origin("predictions", 0, ts);
        return p;
    }

    private static Label label(String id, long ts, String label) {
        Label l = new Label();
        l.predictionId = id;
        l.ts = ts;
        l.label = label;
        l.origin = new Origin("labels", 1, ts);
        return l;
    }

    private void watermark(long ts) throws Exception {
        harness.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(ts));
    }

    private void passDeadline(long deadline) throws Exception {
        JoinHarness.passDeadline(harness, SPEC, deadline);
    }

    private List<JoinResult> results() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        if (harness.getSideOutput(SideOutputs.DEAD_LETTERS) == null) return List.of();
        return harness.getSideOutput(SideOutputs.DEAD_LETTERS).stream()
                .map(StreamRecord::getValue)
                .collect(Collectors.toList());
    }

    private void assertNoState() {
        assertEquals(0, harness.numKeyedStateEntries(), "state entries");
        assertEquals(0, harness.numEventTimeTimers(), "event-time timers");
    }

    @Test
    void predictionThenLabelJoinsAtTheLabelsTimeThenExpiresAndCleansUp() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        harness.processElement2(Feedback.of(label("p1", 4_000, "dog")), 4_000);

        assertEquals(1, results().size());
        JoinResult pair = results().get(0);
        assertEquals(JoinResult.PAIR, pair.kind);
        assertEquals(4_000, pair.ts, "a pair counts when its label became known");
        assertEquals("cat", pair.predictedLabel);
        assertEquals("dog", pair.actualLabel);
        assertEquals(3_000, pair.labelDelayMs());
        assertEquals(Map.of("country", "US"), pair.segment);
        assertEquals(1, harness.numEventTimeTimers());

        passDeadline(1_000 + HORIZON);
        JoinResult expired = results().get(1);
        assertEquals(JoinResult.EXPIRED, expired.kind);
        assertEquals(1_000 + HORIZON, expired.ts);
        assertTrue(expired.labeled);
        assertEquals(
                2,
                harness.numKeyedStateEntries(),
                "a tombstone stays for the grace period (and its entry in the grace deadline's bucket)");

        passDeadline(1_000 + HORIZON + GRACE);
        assertEquals(2, results().size());
        assertNoState();
    }

    @Test
    void labelBeforePredictionJoinsWhenThePredictionArrives() throws Exception {
        harness.processElement2(Feedback.of(label("p1", 5_000, "cat")), 5_000);
        assertEquals(0, results().size());
        assertEquals(1, harness.numEventTimeTimers(), "the label waits for the longest horizon");
        harness.processElement1(prediction("p1", 2_000, "cat"), 2_000);

        JoinResult pair = results().get(0);
        assertEquals(JoinResult.PAIR, pair.kind);
        assertEquals(5_000, pair.ts);

        passDeadline(2_000 + HORIZON + GRACE);
        assertEquals(
                List.of(JoinResult.PAIR, JoinResult.EXPIRED),
                results().stream().map(r -> r.kind).collect(Collectors.toList()));
        assertTrue(results().get(1).labeled);
        assertEquals(List.of(), deadLetters(), "the label's orphan deadline was replaced by the prediction's");
        assertNoState();
    }

    @Test
    void aDuplicateLabelDoesNotCountTwice() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        harness.processElement2(Feedback.of(label("p1", 2_000, "cat")), 2_000);
        harness.processElement2(Feedback.of(label("p1", 3_000, "cat")), 3_000);
        assertEquals(
                List.of(JoinResult.PAIR, JoinResult.DUPLICATE_LABEL),
                results().stream().map(r -> r.kind).collect(Collectors.toList()));
    }

    @Test
    void duplicateLabelsBeforeThePredictionAreCountedWhenItArrives() throws Exception {
        harness.processElement2(Feedback.of(label("p1", 2_000, "cat")), 2_000);
        harness.processElement2(Feedback.of(label("p1", 2_500, "cat")), 2_500);
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        assertEquals(
                List.of(JoinResult.PAIR, JoinResult.DUPLICATE_LABEL),
                results().stream().map(r -> r.kind).collect(Collectors.toList()));
    }

    @Test
    void aLabelAfterTheHorizonIsLateNotJoined() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        harness.processElement1(prediction("p3", 1_000, "cat"), 1_000);
        // Its event time is past the horizon, even though the watermark has not got there yet.
        harness.processElement2(Feedback.of(label("p1", 1_000 + HORIZON + 1, "cat")), 1_000 + HORIZON + 1);
        assertEquals(JoinResult.LATE_LABEL, results().get(0).kind);

        passDeadline(1_000 + HORIZON);
        List<JoinResult> expired = results().stream()
                .filter(r -> r.kind.equals(JoinResult.EXPIRED))
                .collect(Collectors.toList());
        assertEquals(2, expired.size());
        assertTrue(expired.stream().noneMatch(r -> r.labeled), "a late label does not count toward coverage");

        // During the grace period a label arriving after expiry is still attributed, as late.
        harness.processElement2(Feedback.of(label("p3", 1_000 + HORIZON + 2_000, "cat")), 1_000 + HORIZON + 2_000);
        JoinResult late = results().get(results().size() - 1);
        assertEquals(JoinResult.LATE_LABEL, late.kind);
        assertEquals("p3", late.predictionId);
        assertEquals("v1", late.version);
    }

    @Test
    void aLabelArrivingBeforeThePredictionButPastItsHorizonIsLate() throws Exception {
        harness.processElement2(Feedback.of(label("p1", 1_000 + HORIZON + 1, "cat")), 1_000 + HORIZON + 1);
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        assertEquals(JoinResult.LATE_LABEL, results().get(0).kind);
        passDeadline(1_000 + HORIZON);
        assertEquals(false, results().get(1).labeled);
    }

    @Test
    void lateThenAgainIsLateThenDuplicateInEitherOrder() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        harness.processElement2(Feedback.of(label("p1", 1_000 + HORIZON + 1, "cat")), 1_000 + HORIZON + 1);
        harness.processElement2(Feedback.of(label("p1", 1_000 + HORIZON + 2, "cat")), 1_000 + HORIZON + 2);
        harness.processElement2(Feedback.of(label("p2", 1_000 + HORIZON + 1, "cat")), 1_000 + HORIZON + 1);
        harness.processElement2(Feedback.of(label("p2", 1_000 + HORIZON + 2, "cat")), 1_000 + HORIZON + 2);
        harness.processElement1(prediction("p2", 1_000, "cat"), 1_000);
        assertEquals(
                List.of(
                        JoinResult.LATE_LABEL,
                        JoinResult.DUPLICATE_LABEL,
                        JoinResult.LATE_LABEL,
                        JoinResult.DUPLICATE_LABEL),
                results().stream().map(r -> r.kind).collect(Collectors.toList()));
    }

    @Test
    void aLabelOfTheWrongKindIsDeadLetteredNotCounted() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        Label numeric = label("p1", 2_000, null);
        numeric.value = 3.0;
        harness.processElement2(Feedback.of(numeric), 2_000);
        assertEquals(0, results().size());
        assertTrue(
                deadLetters().get(0).reason.startsWith("label does not match its prediction"),
                deadLetters().get(0).reason);
        passDeadline(1_000 + HORIZON);
        assertEquals(false, results().get(0).labeled, "a mismatched label does not count toward coverage");
    }

    @Test
    void everyAcceptedPredictionIsPassedOnOnce() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        harness.processElement1(prediction("p1", 1_100, "dog"), 1_100);
        harness.processElement1(prediction("p2", 1_200, "dog"), 1_200);
        List<String> accepted = harness.getSideOutput(SideOutputs.ACCEPTED_PREDICTIONS).stream()
                .map(r -> r.getValue().predictionId + ":" + r.getValue().label)
                .collect(Collectors.toList());
        assertEquals(List.of("p1:cat", "p2:dog"), accepted);
    }

    @Test
    void aRestoreWithAChangedSpecKeepsRunningHorizons() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot = harness.snapshot(1, 1_000);
        harness.close();
        // The model has left the spec and undeclared models are now refused.
        MonitorSpec changed =
                SpecLoader.parse("job: {monitor_undeclared_models: false}\ndefaults: {label_horizon: 1h}\n", "test");
        harness = JoinHarness.of(changed);
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement2(Feedback.of(label("p1", 2_000, "cat")), 2_000);
        assertEquals(JoinResult.PAIR, results().get(0).kind);
        passDeadline(1_000 + HORIZON);
        assertEquals(JoinResult.EXPIRED, results().get(1).kind, "the horizon the prediction arrived with");
        assertEquals(1_000 + HORIZON, results().get(1).ts);
        // The grace deadline is set after the restore, in the new spec's buckets (a minute: its windows are the
        // default).
        watermark(PredictionJoinOperator.bucketMs(changed) - 1);
        assertNoState();
    }

    @Test
    void aLabelAfterTheGraceIsAnOrphanEvenBeforeTheGraceDeadlinesBucketFires() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        watermark(1_000 + HORIZON + GRACE + 500); // past the grace (16 000), inside its bucket [16 000, 17 000)
        harness.processElement2(Feedback.of(label("p1", 16_400, "cat")), 16_400);
        assertEquals(
                List.of(JoinResult.EXPIRED),
                results().stream().map(r -> r.kind).collect(Collectors.toList()),
                "the tombstone is gone: the label is not attributed");
        passDeadline(16_400 + HORIZON);
        assertTrue(
                deadLetters().get(0).reason.startsWith("orphan label"),
                deadLetters().get(0).reason);
    }

    @Test
    void aPredictionWithoutALabelExpiresUnlabeled() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        watermark(1_000 + HORIZON - 1);
        assertEquals(0, results().size());
        passDeadline(1_000 + HORIZON + GRACE);
        assertEquals(1, results().size());
        assertEquals(JoinResult.EXPIRED, results().get(0).kind);
        assertEquals(false, results().get(0).labeled);
        assertNoState();
    }

    @Test
    void anOrphanLabelGoesToTheDeadLettersWithItsOrigin() throws Exception {
        harness.processElement2(Feedback.of(label("ghost", 1_000, "cat")), 1_000);
        passDeadline(1_000 + HORIZON);
        assertEquals(0, results().size());
        assertEquals(1, deadLetters().size());
        DeadLetter d = deadLetters().get(0);
        assertTrue(d.reason.startsWith("orphan label"), d.reason);
        assertEquals(new Origin("labels", 1, 1_000), d.origin);
        assertNoState();
    }

    @Test
    void aDuplicatePredictionIsDeadLetteredAndTheFirstKept() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        Prediction again = prediction("p1", 1_500, "dog");
        harness.processElement1(again, 1_500);
        harness.processElement2(Feedback.of(label("p1", 2_000, "cat")), 2_000);
        assertEquals("cat", results().get(0).predictedLabel);
        assertEquals(1, deadLetters().size());
        assertTrue(deadLetters().get(0).reason.startsWith("duplicate prediction_id 'p1'"));
        assertEquals(new Origin("predictions", 0, 1_500), deadLetters().get(0).origin);
    }

    @Test
    void aFailedPredictionIsNotJoinedAndItsLabelsSaySo() throws Exception {
        Prediction failed = prediction("p1", 1_000, null);
        failed.error = "timeout";
        harness.processElement1(failed, 1_000);
        harness.processElement2(Feedback.of(label("p1", 2_000, "cat")), 2_000);
        harness.processElement2(Feedback.of(label("p1", 3_000, "cat")), 3_000);
        assertEquals(0, results().size(), "nothing to judge");
        assertEquals(2, deadLetters().size(), "each copy, once");
        for (DeadLetter d : deadLetters()) assertTrue(d.reason.startsWith("label of a failed prediction"), d.reason);
        assertEquals(new Origin("labels", 1, 2_000), deadLetters().get(0).origin);
        assertEquals(new Origin("labels", 1, 3_000), deadLetters().get(1).origin);
        // Remembered until a label could no longer count: the horizon and the grace.
        passDeadline(1_000 + HORIZON + GRACE);
        assertEquals(0, results().size());
        assertNoState();
    }

    @Test
    void labelsThatWaitedForAPredictionThatFailedAreDeadLetteredAsSuch() throws Exception {
        harness.processElement2(Feedback.of(label("p1", 500, "cat")), 500);
        harness.processElement2(Feedback.of(label("p1", 600, "cat")), 600);
        Prediction failed = prediction("p1", 1_000, null);
        failed.error = "timeout";
        harness.processElement1(failed, 1_000);
        assertEquals(2, deadLetters().size());
        for (DeadLetter d : deadLetters()) assertTrue(d.reason.startsWith("label of a failed prediction"), d.reason);
        assertEquals(
                List.of(new Origin("labels", 1, 500), new Origin("labels", 1, 600)),
                deadLetters().stream().map(d -> d.origin).collect(Collectors.toList()));
        passDeadline(1_000 + HORIZON + GRACE);
        assertEquals(2, deadLetters().size(), "and nothing more when its deadline passes");
        assertNoState();
    }

    @Test
    void everyCopyOfAnOrphanLabelIsDeadLetteredWithItsOwnOrigin() throws Exception {
        harness.processElement2(Feedback.of(label("ghost", 1_000, "cat")), 1_000);
        harness.processElement2(Feedback.of(label("ghost", 1_100, "cat")), 1_100);
        harness.processElement2(Feedback.of(label("ghost", 1_200, "cat")), 1_200);
        passDeadline(1_000 + HORIZON);
        assertEquals(0, results().size());
        assertEquals(
                List.of(new Origin("labels", 1, 1_000), new Origin("labels", 1, 1_100), new Origin("labels", 1, 1_200)),
                deadLetters().stream().map(d -> d.origin).collect(Collectors.toList()));
        for (DeadLetter d : deadLetters()) assertTrue(d.reason.startsWith("orphan label"), d.reason);
        assertNoState();
    }

    @Test
    void copiesOfALabelThatWaitedAreDuplicatesWithTheirOwnOrigins() throws Exception {
        harness.processElement2(Feedback.of(label("p1", 1_000, "cat")), 1_000);
        harness.processElement2(Feedback.of(label("p1", 1_100, "cat")), 1_100);
        harness.processElement1(prediction("p1", 900, "cat"), 1_200);
        assertEquals(
                List.of(JoinResult.PAIR, JoinResult.DUPLICATE_LABEL),
                results().stream().map(r -> r.kind).collect(Collectors.toList()));
        assertEquals(new Origin("labels", 1, 1_000), results().get(0).origin);
        assertEquals(new Origin("labels", 1, 1_100), results().get(1).origin);
        assertEquals(List.of(), deadLetters());
    }

    @Test
    void anExpiryCarriesItsPredictionsOrigin() throws Exception {
        harness.processElement1(prediction("p1", 1_000, "cat"), 1_000);
        passDeadline(1_000 + HORIZON);
        assertEquals(JoinResult.EXPIRED, results().get(0).kind);
        assertEquals(new Origin("predictions", 0, 1_000), results().get(0).origin);
    }

    @Test
    void undeclaredModelsAreRefusedWhenTheSpecSaysSo() throws Exception {
        MonitorSpec strict = SpecLoader.parse("job: {monitor_undeclared_models: false}\nmodels: [{name: m}]\n", "test");
        try (KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Feedback, JoinResult> h =
                JoinHarness.of(strict)) {
            h.open();
            Prediction p = prediction("p1", 1_000, "cat");
            p.model = "other";
            h.processElement1(p, 1_000);
            assertEquals(0, h.numKeyedStateEntries());
            assertTrue(h.getSideOutput(SideOutputs.DEAD_LETTERS)
                    .peek()
                    .getValue()
                    .reason
                    .contains("not declared"));
        }
    }
}
