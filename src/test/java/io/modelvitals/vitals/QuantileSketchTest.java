package io.modelvitals.vitals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The sketch's state is a function of the multiset of values: shuffled, split at random and merged in random order,
 * it serializes to the same bytes. Its quantiles and ranks are checked against exact sorted arrays computed here.
 */
class QuantileSketchTest {
    private static final double ALPHA = QuantileSketch.RELATIVE_ACCURACY;

    /** Latency-like (log-normal, ms), normal, mixed signs with exact zeros, and a range wide enough to collapse. */
    private static double[] data(String kind, int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (kind) {
                case "latency" -> Math.exp(3 + 1.2 * r.nextGaussian());
                case "normal" -> 30 + 8 * r.nextGaussian();
                case "mixed" -> i % 10 == 0 ? 0.0 : r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3);
                case "wide" -> (r.nextBoolean() ? 1 : -1) * Math.pow(10, -150 + 300 * r.nextDouble());
                default -> throw new IllegalArgumentException(kind);
            };
        }
        return x;
    }

    private static QuantileSketch sketch(double[] values, int from, int to) {
        QuantileSketch s = new QuantileSketch();
        for (int i = from; i < to; i++) s.update(values[i]);
        return s;
    }

    private static byte[] serialized(QuantileSketch s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        QuantileSketchSerializer.INSTANCE.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void anyOrderAndAnySplitGiveTheSameBytes() throws Exception {
        for (String kind : new String[] {"latency", "normal", "mixed", "wide"}) {
            for (int n : new int[] {1, 150, 200, 201, 5_000, 50_000}) {
                double[] x = data(kind, n, n * 31L + kind.hashCode());
                byte[] reference = serialized(sketch(x, 0, n));
                Random r = new Random(n + 7L);
                for (int trial = 0; trial < 5; trial++) {
                    double[] shuffled = x.clone();
                    for (int i = n - 1; i > 0; i--) {
                        int j = r.nextInt(i + 1);
                        double t = shuffled[i];
                        shuffled[i] = shuffled[j];
                        shuffled[j] = t;
                    }
                    // Random cut points into 1..8 parts, sketched separately, then merged pairwise in random order.
                    int parts = 1 + r.nextInt(8);
                    int[] cuts = new int[parts + 1];
                    cuts[parts] = n;
                    for (int p = 1; p < parts; p++) cuts[p] = r.nextInt(n + 1);
                    Arrays.sort(cuts);
                    List<QuantileSketch> partials = new ArrayList<>();
                    for (int p = 0; p < parts; p++) partials.add(sketch(shuffled, cuts[p], cuts[p + 1]));
                    while (partials.size() > 1) {
                        QuantileSketch a = partials.remove(r.nextInt(partials.size()));
                        QuantileSketch b = partials.remove(r.nextInt(partials.size()));
                        // Half of the time through a serialization round trip, as between operators.
                        if (r.nextBoolean()) a = roundTrip(a);
                        a.merge(b);
                        partials.add(a);
                    }
                    QuantileSketch merged = partials.get(0);
                    assertEquals(n, merged.count());
                    assertArrayEquals(reference, serialized(merged), kind + " n=" + n + " trial " + trial);
                    assertEquals(n <= QuantileSketch.CAPACITY, merged.isExact());
                }
            }
        }
    }

    private static QuantileSketch roundTrip(QuantileSketch s) throws Exception {
        byte[] bytes = serialized(s);
        return QuantileSketchSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
    }

    @Test
    void quantilesAreWithinTheRelativeBoundOfExactQuantiles() {
        for (String kind : new String[] {"latency", "normal", "mixed"}) {
            for (int n : new int[] {100, 200, 201, 10_000, 200_000}) {
                double[] x = data(kind, n, n + kind.hashCode());
                QuantileSketch s = sketch(x, 0, n);
                double[] sorted = x.clone();
                Arrays.sort(sorted);
                for (int k = 0; k <= 1000; k++) {
                    double q = k / 1000.0;
                    // The inclusive quantile: the smallest value with at least q·n values at or below it.
                    double exact = sorted[Math.max(0, (int) Math.ceil(q * n) - 1)];
                    double estimate = s.quantile(q);
                    if (n <= 200) assertEquals(exact, estimate, 0.0, kind + " q=" + q);
                    else
                        assertTrue(
                                Math.abs(estimate - exact) <= ALPHA * Math.abs(exact) * (1 + 1e-9),
                                kind + " n=" + n + " q=" + q + ": " + estimate + " vs " + exact);
                }
            }
        }
    }

    @Test
    void ranksAreExactAtRetainedPointsAndWithinTheBoundElsewhere() {
        for (String kind : new String[] {"latency", "normal", "mixed"}) {
            int n = 100_000;
            double[] x = data(kind, n, 99 + kind.hashCode());
            QuantileSketch s = sketch(x, 0, n);
            double[] sorted = x.clone();
            Arrays.sort(sorted);
            double[] retained = s.retained();
            double[] ranks = s.ranks(retained);
            for (int i = 0; i < retained.length; i++) {
                assertEquals(trueRank(sorted, retained[i]), ranks[i], 0.0, kind + " at " + retained[i]);
            }
            double bound = s.rankErrorBound();
            assertTrue(bound > 0 && bound < 0.02, kind + ": " + bound);
            Random r = new Random(5);
            for (int k = 0; k < 2000; k++) {
                double p = sorted[r.nextInt(n)] * (1 + 0.01 * r.nextGaussian());
                assertTrue(Math.abs(s.rank(p) - trueRank(sorted, p)) <= bound, kind + " at " + p);
            }
        }
        QuantileSketch small = sketch(new double[] {3, 1, 2, 2}, 0, 4);
        assertEquals(0, small.rankErrorBound());
        assertArrayEquals(new double[] {1, 2, 2, 3}, small.retained());
        assertArrayEquals(new double[] {0, 0.25, 0.75, 1}, small.ranks(new double[] {0, 1, 2.5, 9}));
        assertEquals(1, sketch(new double[] {1, 2}, 0, 2).quantile(0.5));
    }

    /** Share of sorted values ≤ x. */
    private static double trueRank(double[] sorted, double x) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        return (double) lo / sorted.length;
    }

    @Test
    void bucketsAreBoundedAndCollapseTheLowest() {
        double[] x = data("wide", 100_000, 3);
        QuantileSketch s = sketch(x, 0, x.length);
        // Magnitudes span 10^300: each sign keeps 4096 buckets, the largest magnitudes exactly.
        assertTrue(s.retained().length <= 2 * QuantileSketch.MAX_BUCKETS + 1);
        double[] sorted = x.clone();
        Arrays.sort(sorted);
        double top = s.quantile(0.999), exact = sorted[(int) Math.ceil(0.999 * x.length) - 1];
        assertTrue(Math.abs(top - exact) <= ALPHA * exact * (1 + 1e-9), top + " vs " + exact);
        assertEquals(sorted[0], s.quantile(0), 0.0, "the minimum is kept exactly");
        assertEquals(sorted[x.length - 1], s.quantile(1), 0.0, "the maximum is kept exactly");
    }

    @Test
    void nanIsNoValueAndEmptyIsNaN() {
        QuantileSketch s = new QuantileSketch();
        s.update(Double.NaN);
        assertEquals(0, s.count());
        assertTrue(Double.isNaN(s.quantile(0.5)));
        assertTrue(Double.isNaN(s.rank(1)));
        assertEquals(0, s.retained().length);
    }

    @Test
    void kllBytesOfEarlierVersionsAreConverted() {
        // Up to 200 values the KLL sketch was exact: the conversion is exact too.
        double[] few = data("latency", 180, 1);
        KllDoublesSketch kll = KllDoublesSketch.newHeapInstance(200);
        for (double v : few) kll.update(v);
        QuantileSketch converted = QuantileSketch.fromBytes(kll.toByteArray());
        assertArrayEquals(sketch(few, 0, few.length).toBytes(), converted.toBytes());

        // Beyond, the KLL sketch's retained items carry weights; the converted sketch keeps their count and its
        // quantiles stay within the KLL rank error (±1.65% at 99% confidence, checked with margin at 3%) plus α.
        double[] many = data("normal", 100_000, 2);
        kll = KllDoublesSketch.newHeapInstance(200);
        for (double v : many) kll.update(v);
        converted = QuantileSketch.fromBytes(kll.toByteArray());
        assertEquals(many.length, converted.count());
        assertFalse(converted.isExact());
        double[] sorted = many.clone();
        Arrays.sort(sorted);
        for (double q = 0.05; q < 0.96; q += 0.05) {
            double lo = sorted[(int) ((q - 0.03) * many.length)] * (1 - ALPHA);
            double hi = sorted[(int) ((q + 0.03) * many.length)] * (1 + ALPHA);
            double v = converted.quantile(q);
            assertTrue(v >= lo && v <= hi, q + ": " + v);
        }
        assertEquals(
                0,
                QuantileSketch.fromBytes(KllDoublesSketch.newHeapInstance(200).toByteArray())
                        .count());
    }
}
