package io.modelvitals.output;

import io.modelvitals.config.ModelSpec;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.OutputSample;
import io.modelvitals.pane.SlicedAggregator;
import io.modelvitals.vitals.OutputAccumulator;
import io.modelvitals.vitals.SlicedOutputs;
import java.util.HashMap;
import java.util.Map;

/** First phase of the output distribution: folds each prediction into the summary of every slice it counts in. */
public class OutputAggregator extends SlicedAggregator<OutputSample, OutputAccumulator, SlicedOutputs> {
    /** Deciles of [0, 1]: the histogram of scores when the spec names no edges. */
    static final double[] UNIT_EDGES = OutputVitals.tenBins(0, 1);

    /** The spec's histogram edges by model; models not here get {@link #UNIT_EDGES}. */
    private final Map<String, double[]> edges = new HashMap<>();

    public OutputAggregator() {}

    public OutputAggregator(MonitorSpec spec) {
        for (ModelSpec m : spec.models) {
            if (m.drift != null && m.drift.histogramEdges != null)
                edges.put(
                        m.name,
                        m.drift.histogramEdges.stream()
                                .mapToDouble(Double::doubleValue)
                                .toArray());
        }
    }

    @Override
    public SlicedOutputs createAccumulator() {
        return new SlicedOutputs();
    }

    @Override
    public OutputAccumulator newSlice() {
        return new OutputAccumulator();
    }

    @Override
    public SlicedOutputs add(OutputSample s, SlicedOutputs acc) {
        double[] e = edges.getOrDefault(s.model, UNIT_EDGES);
        for (String slice : s.slices) fold(slice(acc, slice), s, e);
        return acc;
    }

    /** Folds one prediction into a slice's output summary, with the default histogram edges. */
    public static void fold(OutputAccumulator acc, OutputSample s) {
        fold(acc, s, UNIT_EDGES);
    }

    /** Folds one prediction into a slice's output summary, counting it exactly in the bins cut at {@code edges}. */
    public static void fold(OutputAccumulator acc, OutputSample s, double[] edges) {
        if (s.latencyMs != null) acc.latencyMs.update(s.latencyMs);
        if (s.error) {
            acc.errors++;
            return;
        }
        acc.predictions++;
        if (s.label != null) acc.classCounts.merge(s.label, 1L, Long::sum);
        if (s.numeric != null) {
            double x = s.numeric;
            acc.numericCount++;
            double delta = x - acc.mean;
            acc.mean += delta / acc.numericCount;
            acc.m2 += delta * (x - acc.mean);
            acc.min = Math.min(acc.min, x);
            acc.max = Math.max(acc.max, x);
            acc.numeric.update(x);
            if (acc.numericCount == 1) {
                acc.histogram = new long[edges.length - 1];
                acc.binned = 0;
            }
            if (acc.histogram != null && acc.binned == acc.numericCount - 1) {
                int bin = bin(edges, x);
                if (bin >= 0 && bin < acc.histogram.length) acc.histogram[bin]++;
                acc.binned++;
            }
        }
    }

    /** The bin of x: [e_i, e_i+1), the last one closed; −1 outside the edges. */
    static int bin(double[] edges, double x) {
        int last = edges.length - 1;
        if (!(x >= edges[0] && x <= edges[last])) return -1;
        if (x == edges[last]) return last - 1;
        int lo = 0, hi = last - 1; // the largest i with edges[i] <= x
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (edges[mid] <= x) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }
}
