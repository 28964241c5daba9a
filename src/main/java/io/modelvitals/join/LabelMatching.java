package io.modelvitals.join;

import static io.modelvitals.join.DeadlineBuckets.saturatedAdd;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Label;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.SideOutputs;
import io.modelvitals.functions.PredictionJoinOperator.JoinState;
import java.util.ArrayList;

/**
 * What happens when a label meets its prediction, within the model's label horizon, whichever arrives first.
 *
 * <p>Each pair is emitted as soon as both sides are here, counted at the later of the two event times, so quality
 * windows stay live even when labels arrive days later (an interval join would hold the watermark back by the whole
 * horizon). A label that arrives first waits for its prediction up to the longest label horizon, and is reported as
 * an orphan if none comes. When a prediction's horizon ends it emits an EXPIRED result that says whether a label came
 * in time, for label coverage; the operator then keeps a tombstone for the late-label grace period, so labels that
 * come too late are counted as late rather than orphaned. After the first label, or a late one, any further label is
 * a duplicate. Copies of a label that waits are kept by origin: each becomes a duplicate if the prediction comes, a dead
 * letter of its own if it does not. Labels of a failed prediction (with {@code error}) are dead-lettered as such.
 *
 * <p>Every label ends in the input ledger: counted (a pair or a late label), a duplicate, or a dead letter.
 *
 * <p>Works on the key's state as the operator hands it over; the operator reads and stores it.
 */
final class LabelMatching {
    /** Emits through the operator, at the time of what it is handling. */
    private final PredictionJoinOperator join;

    private final DeadlineBuckets deadlines;
    private final MonitorSpec spec;

    LabelMatching(PredictionJoinOperator join, DeadlineBuckets deadlines, MonitorSpec spec) {
        this.join = join;
        this.deadlines = deadlines;
        this.spec = spec;
    }

    /** A label has arrived; {@code st} is the key's state (a new one if it had none), to be stored afterwards. */
    void label(JoinState st, Label label) throws Exception {
        if (st.failed) {
            join.emit(SideOutputs.DEAD_LETTERS, ofFailed(label.predictionId, label.origin));
        } else if (st.prediction == null && st.pendingLabel == null) {
            st.pendingLabel = label;
            deadlines.schedule(st, Math.max(st.timer, saturatedAdd(label.ts, spec.maxLabelHorizonMs())));
        } else if (st.prediction == null) {
            if (st.pendingDuplicates >= PredictionJoinOperator.MAX_EVENTS_PER_KEY) {
                // A flood of copies on one id cannot grow state without bound.
                join.emit(
                        SideOutputs.DEAD_LETTERS,
                        new DeadLetter(
                                "more than " + PredictionJoinOperator.MAX_EVENTS_PER_KEY
                                        + " copies of a label waiting for prediction_id '" + label.predictionId
                                        + "': not counted",
                                label.origin,
                                null,
                                null));
                return;
            }
            st.pendingDuplicates++;
            if (st.pendingDuplicateOrigins == null) st.pendingDuplicateOrigins = new ArrayList<>(1);
            st.pendingDuplicateOrigins.add(label.origin);
        } else if (st.labeled || st.lateSeen) {
            duplicate(st.prediction, label, label.origin, Math.max(label.ts, st.prediction.ts));
        } else if (!compatible(st.prediction, label)) {
            join.emit(SideOutputs.DEAD_LETTERS, mismatch(st.prediction, label));
        } else if (st.expired || label.ts > st.horizonEnd) {
            st.lateSeen = true;
            counted(JoinResult.LATE_LABEL, st.prediction, label, Math.max(label.ts, st.prediction.ts));
        } else {
            st.labeled = true;
            counted(JoinResult.PAIR, st.prediction, label, Math.max(label.ts, st.prediction.ts));
        }
    }

    /** The key's prediction has just arrived with an error: a label that waited for it, and its copies, are refused. */
    void predictionFailed(JoinState st, String predictionId) {
        if (st.pendingLabel == null) return;
        join.emit(SideOutputs.DEAD_LETTERS, ofFailed(predictionId, st.pendingLabel.origin));
        for (int i = 0; i < st.pendingDuplicates; i++) {
            join.emit(SideOutputs.DEAD_LETTERS, ofFailed(predictionId, copyOrigin(st, i)));
        }
        clearPending(st);
    }

