package io.modelvitals.functions;

import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.Label;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import java.util.List;
import java.util.Map;

/**
 * Savepoint format of the state of {@code join.PredictionJoinOperator} (value state "join-state"). Flink writes the class
 * name of POJO state into every savepoint, and this type was nested in an operator of this package
 * until December 2026; it keeps that name so savepoints taken before the restructure still restore
 * (SavepointRestoreITCase). Do not move or rename it; new state types live in their stage's package.
 */
public final class PredictionJoinOperator {
    private PredictionJoinOperator() {}

    /** All the state of one prediction_id. */
    public static class JoinState {
        /** The prediction, trimmed to what the vitals need; null while a label waits for it. */
        public Prediction prediction;
        /** A label that arrived before its prediction. */
        public Label pendingLabel;
        /** Further copies of the pending label, counted as duplicates once the prediction arrives. */
        public int pendingDuplicates;
        /**
         * Where each of those copies came from, in order: each one is a duplicate or, if the prediction never comes, a
         * dead letter of its own (null in state written before December 2026).
         */
        public List<Origin> pendingDuplicateOrigins;
        /** The prediction arrived with an {@code error}: what comes back about it is dead-lettered as such. */
        public boolean failed;

        public boolean labeled;
        /** A label past the horizon has been seen: further labels are duplicates, whatever the arrival order. */
        public boolean lateSeen;

        public boolean expired;
        /** The current deadline: the horizon's end, then the end of the grace or attribution window. */
        public long timer;
        /** The end of the bucket whose list holds this key's live entry (0: none); entries elsewhere are stale. */
        public long filedAt;
        /** Fixed when the prediction arrives, so a changed spec on restore cannot change a running horizon. */
        public long horizonEnd;

        public long graceMs;
        /** Business events: the last event time that counts for the prediction (0: the model has no KPIs). */
        public long attributionEnd;
        /** Event ids seen (duplicates are refused), and events that came before their prediction. */
        public List<String> eventIds;

        public List<BusinessEvent> pendingEvents;
        /** The attribution window is over and the ids are gone: any further event is refused (it could be a duplicate). */
        public boolean eventsClosed;
        /**
         * KPI name → the prediction's raw numerator and denominator so far from its business events (its own
         * {@code prediction} term is not stored: the spec gives it). Null until an event counts in a KPI, and in state
         * written before December 2026.
         */
        public Map<String, Double> kpiNumerators;

        public Map<String, Double> kpiDenominators;

        public JoinState() {}
    }
}
