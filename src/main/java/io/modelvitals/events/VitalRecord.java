package io.modelvitals.events;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One vital of one key (model, version, segment slice) in one window. A POJO, serialized in its POJO bytes by a
 * serializer written by hand ({@link VitalRecordSerializer}): a new field must be added there too (its test fails
 * until it is).
 */
@TypeInfo(PojoLayoutTypeInfo.OfVitalRecord.class)
public class VitalRecord {
    public String model;
    public String version;
    /** "all" for the whole population, else "key=value". */
    public String segment;

    public String vital;
    /** The class a per-class vital is about (precision, recall, f1, confusion's actual class); else null. */
    public String cls;
    /** For confusion counts: the predicted class. */
    public String predictedCls;
    /** For drift vitals: what the window was compared with (previous, fixed, champion, baseline). */
    public String reference;

    public double value;
    /** Sample count behind the value. */
    public long n;

    public long windowStart;
    public long windowEnd;
    /** For KPIs: the numerator (n is the denominator). */
    public Double numerator;
    /** For KPI comparisons: the two-sided p-value of the two-proportion z-test; for a discrepancy, of the KPI's fall. */
    public Double pValue;
    /** For goals: whether the goal is met in this window. */
    public Boolean met;
    /** 95% confidence interval, where the vital has one. */
    public Double ciLower;

    public Double ciUpper;
    /**
     * For quality vitals, the time their pairs count at: "label" (the label's time, the earliest signal) or
     * "prediction" (the prediction's time: the cohort of predictions made in the window, final once its labels can no
     * longer come). Null for every other vital. On the wire only "prediction" is written: absent means label time, as
     * before the field existed.
     */
    public String timeline;

    public static final String LABEL_TIMELINE = "label";
    public static final String PREDICTION_TIMELINE = "prediction";

    public VitalRecord() {}

    public VitalRecord(
            String model,
            String version,
            String segment,
            String vital,
            String cls,
            double value,
            long n,
            long windowStart,
            long windowEnd) {
        this.model = model;
        this.version = version;
        this.segment = segment;
        this.vital = vital;
        this.cls = cls;
        this.value = value;
        this.n = n;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof VitalRecord)) return false;
        VitalRecord v = (VitalRecord) o;
        return Double.compare(value, v.value) == 0
                && n == v.n
                && windowStart == v.windowStart
                && windowEnd == v.windowEnd
                && Objects.equals(model, v.model)
                && Objects.equals(version, v.version)
                && Objects.equals(segment, v.segment)
                && Objects.equals(vital, v.vital)
                && Objects.equals(cls, v.cls)
                && Objects.equals(predictedCls, v.predictedCls)
                && Objects.equals(reference, v.reference)
                && Objects.equals(ciLower, v.ciLower)
                && Objects.equals(ciUpper, v.ciUpper)
                && Objects.equals(numerator, v.numerator)
                && Objects.equals(pValue, v.pValue)
                && Objects.equals(met, v.met)
                && Objects.equals(timeline, v.timeline);
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, version, segment, vital, cls, predictedCls, value, n, windowStart, windowEnd);
    }

    @Override
    public String toString() {
        return model + "/" + version + "/" + segment + " " + vital
                + (cls == null ? "" : "[" + cls + (predictedCls == null ? "" : "→" + predictedCls) + "]") + "=" + value
                + " n=" + n + " [" + windowStart + "," + windowEnd + ")"
                + (timeline == null ? "" : " by " + timeline + " time");
    }
}
