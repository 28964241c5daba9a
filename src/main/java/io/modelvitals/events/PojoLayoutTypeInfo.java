package io.modelvitals.events;

import io.modelvitals.vitals.SerializerTypeInfo;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * The type of a record that Flink serializes, on every edge and in every state, with a {@link PojoLayoutSerializer}:
 * its POJO bytes, written by hand. A record class names it with {@code @TypeInfo}, so that no edge or state of it can
 * fall back to the reflective POJO serializer, and savepoints keep restoring (the bytes are the same).
 */
public final class PojoLayoutTypeInfo<T> extends SerializerTypeInfo<T> {
    private static final long serialVersionUID = 1L;

    public PojoLayoutTypeInfo(Class<T> type, PojoLayoutSerializer<T> serializer) {
        super(type, serializer);
    }

    @Override
    public String toString() {
        return getTypeClass().getSimpleName() + " (POJO layout)";
    }

    /** {@link VitalRecord}'s: the record of which a sliding window writes the most (one per vital, slice and slide). */
    public static final class OfVitalRecord extends TypeInfoFactory<VitalRecord> {
        @Override
        public TypeInformation<VitalRecord> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new PojoLayoutTypeInfo<>(VitalRecord.class, VitalRecordSerializer.INSTANCE);
        }
    }
}
