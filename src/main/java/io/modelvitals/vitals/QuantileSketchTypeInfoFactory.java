package io.modelvitals.vitals;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Tells Flink's type extraction to use {@link QuantileSketchSerializer} for {@link QuantileSketch}. */
public class QuantileSketchTypeInfoFactory extends TypeInfoFactory<QuantileSketch> {

    @Override
    public TypeInformation<QuantileSketch> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return new QuantileSketchTypeInfo();
    }

    /** Type information of {@link QuantileSketch}. */
    public static final class QuantileSketchTypeInfo extends SerializerTypeInfo<QuantileSketch> {
        private static final long serialVersionUID = 1L;

        public QuantileSketchTypeInfo() {
            super(QuantileSketch.class, QuantileSketchSerializer.INSTANCE);
        }

        @Override
        public String toString() {
            return "QuantileSketch";
        }
    }
}
