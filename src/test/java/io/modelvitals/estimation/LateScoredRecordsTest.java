package io.modelvitals.estimation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.config.SpecLoader;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Origin;
import io.modelvitals.events.OutputSample;
import io.modelvitals.events.ScoredRecord;
import io.modelvitals.output.OutputPanes;
import org.junit.jupiter.api.Test;

/**
 * Who dead-letters a late record, decided without timing: the estimation stage aggregates the output stage's
 * predictions and the quality stage's labelled pairs again, and its watermark is never ahead of theirs, so a record late
 * for estimation was already dead-lettered, with its origin, by the stage that owns it. The estimation stage sends no
 * second dead letter (LateEstimationLedgerITCase shows the same through a replay when lateness happens there).
 */
class LateScoredRecordsTest {
    private static final MonitorSpec SPEC = SpecLoader.parse(
            String.join(
                    "\n",
                    "models:",
                    "  - name: m",
                    "    window: {size: 1m}",
                    "    estimation: {bins: 10, min_samples: 20, calibration: {windows: 2, min_labels: 50}}",
                    ""),
            "test");

    @Test
    void aLateScoredPredictionOrOutcomeIsLeftToTheStageThatOwnsIt() throws Exception {
        ScoredRecord prediction = scored(null);
        ScoredRecord outcome = scored(Boolean.TRUE);
        assertNull(EstimationPanes.of(SPEC).lateDeadLetter(prediction), "the output stage dead-letters it");
        assertNull(EstimationPanes.of(SPEC).lateDeadLetter(outcome), "the quality stage dead-letters it");
    }

    @Test
    void theOwningStageDeadLettersTheSamePredictionOnceWithItsOrigin() throws Exception {
        OutputSample s = new OutputSample();
        s.model = "m";
        s.version = "v1";
        s.ts = 30_000;
        s.label = "1";
        s.origin = new Origin("predictions", 1, 42);
        DeadLetter d = OutputPanes.of(SPEC).lateDeadLetter(s);
        assertEquals(new Origin("predictions", 1, 42), d.origin);
        assertTrue(d.reason.startsWith("late: "), d.reason);
        assertTrue(d.afterCounting, "counted by the join first");
    }

    private static ScoredRecord scored(Boolean hit) {
        ScoredRecord r = new ScoredRecord();
        r.model = "m";
        r.version = "v1";
        r.ts = 30_000;
        r.predictionTs = 30_000;
        r.predictedClass = "1";
        r.hit = hit;
        r.origin = new Origin(hit == null ? "predictions" : "labels", 0, 7);
        return r;
    }
}
