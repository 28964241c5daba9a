package io.modelvitals.events;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type of an input stream between its source and the join, serialized by a {@link WireSerializer}. Given to those
 * streams only: everywhere else (state, side outputs) the same classes are POJOs to Flink.
 */
public final class WireTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    public static final WireTypeInfo<Prediction> PREDICTIONS =
            new WireTypeInfo<>(Prediction.class, PredictionWireSerializer.INSTANCE);
    public static final WireTypeInfo<Feedback> FEEDBACK =
            new WireTypeInfo<>(Feedback.class, FeedbackWireSerializer.INSTANCE);

    private final Class<T> type;
    private final WireSerializer<T> serializer;

    private WireTypeInfo(Class<T> type, WireSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return type.getSimpleName() + " (wire)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireTypeInfo && ((WireTypeInfo<?>) o).type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof WireTypeInfo;
    }
}
