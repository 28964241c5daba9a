package io.modelvitals.vitals;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Tells Flink's type extraction to use {@link QuantileSketchSerializer} for {@link QuantileSketch}. */
public class QuantileSketchTypeInfoFactory extends TypeInfoFactory<QuantileSketch> {

    @Override
    public TypeInformation<QuantileSketch> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new QuantileSketchTypeInfo();
    }

    /** Type information of {@link QuantileSketch}. */
    public static final class QuantileSketchTypeInfo extends TypeInformation<QuantileSketch> {
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
        public Class<QuantileSketch> getTypeClass() {
            return QuantileSketch.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<QuantileSketch> createSerializer(SerializerConfig config) {
            return QuantileSketchSerializer.INSTANCE;
        }

        @Override
        public String toString() {
            return "QuantileSketch";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof QuantileSketchTypeInfo;
        }

        @Override
        public int hashCode() {
            return QuantileSketchTypeInfo.class.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof QuantileSketchTypeInfo;
        }
    }
}
