package io.modelvitals.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.SideOutputs;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The join's attribution of business events, with watermarks driven by hand: model "rec" has KPIs and a
 * 10 s attribution window (label horizon 20 s), "plain" has none.
 */
class AttributionTest {
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "defaults:",
                    "  window: {size: 10s, slide: 1s}", // deadlines in 1 s buckets, finer than the windows tested
                    "models:",
                    "  - name: rec",
                    "    attribution_window: 10s",
                    "    label_horizon: 20s",
                    "    late_label_grace: 1s",
                    "    kpis:",
                    "      - {name: ctr, numerator: {events: [click]}, denominator: {events: [impression]}}",
                    "  - name: plain",
                    "    label_horizon: 20s",
                    "    late_label_grace: 1s",
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

    private static Prediction prediction(String id, String model, long ts) {
        Prediction p = new Prediction();
        p.predictionId = id;
        p.model = model;
        p.version = "v2";
        p.ts = ts;
        p.label = "a";
        p.segment = Map.of("country", "BR");
        return p;
    }

    private static BusinessEvent event(String eventId, String predictionId, String type, long ts) {
        BusinessEvent e = new BusinessEvent();
        e.eventId = eventId;
        e.predictionId = predictionId;
        e.type = type;
        e.ts = ts;
        e.origin = new Origin("business-events", 1, ts);
        return e;
    }

    private void predict(Prediction p) throws Exception {
        harness.processElement1(new StreamRecord<>(p, p.ts));
    }

    private void send(BusinessEvent e) throws Exception {
        harness.processElement2(new StreamRecord<>(Feedback.of(e), e.ts));
    }

    private List<AttributedEvent> attributed() {
        var out = harness.getSideOutput(SideOutputs.ATTRIBUTED_EVENTS);
        return out == null ? List.of() : out.stream().map(r -> r.getValue()).collect(Collectors.toList());
    }

    private List<String> deadLetters() {
        return harness.getSideOutput(SideOutputs.DEAD_LETTERS) == null
                ? List.of()
                : harness.getSideOutput(SideOutputs.DEAD_LETTERS).stream()
                        .map(r -> ((DeadLetter) r.getValue()).reason)
                        .collect(Collectors.toList());
    }

    @Test
    void anEventAfterItsPredictionTakesItsVersionAndSegment() throws Exception {
        predict(prediction("p1", "rec", 1_000));
        send(event("e1", "p1", "impression", 1_200));
        send(event("e2", "p1", "click", 4_000));

        List<AttributedEvent> out = attributed();
        assertEquals(
                List.of("prediction", "impression", "click"),
                out.stream().map(e -> e.type).collect(Collectors.toList()));
        for (AttributedEvent e : out) {
            assertEquals("rec", e.model);
            assertEquals("v2", e.version);
            assertEquals(Map.of("country", "BR"), e.segment);
        }
        // Every record counts in its prediction's window: the cohort of predictions made at 1 s.
        assertEquals(
                List.of(1_000L, 1_000L, 1_000L), out.stream().map(e -> e.ts).collect(Collectors.toList()));
        // The prediction's unit of ctr (clicks / impressions): (0, 0), then (0, 1), then (1, 1).
        assertEquals(List.of(), out.get(0).increments, "a prediction is in no term of ctr");
        assertEquals(List.of("0.0 1.0 0.0 1.0 0.0"), increments(out.get(1)));
        assertEquals(List.of("1.0 0.0 1.0 0.0 1.0"), increments(out.get(2)));
        assertEquals(List.of(), deadLetters());
    }

    /** "dx dy dx² dy² dxy" of each KPI an attributed record changes. */
    private static List<String> increments(AttributedEvent e) {
        return e.increments.stream()
                .map(i -> i.dx + " " + i.dy + " " + i.dxx + " " + i.dyy + " " + i.dxy)
                .collect(Collectors.toList());
    }

