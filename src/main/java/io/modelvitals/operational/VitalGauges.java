package io.modelvitals.operational;

import io.modelvitals.events.Keys;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.pane.SegmentSlicer;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The latest value of each whole-population vital as a Flink gauge, labelled model, version and vital
 * (the vital's name, with its class and reference appended: {@code kpi_take_rate},
 * {@code class_psi_champion}), so that Flink's metric reporters (Prometheus among them) export them.
 * With the Prometheus reporter the metric is {@code flink_taskmanager_job_task_operator_model_version_vital_value}.
 * Passes every record through unchanged. At most {@link #MAX_GAUGES} gauges per subtask: a model with
 * thousands of classes cannot flood the metric system.
 */
public class VitalGauges extends RichMapFunction<VitalRecord, VitalRecord> {
    public static final int MAX_GAUGES = 2_000;

    private transient MetricGroup metrics;
    private transient Map<String, double[]> latest;

    @Override
    public void open(OpenContext openContext) {
        open(getRuntimeContext().getMetricGroup());
    }

    void open(MetricGroup metrics) {
        this.metrics = metrics;
        this.latest = new HashMap<>();
    }

    @Override
    public VitalRecord map(VitalRecord v) {
        if (!SegmentSlicer.ALL.equals(v.segment) || v.predictedCls != null) return v;
        String vital = name(v);
        String key = Keys.of(v.model, v.version, vital);
        double[] cell = latest.get(key);
        if (cell == null) {
            if (latest.size() >= MAX_GAUGES) return v;
            double[] fresh = {v.value};
            latest.put(key, fresh);
            metrics.addGroup("model", v.model)
                    .addGroup("version", v.version)
                    .addGroup("vital", vital)
                    .gauge("value", (Gauge<Double>) () -> fresh[0]);
            return v;
        }
        cell[0] = v.value;
        return v;
    }

    /** accuracy, recall_drama, class_psi_champion, kpi_take_rate, … */
    static String name(VitalRecord v) {
        StringBuilder sb = new StringBuilder(v.vital);
        if (v.cls != null) sb.append('_').append(v.cls);
        if (v.reference != null) sb.append('_').append(v.reference);
        if (VitalRecord.PREDICTION_TIMELINE.equals(v.timeline)) sb.append("_by_prediction_time");
        return sb.toString();
    }
}