    /** The key's prediction has just been accepted ({@code st.prediction}): a label that waited for it meets it. */
    void predictionArrived(JoinState st) {
        if (st.pendingLabel == null) return;
        Label label = st.pendingLabel;
        st.pendingLabel = null;
        long ts = Math.max(label.ts, st.prediction.ts);
        if (!compatible(st.prediction, label)) {
            join.emit(SideOutputs.DEAD_LETTERS, mismatch(st.prediction, label));
        } else if (label.ts > st.horizonEnd) {
            st.lateSeen = true;
            counted(JoinResult.LATE_LABEL, st.prediction, label, ts);
        } else {
            st.labeled = true;
            counted(JoinResult.PAIR, st.prediction, label, ts);
        }
        for (int i = 0; i < st.pendingDuplicates; i++) duplicate(st.prediction, label, copyOrigin(st, i), ts);
        clearPending(st);
    }

    /** The prediction's label horizon ended at {@code deadline}: the EXPIRED result, for label coverage. */
    void horizonEnded(JoinState st, long deadline) {
        JoinResult expiredResult = result(JoinResult.EXPIRED, st.prediction, null, deadline);
        expiredResult.origin = st.prediction.origin;
        expiredResult.labeled = st.labeled;
        join.emit(expiredResult);
        st.expired = true;
    }

    /** No prediction came for the key within the longest label horizon: a label that waited is an orphan. */
    void orphaned(JoinState st, String key) {
        if (st.pendingLabel == null) return;
        join.emit(SideOutputs.DEAD_LETTERS, orphan(key, st.pendingLabel.origin));
        // Every copy is a record of its own: each gets its dead letter, with its own origin.
        for (int i = 0; i < st.pendingDuplicates; i++) {
            join.emit(SideOutputs.DEAD_LETTERS, orphan(key, copyOrigin(st, i)));
        }
        clearPending(st);
    }

    private static DeadLetter orphan(String key, Origin origin) {
        return new DeadLetter(
                "orphan label: no prediction with prediction_id '" + key + "' arrived within the longest label horizon",
                origin,
                null,
                null);
    }

    private static DeadLetter ofFailed(String predictionId, Origin origin) {
        return new DeadLetter(
                "label of a failed prediction: prediction '" + predictionId
                        + "' arrived with an error, so it has no output to judge",
                origin,
                null,
                null);
    }

    /** The origin of the i-th waiting copy; null for copies kept by a version that did not keep their origins. */
    private static Origin copyOrigin(JoinState st, int i) {
        return st.pendingDuplicateOrigins != null && i < st.pendingDuplicateOrigins.size()
                ? st.pendingDuplicateOrigins.get(i)
                : null;
    }

    private static void clearPending(JoinState st) {
        st.pendingLabel = null;
        st.pendingDuplicates = 0;
        st.pendingDuplicateOrigins = null;
    }

    /** A pair or a late label: the label counted. */
    private void counted(String kind, Prediction p, Label label, long ts) {
        join.counted(label.origin);
        join.emit(result(kind, p, label, ts));
    }

    /** A further copy of a label: counted as a duplicate (vital duplicate_labels). */
    private void duplicate(Prediction p, Label label, Origin origin, long ts) {
        join.duplicate(origin);
        JoinResult r = result(JoinResult.DUPLICATE_LABEL, p, label, ts);
        r.origin = origin;
        join.emit(r);
    }

    /** A class is judged against a class, a value against a value. */
    private static boolean compatible(Prediction p, Label label) {
        return (p.label != null) == (label.label != null);
    }

    private static DeadLetter mismatch(Prediction p, Label label) {
        return new DeadLetter(
                "label does not match its prediction: the prediction has a "
                        + (p.label != null ? "class ('label')" : "value ('value')") + ", the label a "
                        + (label.label != null ? "class" : "value"),
                label.origin,
                null,
                null);
    }

    private static JoinResult result(String kind, Prediction p, Label label, long ts) {
        JoinResult r = new JoinResult();
        r.kind = kind;
        r.ts = ts;
        r.predictionId = p.predictionId;
        r.model = p.model;
        r.version = p.version;
        r.segment = p.segment;
        r.predictedLabel = p.label;
        r.predictedValue = p.value;
        r.predictedScore = p.score;
        r.predictedScores = p.scores;
        r.predictionTs = p.ts;
        if (label != null) {
            r.actualLabel = label.label;
            r.actualValue = label.value;
            r.labelTs = label.ts;
            r.origin = label.origin;
        }
        return r;
    }
}
