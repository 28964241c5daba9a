package io.modelvitals.events;

import io.modelvitals.vitals.SerializerTypeInfo;

/**
 * The type of an input stream between its source and the join, serialized by a {@link WireSerializer}. Given to those
 * streams only: everywhere else (state, side outputs) the same classes are POJOs to Flink.
 */
public final class WireTypeInfo<T> extends SerializerTypeInfo<T> {
    private static final long serialVersionUID = 1L;

    public static final WireTypeInfo<Prediction> PREDICTIONS =
            new WireTypeInfo<>(Prediction.class, PredictionWireSerializer.INSTANCE);
    public static final WireTypeInfo<Feedback> FEEDBACK =
            new WireTypeInfo<>(Feedback.class, FeedbackWireSerializer.INSTANCE);

    private WireTypeInfo(Class<T> type, WireSerializer<T> serializer) {
        super(type, serializer);
    }

    @Override
    public String toString() {
        return getTypeClass().getSimpleName() + " (wire)";
    }
}
