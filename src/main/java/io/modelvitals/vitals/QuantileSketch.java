package io.modelvitals.vitals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A mergeable quantile sketch whose state is a function of the multiset of values alone: the same
 * values give the same state, byte for byte, whatever their order and however they were split into
 * partial sketches and merged. A replay and a live run (parallelism 1 or 2, with or without a restore)
 * therefore read the same quantiles, ranks and histograms from it.
 *
 * <p>Up to {@link #CAPACITY} values it keeps them all and is exact. Beyond, it is a histogram over fixed
 * logarithmic buckets with an exact integer count per bucket (the DDSketch layout of Masson, Rim and
 * Lee, "DDSketch: a fast and fully-mergeable quantile sketch with relative-error guarantees", VLDB
 * 2019): a positive value x falls in bucket i with γ^(i−1) &lt; x ≤ γ^i, γ = (1 + α)/(1 − α), α =
 * {@link #RELATIVE_ACCURACY}; negative values in a mirrored store, |x| &lt; {@link Double#MIN_NORMAL} in a
 * zero count. Merging adds counts, which is associative and commutative; bucket boundaries come from
 * {@link StrictMath}, so they are the same on every JVM. Each sign keeps at most {@link #MAX_BUCKETS}
 * buckets: values more than γ^4096 (about 10^17.8) below the largest magnitude collapse into its lowest
 * bucket, a rule that depends on the multiset only.
 *
 * <p>Error bounds beyond {@link #CAPACITY} values: {@link #quantile} is within a relative α of the exact
 * (inclusive) quantile, unless it lies in a collapsed bucket; {@link #rank} is exact at the points of
 * {@link #retained()} (the bucket boundaries) and otherwise off by at most {@link #rankErrorBound()},
 * the largest share of values in one bucket. It is deterministic, unlike the DataSketches KLL sketch
 * this replaces, which compacted with an unseeded random generator and depended on arrival and merge
 * order. DataSketches stays a dependency only to read KLL sketches from savepoints of earlier versions
 * (see {@link #fromBytes}). Written here rather than taken from com.datadoghq:sketches-java because the
 * exact small-sample mode, the canonical byte form (the library's encoding depends on its store's
 * allocation) and the reading of old KLL bytes are most of the code anyway.
 */
@TypeInfo(QuantileSketchTypeInfoFactory.class)
public final class QuantileSketch {
    /** Values kept exactly; the same as the KLL sketch's k, which was exact up to this many values. */
    static final int CAPACITY = 200;
    /** Relative accuracy of quantiles beyond {@link #CAPACITY} values. */
    public static final double RELATIVE_ACCURACY = 0.005;

    static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LN_GAMMA = StrictMath.log(GAMMA);
    static final int MAX_BUCKETS = 4096;
    /** First byte of this format; the KLL form of earlier versions starts with 1, 2 or 5 (its preamble ints). */
    static final byte FORMAT_V2 = 16;

    private long n;
    /**
     * All values while {@code n <= CAPACITY} (the first {@code n} entries, kept sorted so that reads never write: a
     * heap-state snapshot may serialize this object on another thread while the task thread copies it), else null.
     */
    private double[] values;

    // Bucketed state (values == null).
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long zeros;
    private Store positive;
    private Store negative;
    /** Sorted view of the buckets, built on the first query after a change. */
    private View view;

    public QuantileSketch() {
        values = new double[8];
    }

    public void update(double value) {
        if (Double.isNaN(value)) return; // as the KLL sketch did: NaN is no value
        add(value, 1);
    }

    private void add(double value, long weight) {
        view = null;
        if (values != null && n + weight <= CAPACITY) {
            if (n + weight > values.length) values = Arrays.copyOf(values, CAPACITY);
            int at = 0, hi = (int) n; // after the last value ≤ this one (Arrays.sort's order)
            while (at < hi) {
                int mid = (at + hi) >>> 1;
                if (Double.compare(values[mid], value) <= 0) at = mid + 1;
                else hi = mid;
            }
            System.arraycopy(values, at, values, at + (int) weight, (int) n - at);
            Arrays.fill(values, at, at + (int) weight, value);
            n += weight;
            return;
        }
        if (values != null) toBuckets();
        n += weight;
        bucket(value, weight);
    }

    private void bucket(double value, long weight) {
        min = Math.min(min, value);
        max = Math.max(max, value);
        double a = Math.abs(value);
        if (a < Double.MIN_NORMAL) zeros += weight;
        else if (value > 0) positive.add(upperClosedIndex(a), weight);
        else negative.add(upperOpenIndex(a), weight);
    }

    private void toBuckets() {
        double[] old = values;
        int count = (int) n;
        values = null;
        positive = new Store();
        negative = new Store();
        for (int i = 0; i < count; i++) bucket(old[i], 1);
    }

    public void merge(QuantileSketch other) {
        if (other.n == 0) return;
        view = null;
        if (other.values != null) {
            for (int i = 0; i < other.n; i++) add(other.values[i], 1);
            return;
        }
        if (values != null) toBuckets();
        n += other.n;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        zeros += other.zeros;
        positive.addAll(other.positive);
        negative.addAll(other.negative);
    }

    public long count() {
        return n;
    }

    /** The value at the given normalized rank (inclusive, so the median of {1, 2} is 1); NaN when empty. */
    public double quantile(double rank) {
        if (n == 0) return Double.NaN;
        long target = Math.max(1, Math.min(n, (long) Math.ceil(rank * n)));
        if (values != null) return sortedValues()[(int) target - 1];
        if (target == 1) return min; // the extremes are kept exactly
        if (target == n) return max;
        View v = view();
        int lo = 0, hi = v.cumulative.length - 1; // the first bucket whose cumulative count reaches target
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (v.cumulative[mid] >= target) hi = mid;
            else lo = mid + 1;
        }
        return Math.max(min, Math.min(max, v.estimates[lo]));
    }

    /** The share of values ≤ x (NaN when empty). */
    public double rank(double x) {
        return ranks(new double[] {x})[0];
    }

    /**
     * {@link #rank} at each of the ascending {@code points}, in one walk over the sorted view rather than a search per
     * point (NaN when empty).
     */
    public double[] ranks(double[] points) {
        double[] out = new double[points.length];
        if (n == 0) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        double[] steps;
        long[] cumulative;
        if (values != null) {
            steps = sortedValues();
            cumulative = null;
        } else {
            View v = view();
            steps = v.steps;
            cumulative = v.cumulative;
        }
        int length = values != null ? (int) n : steps.length;
        int last = -1; // the last step ≤ the current point
        for (int i = 0; i < points.length; i++) {
            while (last + 1 < length && steps[last + 1] <= points[i]) last++;
            long below = last < 0 ? 0 : cumulative == null ? last + 1 : cumulative[last];
            out[i] = (double) below / n;
        }
        return out;
    }

    /**
     * The sorted points where {@link #rank} steps: every value while exact, else each non-empty bucket's upper
     * boundary (for a negative bucket, the boundary nearest zero), where the rank is exact.
     */
    public double[] retained() {
        if (n == 0) return new double[0];
        if (values != null) return Arrays.copyOf(sortedValues(), (int) n);
        return view().steps.clone();
    }

    public boolean isExact() {
        return values != null;
    }

    /**
     * The most {@link #rank} can be off at any point, as a share of the count: 0 while exact (and at the points of
     * {@link #retained()} always), else the largest share of values in one bucket. Values below
     * {@link Double#MIN_NORMAL} in magnitude count as 0.
     */
    public double rankErrorBound() {
        if (values != null || n == 0) return 0;
        return (double) Math.max(positive.largest(), negative.largest()) / n;
    }

    private double[] sortedValues() {
        return values;
    }

    /** Upper boundary of positive bucket i: γ^i (bucket i holds γ^(i−1) &lt; x ≤ γ^i). */
    static double boundary(int i) {
        return StrictMath.exp(i * LN_GAMMA);
    }

    /** The smallest i with a ≤ γ^i. */
    static int upperClosedIndex(double a) {
        a = Math.min(a, Double.MAX_VALUE);
        double r = StrictMath.log(a) / LN_GAMMA;
        int i = (int) Math.ceil(r);
        // log and exp round (by far less than 1e-7 here): near a boundary, settle it against the boundary itself.
        if (i - r > 1e-7 && r - (i - 1) > 1e-7) return i;
        while (a > boundary(i)) i++;
        while (a <= boundary(i - 1)) i--;
        return i;
    }

    /** The smallest i with a &lt; γ^i (negative values: bucket i holds −γ^i &lt; x ≤ −γ^(i−1)). */
    static int upperOpenIndex(double a) {
        a = Math.min(a, Double.MAX_VALUE);
        double r = StrictMath.log(a) / LN_GAMMA;
        int i = (int) Math.floor(r) + 1;
        if (i - r > 1e-7 && r - (i - 1) > 1e-7) return i;
        while (a >= boundary(i)) i++;
        while (a < boundary(i - 1)) i--;
        return i;
    }

    /** The bucket estimate with relative error ≤ α: 2γ^i / (γ + 1). */
    private static double estimate(int i) {
        return 2 * boundary(i) / (GAMMA + 1);
    }

    private View view() {
        if (view != null) return view;
        int size = negative.nonEmpty() + (zeros > 0 ? 1 : 0) + positive.nonEmpty();
        View v = new View(size);
        int k = 0;
        long cumulative = 0;
        for (int i = negative.maxIndex; negative.total > 0 && i >= negative.minIndex; i--) {
            long c = negative.get(i);
            if (c == 0) continue;
            cumulative += c;
            v.steps[k] = -boundary(i - 1);
            v.estimates[k] = -estimate(i);
            v.cumulative[k++] = cumulative;
        }
        if (zeros > 0) {
            cumulative += zeros;
            v.steps[k] = 0;
            v.estimates[k] = 0;
            v.cumulative[k++] = cumulative;
        }
        for (int i = positive.minIndex; positive.total > 0 && i <= positive.maxIndex; i++) {
            long c = positive.get(i);
            if (c == 0) continue;
            cumulative += c;
            v.steps[k] = boundary(i);
            v.estimates[k] = estimate(i);
            v.cumulative[k++] = cumulative;
        }
        view = v;
        return v;
    }

    private static final class View {
        final double[] steps;
        final double[] estimates;
        final long[] cumulative;

        View(int size) {
            steps = new double[size];
            estimates = new double[size];
            cumulative = new long[size];
        }
    }

    /**
     * Counts per bucket index of one sign, dense between the lowest and highest occupied index. At most
     * {@link #MAX_BUCKETS} indices: when the highest index grows past that, the lowest buckets fold into the lowest
     * kept one. Whatever the order of additions, a bucket then holds exactly the values of its index, and the lowest
     * kept one also every value below it.
     */
    static final class Store {
        long[] counts;
        int offset; // bucket index of counts[0]
        int minIndex;
        int maxIndex;
        long total;

        long get(int index) {
            return counts[index - offset];
        }

        void add(int index, long weight) {
            if (total == 0) {
                minIndex = maxIndex = index;
                reserve(index, index);
            } else if (index > maxIndex) {
                int floor = index - MAX_BUCKETS + 1;
                long folded = 0;
                if (minIndex < floor) {
                    for (int i = minIndex; i <= Math.min(maxIndex, floor - 1); i++) {
                        folded += counts[i - offset];
                        counts[i - offset] = 0;
                    }
                    minIndex = floor;
                }
                maxIndex = index;
                reserve(minIndex, maxIndex);
                counts[minIndex - offset] += folded;
            }
            index = Math.max(index, maxIndex - MAX_BUCKETS + 1);
            if (index < minIndex) {
                minIndex = index;
                reserve(minIndex, maxIndex);
            }
            counts[index - offset] += weight;
            total += weight;
        }

        void addAll(Store other) {
            if (other.total == 0) return;
            // Highest first: the collapse floor is final before the lower buckets arrive.
            for (int i = other.maxIndex; i >= other.minIndex; i--) {
                long c = other.counts[i - other.offset];
                if (c != 0) add(i, c);
            }
        }

        /** Makes room for indices lo..hi, with slack on both sides so that growth is amortised. */
        private void reserve(int lo, int hi) {
            if (counts != null && lo >= offset && hi < offset + counts.length) return;
            int slack = Math.max(16, (hi - lo) / 2);
            int newOffset = lo - slack;
            long[] grown = new long[hi - lo + 1 + 2 * slack];
            if (counts != null) {
                int from = Math.max(offset, newOffset);
                int to = Math.min(offset + counts.length, newOffset + grown.length);
                if (from < to) System.arraycopy(counts, from - offset, grown, from - newOffset, to - from);
            }
            counts = grown;
            offset = newOffset;
        }

        int nonEmpty() {
            int k = 0;
            for (int i = minIndex; total > 0 && i <= maxIndex; i++) if (counts[i - offset] != 0) k++;
            return k;
        }

        long largest() {
            long m = 0;
            for (int i = minIndex; total > 0 && i <= maxIndex; i++) m = Math.max(m, counts[i - offset]);
            return m;
        }

        void write(ByteArrayOutputStream out) {
            writeVarLong(out, nonEmpty());
            int previous = 0;
            boolean first = true;
            for (int i = minIndex; total > 0 && i <= maxIndex; i++) {
                long c = counts[i - offset];
                if (c == 0) continue;
                // The first index zigzag-encoded (it may be negative), then gaps, then counts.
                writeVarLong(out, first ? (((long) i << 1) ^ ((long) i >> 63)) : i - previous);
                writeVarLong(out, c);
                previous = i;
                first = false;
            }
        }

        static Store read(ByteBuffer in) {
            Store s = new Store();
            long buckets = readVarLong(in);
            int index = 0;
            for (long k = 0; k < buckets; k++) {
                long v = readVarLong(in);
                index = k == 0 ? (int) ((v >>> 1) ^ -(v & 1)) : index + (int) v;
                s.add(index, readVarLong(in));
            }
            return s;
        }
    }

    /**
     * The canonical byte form: format byte, count, then the sorted values (exact) or min, max, the zero count and both
     * stores' non-empty buckets in index order (bucketed). Equal multisets give equal bytes.
     */
    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(values != null ? 10 + 8 * (int) n : 64);
        out.write(FORMAT_V2);
        writeVarLong(out, n);
        if (values != null) {
            double[] v = sortedValues();
            for (int i = 0; i < n; i++) writeLong(out, Double.doubleToRawLongBits(v[i]));
        } else {
            writeLong(out, Double.doubleToRawLongBits(min));
            writeLong(out, Double.doubleToRawLongBits(max));
            writeVarLong(out, zeros);
            negative.write(out);
            positive.write(out);
        }
        return out.toByteArray();
    }

    /**
     * Reads {@link #toBytes}, or the DataSketches KLL form that versions before this format wrote. A KLL sketch is
     * converted once, by adding its retained items with their weights: exact when it was (up to 200 values), else the
     * new sketch inherits the KLL sketch's own rank error (±1.65% at 99% confidence) for that window's restored
     * values, plus the bucket rounding.
     */
    static QuantileSketch fromBytes(byte[] bytes) {
        QuantileSketch s = new QuantileSketch();
        if (bytes.length > 0 && bytes[0] == FORMAT_V2) {
            ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
            long count = readVarLong(in);
            if (count <= CAPACITY) {
                s.values = new double[Math.max(8, (int) count)];
                for (int i = 0; i < count; i++) s.values[i] = Double.longBitsToDouble(in.getLong());
                s.n = count;
                return s;
            }
            s.values = null;
            s.n = count;
            s.min = Double.longBitsToDouble(in.getLong());
            s.max = Double.longBitsToDouble(in.getLong());
            s.zeros = readVarLong(in);
            s.negative = Store.read(in);
            s.positive = Store.read(in);
            return s;
        }
        KllDoublesSketch kll = KllDoublesSketch.heapify(Memory.wrap(bytes));
        if (kll.isEmpty()) return s;
        DoublesSortedView view = kll.getSortedView();
        double[] items = view.getQuantiles();
        long[] cumulative = view.getCumulativeWeights();
        for (int i = 0; i < items.length; i++) s.add(items[i], cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]));
        return s;
    }

    QuantileSketch copy() {
        return fromBytes(toBytes());
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        for (int shift = 56; shift >= 0; shift -= 8) out.write((int) (v >>> shift));
    }

    private static void writeVarLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) return v;
        }
    }
}
