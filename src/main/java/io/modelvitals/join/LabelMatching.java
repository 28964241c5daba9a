package io.modelvitals.join;

import static io.modelvitals.join.DeadlineBuckets.saturatedAdd;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Label;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.SideOutputs;
import io.modelvitals.functions.PredictionJoinOperator.JoinState;

/**
 * What happens when a label meets its prediction, within the model's label horizon, whichever arrives first.
 *
 * <p>Each pair is emitted as soon as both sides are here, counted at the later of the two event times, so quality
 * windows stay live even when labels arrive days later (an interval join would hold the watermark back by the whole
 * horizon). A label that arrives first waits for its prediction up to the longest label horizon, and is reported as
 * an orphan if none comes. When a prediction's horizon ends it emits an EXPIRED result that says whether a label came
 * in time, for label coverage; the operator then keeps a tombstone for the late-label grace period, so labels that
 * come too late are counted as late rather than orphaned. After the first label, or a late one, any further label is
 * a duplicate.
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
        if (st.prediction == null && st.pendingLabel == null) {
            st.pendingLabel = label;
            deadlines.schedule(st, Math.max(st.timer, saturatedAdd(label.ts, spec.maxLabelHorizonMs())));
        } else if (st.prediction == null) {
            st.pendingDuplicates++;
        } else if (st.labeled || st.lateSeen) {
            join.emit(result(JoinResult.DUPLICATE_LABEL, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        } else if (!compatible(st.prediction, label)) {
            join.emit(SideOutputs.DEAD_LETTERS, mismatch(st.prediction, label));
        } else if (st.expired || label.ts > st.horizonEnd) {
            st.lateSeen = true;
            join.emit(result(JoinResult.LATE_LABEL, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        } else {
            st.labeled = true;
            join.emit(result(JoinResult.PAIR, st.prediction, label, Math.max(label.ts, st.prediction.ts)));
        }
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
            join.emit(result(JoinResult.LATE_LABEL, st.prediction, label, ts));
        } else {
            st.labeled = true;
            join.emit(result(JoinResult.PAIR, st.prediction, label, ts));
        }
        for (int i = 0; i < st.pendingDuplicates; i++) {
            join.emit(result(JoinResult.DUPLICATE_LABEL, st.prediction, label, ts));
        }
        st.pendingDuplicates = 0;
    }

    /** The prediction's label horizon ended at {@code deadline}: the EXPIRED result, for label coverage. */
    void horizonEnded(JoinState st, long deadline) {
        JoinResult expiredResult = result(JoinResult.EXPIRED, st.prediction, null, deadline);
        expiredResult.labeled = st.labeled;
        join.emit(expiredResult);
        st.expired = true;
    }

    /** No prediction came for the key within the longest label horizon: a label that waited is an orphan. */
    void orphaned(JoinState st, String key) {
        if (st.pendingLabel != null) {
            join.emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "orphan label: no prediction with prediction_id '" + key
                                    + "' arrived within the longest label horizon",
                            st.pendingLabel.origin,
                            null,
                            null));
        }
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
        }
        return r;
    }
}
