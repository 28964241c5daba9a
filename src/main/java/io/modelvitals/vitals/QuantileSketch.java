package io.modelvitals.vitals;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A mergeable quantile sketch (Apache DataSketches KLL, k = 200). Its rank error is about 1.65% at
 * 99% confidence for any number of values, and it is exact below k values. Flink serializes it with
 * {@link QuantileSketchSerializer} (the sketch's own compact binary form), never with Kryo.
 */
@TypeInfo(QuantileSketchTypeInfoFactory.class)
public final class QuantileSketch {
    static final int K = 200;

    private final KllDoublesSketch sketch;

    public QuantileSketch() {
        this(KllDoublesSketch.newHeapInstance(K));
    }

    private QuantileSketch(KllDoublesSketch sketch) {
        this.sketch = sketch;
    }

    public void update(double value) {
        sketch.update(value);
    }

    public void merge(QuantileSketch other) {
        if (!other.sketch.isEmpty()) sketch.merge(other.sketch);
    }

    public long count() {
        return sketch.getN();
    }

    /** The value at the given normalized rank (inclusive, so the median of {1, 2} is 1); NaN when empty. */
    public double quantile(double rank) {
        return sketch.isEmpty() ? Double.NaN : sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }

    /** The share of values ≤ x (NaN when empty). */
    public double rank(double x) {
        return sketch.isEmpty() ? Double.NaN : sketch.getRank(x, QuantileSearchCriteria.INCLUSIVE);
    }

    /**
     * {@link #rank} at each of the ascending {@code points}, in one walk over the sorted view rather than a search per
     * point (NaN when empty).
     */
    public double[] ranks(double[] points) {
        double[] out = new double[points.length];
        if (sketch.isEmpty()) {
            java.util.Arrays.fill(out, Double.NaN);
            return out;
        }
        org.apache.datasketches.quantilescommon.DoublesSortedView view = sketch.getSortedView();
        double[] items = view.getQuantiles();
        long[] cumulative = view.getCumulativeWeights();
        double n = view.getN();
        int last = -1; // the last item ≤ the current point
        for (int i = 0; i < points.length; i++) {
            while (last + 1 < items.length && items[last + 1] <= points[i]) last++;
            out[i] = last < 0 ? 0 : cumulative[last] / n;
        }
        return out;
    }

    /** The sorted values the sketch retains: every value while exact (fewer than k), a weighted subset after. */
    public double[] retained() {
        return sketch.isEmpty() ? new double[0] : sketch.getSortedView().getQuantiles();
    }

    public boolean isExact() {
        return !sketch.isEstimationMode();
    }

    /**
     * The largest error of a normalized rank ({@link #rank}) at 99% confidence: 0 while exact, else KLL's
     * single-rank error for k = 200 (about 1.3%). Drift tests bound their effective sample size with it.
     */
    public double rankErrorBound() {
        return isExact() ? 0.0 : sketch.getNormalizedRankError(false);
    }

    byte[] toBytes() {
        return sketch.toByteArray();
    }

    static QuantileSketch fromBytes(byte[] bytes) {
        return new QuantileSketch(KllDoublesSketch.heapify(Memory.wrap(bytes)));
    }

    QuantileSketch copy() {
        return fromBytes(toBytes());
    }
}
