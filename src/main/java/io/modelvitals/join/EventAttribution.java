package io.modelvitals.join;

import static io.modelvitals.join.DeadlineBuckets.saturatedAdd;

import io.modelvitals.config.Durations;
import io.modelvitals.config.KpiSpec;
import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.DeadLetter;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.KpiIncrement;
import io.modelvitals.events.Origin;
import io.modelvitals.events.Prediction;
import io.modelvitals.events.SideOutputs;
import io.modelvitals.functions.PredictionJoinOperator.JoinState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Business events (models with KPIs only), attributed to their prediction within the model's attribution window.
 *
 * <p>Each event takes the prediction's version and segment and goes out on {@link SideOutputs#ATTRIBUTED_EVENTS},
 * counted at the prediction's time (its cohort, so numerators and denominators of a window are about the same
 * predictions); each accepted prediction goes out there once too, as an event of type {@code prediction}. The unit of
 * a KPI is the prediction: the state keeps each prediction's running numerator and denominator per KPI, and every
 * record carries how it changed them ({@link KpiIncrement}), so the KPI stage sums Σx, Σy, Σx², Σy², Σxy over
 * predictions exactly without holding them. A direct event is a unit of its own, at its own time. An event that arrives before its prediction waits for it, up to the longest attribution window
 * after the event. Duplicates (by event_id), events past the window, events whose prediction never comes and more
 * than {@link PredictionJoinOperator#MAX_EVENTS_PER_KEY} events per prediction are dead-lettered. An event that names
 * its model and version instead is keyed by its own event_id ({@link Feedback#key}), counted once, and remembered
 * for one attribution window (by the operator, which keeps its state).
 *
 * <p>Events of a failed prediction (with {@code error}) are dead-lettered as such. Every event ends in the input
 * ledger: counted (attributed, or direct) or a dead letter.
 *
 * <p>Works on the key's state as the operator hands it over; the operator reads and stores it.
 */
final class EventAttribution {
    /** Emits through the operator, at the time of what it is handling. */
    private final PredictionJoinOperator join;

    private final DeadlineBuckets deadlines;
    private final MonitorSpec spec;
    private final Counter attributed;
    private final Counter withoutKpis;
    private final long longestAttributionMs;
    private final long maxOutOfOrdernessMs;

    EventAttribution(PredictionJoinOperator join, DeadlineBuckets deadlines, MonitorSpec spec, MetricGroup metrics) {
        this.join = join;
        this.deadlines = deadlines;
        this.spec = spec;
        this.attributed = metrics.counter("attributedBusinessEvents");
        this.withoutKpis = metrics.counter("businessEventsWithoutKpis");
        this.longestAttributionMs = maxAttributionMs(spec);
        this.maxOutOfOrdernessMs = Durations.parse(spec.job.maxOutOfOrderness).toMillis();
    }

    /** The longest attribution window of a model with KPIs: how long an event waits for an unknown prediction. */
    static long maxAttributionMs(MonitorSpec spec) {
        long max = 1;
        for (ModelSpec m : spec.monitored()) if (!m.kpis.isEmpty()) max = Math.max(max, m.attributionWindowMs());
        return max;
    }

    /**
     * The key's prediction has just been accepted ({@code st.prediction}, of {@code model}): with KPIs, its own event
     * and the events that waited for it are attributed; without, those events are dead-lettered.
     */
    void predictionArrived(JoinState st, ModelSpec model) {
        Prediction p = st.prediction;
        if (!model.kpis.isEmpty()) {
            st.attributionEnd = saturatedAdd(p.ts, model.attributionWindowMs());
            AttributedEvent own = attributedEvent(p, AttributedEvent.PREDICTION, null, p.predictionId, p.ts, p.origin);
            own.increments = unitChange(st, model, AttributedEvent.PREDICTION, null);
            join.emit(SideOutputs.ATTRIBUTED_EVENTS, own);
            if (st.pendingEvents != null) {
                for (BusinessEvent e : st.pendingEvents) attribute(st, e);
                st.pendingEvents = null;
            }
        } else if (st.pendingEvents != null) {
            for (BusinessEvent e : st.pendingEvents) unattributed(e, "its prediction is of a model without KPIs");
            st.pendingEvents = null;
        }
    }

    /**
     * An event for a prediction_id has arrived; {@code st} is the key's state (a new one if it had none). Returns
     * whether the event was taken, and so the state is to be stored; a refused event leaves it as it was.
     */
    boolean event(JoinState st, BusinessEvent e) throws Exception {
        if (st.failed) {
            join.emit(SideOutputs.DEAD_LETTERS, ofFailed(e));
            return false;
        }
        if (st.eventsClosed) {
            join.emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "business event after the attribution window of "
                                    + "prediction '" + e.predictionId + "' had closed (it ended at "
                                    + Instant.ofEpochMilli(st.attributionEnd) + ")",
                            e.origin,
                            null,
                            null));
            return false;
        }
        if (st.eventIds == null) st.eventIds = new ArrayList<>(2);
        if (st.eventIds.contains(e.eventId)) {
            duplicate(e);
            return false;
        }
        if (st.eventIds.size() >= PredictionJoinOperator.MAX_EVENTS_PER_KEY) {
            join.emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "more than " + PredictionJoinOperator.MAX_EVENTS_PER_KEY
                                    + " business events for prediction_id '" + e.predictionId + "': not counted",
                            e.origin,
                            null,
                            null));
            return false;
        }
        st.eventIds.add(e.eventId);
        if (st.prediction != null) {
            if (st.attributionEnd == 0) unattributed(e, "its prediction is of a model without KPIs");
            else attribute(st, e);
        } else {
            // Its prediction may still come: wait up to the longest attribution window after the event.
            if (st.pendingEvents == null) st.pendingEvents = new ArrayList<>(1);
            st.pendingEvents.add(e);
            deadlines.schedule(st, Math.max(st.timer, saturatedAdd(e.ts, longestAttributionMs)));
        }
        return true;
    }

    /**
     * The model a direct event (one that names its model and version) counts for, or null if it does not count: an
     * undeclared model is dead-lettered, a model without KPIs is only counted in a metric.
     */
    ModelSpec directModel(BusinessEvent e) {
        ModelSpec model = spec.model(e.model);
        if (model == null) {
            join.emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "model '" + e.model
                                    + "' is not declared in the spec (job.monitor_undeclared_models is false)",
                            e.origin,
                            null,
                            null));
            return null;
        }
        if (model.kpis.isEmpty()) {
            withoutKpis.inc();
            join.counted(e.origin); // in that metric
            return null;
        }
        return model;
    }

    /** A direct event seen for the first time: counted in the whole population only (it has no segment). */
    void direct(BusinessEvent e) {
        Prediction version = new Prediction();
        version.model = e.model;
        version.version = e.version;
        attributed.inc();
        join.counted(e.origin);
        AttributedEvent a = attributedEvent(version, e.type, e.value, e.eventId, e.ts, e.origin);
        a.increments = ownUnit(spec.model(e.model), e.type, e.value);
        join.emit(SideOutputs.ATTRIBUTED_EVENTS, a);
    }

    /** A direct event has no prediction: it is a unit of its own, its terms from zero (capped for a proportion). */
    static List<KpiIncrement> ownUnit(ModelSpec model, String type, Double value) {
        List<KpiIncrement> out = new ArrayList<>(model.kpis.size());
        for (KpiSpec k : model.kpis) {
            if (!KpiIncrement.concerns(k, type)) continue;
            out.add(KpiIncrement.change(
                    k, 0, 0, k.numerator.contribution(type, value), k.denominator.contribution(type, value)));
        }
        return out;
    }

    /**
     * How a record of {@code type} changes the prediction's numerator and denominator of each KPI that selects it; the
     * running raw terms are kept in the state. The prediction's own term ({@code prediction}) is not stored: it is
     * counted in every running total from the spec, so predictions without events add nothing to the state.
     */
    static List<KpiIncrement> unitChange(JoinState st, ModelSpec model, String type, Double value) {
        List<KpiIncrement> out = new ArrayList<>(model.kpis.size());
        boolean own = AttributedEvent.PREDICTION.equals(type);
        for (KpiSpec k : model.kpis) {
            if (!KpiIncrement.concerns(k, type)) continue;
            double ownX = k.numerator.contribution(AttributedEvent.PREDICTION, null);
            double ownY = k.denominator.contribution(AttributedEvent.PREDICTION, null);
            double x0 = own ? 0 : ownX + stored(st.kpiNumerators, k.name);
            double y0 = own ? 0 : ownY + stored(st.kpiDenominators, k.name);
            double dx = k.numerator.contribution(type, value), dy = k.denominator.contribution(type, value);
            if (!own) {
                if (dx != 0) st.kpiNumerators = added(st.kpiNumerators, k.name, dx);
                if (dy != 0) st.kpiDenominators = added(st.kpiDenominators, k.name, dy);
            }
            out.add(KpiIncrement.change(k, x0, y0, x0 + dx, y0 + dy));
        }
        return out;
    }

    private static double stored(Map<String, Double> sums, String kpi) {
        if (sums == null) return 0;
        Double v = sums.get(kpi);
        return v == null ? 0 : v;
    }

    private static Map<String, Double> added(Map<String, Double> sums, String kpi, double x) {
        if (sums == null) sums = new HashMap<>(2);
        sums.merge(kpi, x, Double::sum);
        return sums;
    }

    /** The key's prediction has just arrived with an error: events that waited for it are refused. */
    void predictionFailed(JoinState st, String predictionId) {
        if (st.pendingEvents == null) return;
        for (BusinessEvent e : st.pendingEvents) join.emit(SideOutputs.DEAD_LETTERS, ofFailed(e));
        st.pendingEvents = null;
    }

    private static DeadLetter ofFailed(BusinessEvent e) {
        return new DeadLetter(
                "business event of a failed prediction: prediction '" + e.predictionId
                        + "' arrived with an error, so there is no model output to attribute it to",
                e.origin,
                null,
                null);
    }

    void duplicate(BusinessEvent e) {
        join.emit(
                SideOutputs.DEAD_LETTERS,
                new DeadLetter("duplicate business event_id '" + e.eventId + "': counted once", e.origin, null, null));
    }

    /** The prediction's label horizon ended at {@code deadline}: if its attribution window has too, it closes. */
    void horizonEnded(JoinState st, long deadline) {
        // Past the attribution window, events no longer count: their ids need not be kept.
        if (st.attributionEnd != 0 && deadline >= st.attributionEnd) {
            st.eventIds = null;
            st.kpiNumerators = null;
            st.kpiDenominators = null;
            st.eventsClosed = true;
        }
    }

    /** No prediction of a model with KPIs came for the key within the attribution window: its events are reported. */
    void orphaned(JoinState st) {
        if (st.pendingEvents != null) {
            for (BusinessEvent e : st.pendingEvents) {
                unattributed(
                        e,
                        "no prediction '" + e.predictionId
                                + "' of a model with KPIs arrived within the attribution window");
            }
        }
    }

    private void attribute(JoinState st, BusinessEvent e) {
        if (e.ts < st.prediction.ts - maxOutOfOrdernessMs) {
            join.emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "business event at " + Instant.ofEpochMilli(e.ts)
                                    + " is before its prediction '" + e.predictionId + "' ("
                                    + Instant.ofEpochMilli(st.prediction.ts)
                                    + ") by more than job.max_out_of_orderness",
                            e.origin,
                            null,
                            null));
            return;
        }
        if (e.ts > st.attributionEnd) {
            join.emit(
                    SideOutputs.DEAD_LETTERS,
                    new DeadLetter(
                            "business event at " + Instant.ofEpochMilli(e.ts)
                                    + " is past the attribution window of prediction '" + e.predictionId
                                    + "' (it ended at "
                                    + Instant.ofEpochMilli(st.attributionEnd) + ")",
                            e.origin,
                            null,
                            null));
            return;
        }
        attributed.inc();
        join.counted(e.origin);
        // Counted in its prediction's window: the KPI stage holds that window open for the attribution window.
        AttributedEvent a = attributedEvent(st.prediction, e.type, e.value, e.eventId, st.prediction.ts, e.origin);
        ModelSpec model = spec.modelOrDefaults(st.prediction.model);
        a.increments = unitChange(st, model, e.type, e.value);
        join.emit(SideOutputs.ATTRIBUTED_EVENTS, a);
    }

    private void unattributed(BusinessEvent e, String why) {
        join.emit(
                SideOutputs.DEAD_LETTERS, new DeadLetter("unattributed business event: " + why, e.origin, null, null));
    }

    private static AttributedEvent attributedEvent(
            Prediction p, String type, Double value, String eventId, long ts, Origin origin) {
        AttributedEvent a = new AttributedEvent();
        a.origin = origin;
        a.model = p.model;
        a.version = p.version;
        a.segment = p.segment;
        a.ts = ts;
        a.type = type;
        a.value = value;
        a.eventId = eventId;
        return a;
    }
}