    /**
     * A click before its impression counts nothing until the impression comes (ctr is a proportion: a prediction's
     * clicks count only as far as it was shown); a second click on one impression counts nothing. The unit ends at
     * (1, 1) whatever the order, and the increments sum to it: Σdx = 1, Σdy = 1, Σdx² = 1, Σdy² = 1, Σdxy = 1.
     */
    @Test
    void aClickCountsOnlyAsFarAsItsPredictionWasShown() throws Exception {
        predict(prediction("p1", "rec", 1_000));
        send(event("c1", "p1", "click", 1_500));
        send(event("i1", "p1", "impression", 1_600));
        send(event("c2", "p1", "click", 1_700));
        List<AttributedEvent> out = attributed();
        assertEquals(List.of("0.0 0.0 0.0 0.0 0.0"), increments(out.get(1)), "raw (1, 0): capped to (0, 0)");
        assertEquals(List.of("1.0 1.0 1.0 1.0 1.0"), increments(out.get(2)), "(1, 1): the click is released");
        assertEquals(List.of("0.0 0.0 0.0 0.0 0.0"), increments(out.get(3)), "raw (2, 1): still (1, 1)");
    }

    @Test
    void anEventBeforeItsPredictionWaitsForIt() throws Exception {
        // The click's clock is a little behind the prediction's: it counts at the prediction's time.
        send(event("e1", "p1", "click", 900));
        send(event("e2", "p1", "impression", 1_100));
        assertEquals(List.of(), attributed(), "nothing to attribute yet");
        watermark(5_000);
        predict(prediction("p1", "rec", 1_000));

        List<AttributedEvent> out = attributed();
        assertEquals(
                List.of("prediction", "click", "impression"),
                out.stream().map(e -> e.type).collect(Collectors.toList()));
        assertEquals(
                List.of(1_000L, 1_000L, 1_000L), out.stream().map(e -> e.ts).collect(Collectors.toList()));
        // Attributed in arrival order once the prediction is here: the click first (capped: nothing), then the
        // impression, which releases it.
        assertEquals(List.of("0.0 0.0 0.0 0.0 0.0"), increments(out.get(1)));
        assertEquals(List.of("1.0 1.0 1.0 1.0 1.0"), increments(out.get(2)));
        assertTrue(out.stream().allMatch(e -> "v2".equals(e.version)));
    }

    @Test
    void eventsOfAFailedPredictionAreDeadLetteredAsSuchInEitherOrder() throws Exception {
        send(event("e1", "p1", "click", 900));
        Prediction failed = prediction("p1", "rec", 1_000);
        failed.label = null;
        failed.error = "model server timeout";
        predict(failed);
        send(event("e2", "p1", "impression", 1_100));
        assertEquals(List.of(), attributed(), "a failed prediction is not in the KPIs, nor are its events");
        assertEquals(2, deadLetters().size(), deadLetters().toString());
        assertTrue(deadLetters().stream().allMatch(r -> r.startsWith("business event of a failed prediction: ")));
    }

    @Test
    void duplicateEventIdsCountOnceInEitherOrder() throws Exception {
        send(event("e1", "p1", "click", 1_500));
        send(event("e1", "p1", "click", 1_500)); // before the prediction
        predict(prediction("p1", "rec", 1_000));
        send(event("e1", "p1", "click", 1_500)); // after it
        assertEquals(
                1, attributed().stream().filter(e -> e.type.equals("click")).count());
        assertEquals(2, deadLetters().size());
        assertTrue(deadLetters().stream().allMatch(r -> r.startsWith("duplicate business event_id 'e1'")));
    }

    @Test
    void eventsPastTheWindowAndWithoutPredictionAreDeadLetteredNotDropped() throws Exception {
        predict(prediction("p1", "rec", 1_000));
        send(event("late", "p1", "click", 11_001)); // the window ends at 1 000 + 10 000
        send(event("orphan", "nobody", "click", 2_000));
        assertEquals(1, deadLetters().size());
        assertTrue(
                deadLetters().get(0).contains("past the attribution window of prediction 'p1'"),
                deadLetters().get(0));

        watermark(11_000);
        assertEquals(1, deadLetters().size(), "the orphan waits 10 s for its prediction: " + deadLetters());
        passDeadline(12_000);
        assertEquals(2, deadLetters().size());
        assertTrue(
                deadLetters().get(1).startsWith("unattributed business event: no prediction 'nobody'"),
                deadLetters().get(1));
        passDeadline(1_000 + 20_000 + 1_000); // p1's label horizon and grace are over: its state goes
        assertEquals(0, harness.numKeyedStateEntries(), "every key cleared");

        // After that, a prediction's events find no state: they wait, then are reported as unattributed.
        send(event("after", "p1", "click", 25_000));
        watermark(40_000);
        assertEquals(3, deadLetters().size());
    }

