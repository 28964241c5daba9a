package io.modelvitals.join;

import io.modelvitals.events.BusinessEvent;
import io.modelvitals.events.Label;
import io.modelvitals.events.Origin;
import io.modelvitals.events.PojoLayoutSerializer;
import io.modelvitals.events.Prediction;
import io.modelvitals.functions.PredictionJoinOperator.JoinState;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The join's state ("join-state") in its POJO bytes, by hand (see {@link PojoLayoutSerializer}): read and written on
 * every prediction, label and business event on RocksDB. Fields in the order of their names, as the POJO serializer
 * writes them; {@code JoinStateSerializerTest} compares the bytes with its.
 */
public final class JoinStateSerializer extends PojoLayoutSerializer<JoinState> {
    private static final long serialVersionUID = 1L;
    public static final JoinStateSerializer INSTANCE = new JoinStateSerializer();

    private JoinStateSerializer() {
        super(JoinState.class);
    }

    @Override
    public JoinState createInstance() {
        return new JoinState();
    }

    @Override
    public void serialize(JoinState s, DataOutputView out) throws IOException {
        if (!writePojo(s, out)) return;
        writeLong(s.attributionEnd, out);
        writeList(s.eventIds, out, PojoLayoutSerializer::writeString);
        writeBoolean(s.eventsClosed, out);
        writeBoolean(s.expired, out);
        writeBoolean(s.failed, out);
        writeLong(s.filedAt, out);
        writeLong(s.graceMs, out);
        writeLong(s.horizonEnd, out);
        writeMap(s.kpiDenominators, out, PojoLayoutSerializer::writeDouble);
        writeMap(s.kpiNumerators, out, PojoLayoutSerializer::writeDouble);
        writeBoolean(s.labeled, out);
        writeBoolean(s.lateSeen, out);
        writeList(s.pendingDuplicateOrigins, out, JoinStateSerializer::writeOrigin);
        writeInt(s.pendingDuplicates, out);
        writeList(s.pendingEvents, out, JoinStateSerializer::writeEvent);
        writeLabel(s.pendingLabel, out);
        writePrediction(s.prediction, out);
        writeLong(s.timer, out);
    }

    @Override
    public JoinState deserialize(DataInputView in) throws IOException {
        if (!readPojo(in)) return null;
        JoinState s = new JoinState();
        s.attributionEnd = readLong(in);
        s.eventIds = readList(in, PojoLayoutSerializer::readString);
        s.eventsClosed = readBoolean(in);
        s.expired = readBoolean(in);
        s.failed = readBoolean(in);
        s.filedAt = readLong(in);
        s.graceMs = readLong(in);
        s.horizonEnd = readLong(in);
        s.kpiDenominators = readMap(in, PojoLayoutSerializer::readDouble);
        s.kpiNumerators = readMap(in, PojoLayoutSerializer::readDouble);
        s.labeled = readBoolean(in);
        s.lateSeen = readBoolean(in);
        s.pendingDuplicateOrigins = readList(in, JoinStateSerializer::readOrigin);
        s.pendingDuplicates = readInt(in);
        s.pendingEvents = readList(in, JoinStateSerializer::readEvent);
        s.pendingLabel = readLabel(in);
        s.prediction = readPrediction(in);
        s.timer = readLong(in);
        return s;
    }

    private static void writePrediction(Prediction p, DataOutputView out) throws IOException {
        if (!writeNested(p, Prediction.class, out)) return;
        writeString(p.error, out);
        writeString(p.label, out);
        writeDouble(p.latencyMs, out);
        writeString(p.model, out);
        writeOrigin(p.origin, out);
        writeString(p.predictionId, out);
        writeDouble(p.score, out);
        writeMap(p.scores, out, PojoLayoutSerializer::writeDouble);
        writeMap(p.segment, out, PojoLayoutSerializer::writeString);
        writeLong(p.ts, out);
        writeDouble(p.value, out);
        writeString(p.version, out);
    }

    private static Prediction readPrediction(DataInputView in) throws IOException {
        if (!readNested(in)) return null;
        Prediction p = new Prediction();
        p.error = readString(in);
        p.label = readString(in);
        p.latencyMs = readDouble(in);
        p.model = readString(in);
        p.origin = readOrigin(in);
        p.predictionId = readString(in);
        p.score = readDouble(in);
        p.scores = readMap(in, PojoLayoutSerializer::readDouble);
        p.segment = readMap(in, PojoLayoutSerializer::readString);
        p.ts = readLong(in);
        p.value = readDouble(in);
        p.version = readString(in);
        return p;
    }

    private static void writeLabel(Label l, DataOutputView out) throws IOException {
        if (!writeNested(l, Label.class, out)) return;
        writeString(l.label, out);
        writeOrigin(l.origin, out);
        writeString(l.predictionId, out);
        writeLong(l.ts, out);
        writeDouble(l.value, out);
    }

    private static Label readLabel(DataInputView in) throws IOException {
        if (!readNested(in)) return null;
        Label l = new Label();
        l.label = readString(in);
        l.origin = readOrigin(in);
        l.predictionId = readString(in);
        l.ts = readLong(in);
        l.value = readDouble(in);
        return l;
    }

    private static void writeEvent(BusinessEvent e, DataOutputView out) throws IOException {
        if (!writeNested(e, BusinessEvent.class, out)) return;
        writeString(e.eventId, out);
        writeString(e.model, out);
        writeOrigin(e.origin, out);
        writeString(e.predictionId, out);
        writeLong(e.ts, out);
        writeString(e.type, out);
        writeDouble(e.value, out);
        writeString(e.version, out);
    }

    private static BusinessEvent readEvent(DataInputView in) throws IOException {
        if (!readNested(in)) return null;
        BusinessEvent e = new BusinessEvent();
        e.eventId = readString(in);
        e.model = readString(in);
        e.origin = readOrigin(in);
        e.predictionId = readString(in);
        e.ts = readLong(in);
        e.type = readString(in);
        e.value = readDouble(in);
        e.version = readString(in);
        return e;
    }

    private static void writeOrigin(Origin o, DataOutputView out) throws IOException {
        if (!writeNested(o, Origin.class, out)) return;
        writeLong(o.offset, out);
        writeInt(o.partition, out);
        writeString(o.topic, out);
    }

    private static Origin readOrigin(DataInputView in) throws IOException {
        if (!readNested(in)) return null;
        Origin o = new Origin();
        o.offset = readLong(in);
        o.partition = readInt(in);
        o.topic = readString(in);
        return o;
    }
}
