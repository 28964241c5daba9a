package io.modelvitals.events;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * {@link VitalRecord} in its POJO bytes, by hand (see {@link PojoLayoutSerializer}): every vital crosses three or four
 * edges (to the finite-vitals filter, from it to the rules and to the sink, and to goals and discrepancies), and two
 * states keep them (goals, discrepancies). Fields in the order of their names, as the POJO serializer writes them.
 */
public final class VitalRecordSerializer extends PojoLayoutSerializer<VitalRecord> {
    private static final long serialVersionUID = 1L;
    public static final VitalRecordSerializer INSTANCE = new VitalRecordSerializer();

    private VitalRecordSerializer() {
        super(VitalRecord.class);
    }

    @Override
    public VitalRecord createInstance() {
        return new VitalRecord();
    }

    @Override
    public void serialize(VitalRecord v, DataOutputView out) throws IOException {
        if (!writePojo(v, out)) return;
        writeDouble(v.ciLower, out);
        writeDouble(v.ciUpper, out);
        writeString(v.cls, out);
        writeBooleanObject(v.met, out);
        writeString(v.model, out);
        writeLong(v.n, out);
        writeDouble(v.numerator, out);
        writeDouble(v.pValue, out);
        writeString(v.predictedCls, out);
        writeString(v.reference, out);
        writeString(v.segment, out);
        writeString(v.timeline, out);
        writeDoubleValue(v.value, out);
        writeString(v.version, out);
        writeString(v.vital, out);
        writeLong(v.windowEnd, out);
        writeLong(v.windowStart, out);
    }

    @Override
    public VitalRecord deserialize(DataInputView in) throws IOException {
        if (!readPojo(in)) return null;
        VitalRecord v = new VitalRecord();
        v.ciLower = readDouble(in);
        v.ciUpper = readDouble(in);
        v.cls = readString(in);
        v.met = readBooleanObject(in);
        v.model = readString(in);
        v.n = readLong(in);
        v.numerator = readDouble(in);
        v.pValue = readDouble(in);
        v.predictedCls = readString(in);
        v.reference = readString(in);
        v.segment = readString(in);
        v.timeline = readString(in);
        v.value = readDoubleValue(in);
        v.version = readString(in);
        v.vital = readString(in);
        v.windowEnd = readLong(in);
        v.windowStart = readLong(in);
        return v;
    }
}