    @Test
    void eventsOfModelsWithoutKpisAreNotAttributed() throws Exception {
        predict(prediction("p1", "plain", 1_000));
        assertEquals(List.of(), attributed(), "not even the prediction itself");
        send(event("e1", "p1", "click", 2_000));
        assertEquals(1, deadLetters().size());
        assertTrue(
                deadLetters().get(0).contains("model without KPIs"),
                deadLetters().get(0));
    }

    @Test
    void anEventNamingItsModelDirectlyCountsInTheWholePopulationOnce() throws Exception {
        BusinessEvent e = event("d1", null, "impression", 3_000);
        e.model = "rec";
        e.version = "v1";
        send(e);
        send(e);
        List<AttributedEvent> out = attributed();
        assertEquals(1, out.size());
        assertEquals("v1", out.get(0).version);
        assertNull(out.get(0).segment);
        assertEquals(3_000L, out.get(0).ts, "no prediction: at its own time");
        assertEquals(List.of("0.0 1.0 0.0 1.0 0.0"), increments(out.get(0)), "a unit of its own: (0, 1)");
        assertEquals(1, deadLetters().size());
        passDeadline(13_000);
        assertEquals(0, harness.numKeyedStateEntries(), "the dedup entry lasts one attribution window");
    }

    @Test
    void aFloodOnOnePredictionIsCapped() throws Exception {
        predict(prediction("p1", "rec", 1_000));
        for (int i = 0; i < PredictionJoinOperator.MAX_EVENTS_PER_KEY + 5; i++)
            send(event("e" + i, "p1", "click", 2_000));
        assertEquals(
                PredictionJoinOperator.MAX_EVENTS_PER_KEY,
                attributed().stream().filter(e -> e.type.equals("click")).count());
        assertEquals(5, deadLetters().size());
    }

    @Test
    void anEventLongBeforeItsPredictionIsRefused() throws Exception {
        predict(prediction("p1", "rec", 100_000));
        send(event("early", "p1", "click", 100_000 - 31_000)); // max_out_of_orderness is 30 s by default
        send(event("close", "p1", "click", 100_000 - 29_000));
        assertEquals(
                List.of("prediction", "click"),
                attributed().stream().map(e -> e.type).collect(Collectors.toList()));
        assertEquals(1, deadLetters().size());
        assertTrue(
                deadLetters().get(0).contains("is before its prediction 'p1'"),
                deadLetters().get(0));
    }

    @Test
    void afterTheHorizonTheEventIdsAreDroppedAndLaterEventsRefused() throws Exception {
        predict(prediction("p1", "rec", 1_000));
        send(event("e1", "p1", "click", 2_000));
        passDeadline(1_000 + 20_000); // the label horizon ends, past the attribution window: ids are dropped
        send(event("e1", "p1", "click", 2_000)); // a retry that comes this late cannot be told from a new event
        assertEquals(
                1, attributed().stream().filter(e -> e.type.equals("click")).count(), "counted once");
        assertEquals(1, deadLetters().size());
        assertTrue(
                deadLetters()
                        .get(0)
                        .startsWith("business event after the attribution window of prediction 'p1' had closed"),
                deadLetters().get(0));
    }

    private void watermark(long ts) throws Exception {
        harness.processBothWatermarks(new Watermark(ts));
    }

    private void passDeadline(long deadline) throws Exception {
        JoinHarness.passDeadline(harness, SPEC, deadline);
    }
}
