package io.modelvitals.pane;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.util.Collector;

/**
 * Tags each record with the slices it counts in: the whole population ("all") and one slice per
 * configured segment key present on it ("country=US"). The record is not copied per slice: the first
 * aggregation phase updates every slice's accumulator from the one record, so a prediction crosses
 * the network once, not once per slice. A key admits at most segment_value_cap distinct values per model;
 * later values are folded into "key=__other__" so that a high-cardinality attribute cannot explode
 * the key space. The admitted values are checkpointed, so a restart slices exactly as before. Each
 * subtask admits its own values, so the bound is cap × parallelism.
 */
public abstract class SegmentSlicer<IN, OUT> extends RichFlatMapFunction<IN, OUT> implements CheckpointedFunction {
    public static final String ALL = "all";
    public static final String OTHER = "__other__";

    private final MonitorSpec spec;
    /** model → segment key → admitted value → its slice name ("key=value"), built once per value. */
    private transient Map<String, Map<String, Map<String, String>>> admitted;

    private transient ListState<String> admittedState;

    protected SegmentSlicer(MonitorSpec spec) {
        this.spec = spec;
    }

    protected abstract String model(IN in);

    protected abstract Map<String, String> segment(IN in);

    /** The record, tagged with its slices. */
    protected abstract OUT withSlices(IN in, List<String> slices);

    @Override
    public void flatMap(IN in, Collector<OUT> out) {
        ModelSpec model = spec.model(model(in));
        if (model == null) return; // an undeclared model, refused by the spec: the join dead-letters it
        List<String> slices = new ArrayList<>(1 + model.segments.size());
        slices.add(ALL);
        Map<String, String> segment = segment(in);
        if (segment != null && !model.segments.isEmpty()) {
            Map<String, Map<String, String>> byKey = admitted.computeIfAbsent(model(in), m -> new HashMap<>());
            for (String key : model.segments) {
                String value = segment.get(key);
                if (value == null) continue;
                Map<String, String> values = byKey.computeIfAbsent(key, k -> new HashMap<>());
                String slice = values.get(value);
                if (slice == null) {
                    if (values.size() >= model.segmentValueCap) {
                        slice = key + "=" + OTHER;
                    } else {
                        slice = key + "=" + value;
                        values.put(value, slice);
                    }
                }
                slices.add(slice);
            }
        }
        out.collect(withSlices(in, slices));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<String> entries = new ArrayList<>();
        admitted.forEach((model, byKey) ->
                byKey.forEach((key, values) -> values.keySet().forEach(v -> entries.add(Keys.of(model, key, v)))));
        admittedState.update(entries);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union state: after a rescale every subtask knows every admitted value.
        admittedState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("admitted-segment-values", String.class));
        admitted = new HashMap<>();
        for (String entry : admittedState.get()) {
            String[] parts = entry.split("\u001f", 3);
            admitted.computeIfAbsent(parts[0], m -> new HashMap<>())
                    .computeIfAbsent(parts[1], k -> new HashMap<>())
                    .put(parts[2], parts[1] + "=" + parts[2]);
        }
    }
}
