package io.modelvitals.output;

import io.modelvitals.vitals.QuantileSketch;
import java.util.Arrays;

/**
 * A one-dimensional distribution as the drift statistics see it: a CDF, quantiles, a count, and the
 * points where its CDF changes. Backed by a window's sketch, by a sample, or by a binned baseline.
 */
public interface Distribution {
    long n();

    /** P(X ≤ x). */
    double cdf(double x);

    double quantile(double q);

    /** Sorted points where the CDF steps or bends; the statistics evaluate CDFs there. */
    double[] support();

    /**
     * The most {@link #cdf} can be off, as a share: 0 for exact CDFs, else the sketch's {@link
     * QuantileSketch#rankErrorBound()} (a hard bound, the largest share of values in one bucket, not a confidence level).
     */
    default double rankError() {
        return 0;
    }

    /**
     * The sample size the drift tests use: n for an exact CDF; for a sketch, 1 / (1/n + 4ε²) with ε its
     * {@link #rankError}, so that the sketch's rank error counts as one more sampling error of a sample of
     * 1 / (4ε²) values: a rank error of ε is then one standard deviation of an empirical CDF at its median.
     * Conservative, since ε is a hard bound on the error, not its spread. Two bucketed sketches need none of this
     * (see {@link Drift#ksPValue(double, Distribution, Distribution)}).
     */
    default double effectiveN() {
        double e = rankError();
        return e == 0 ? n() : 1 / (1.0 / n() + 4 * e * e);
    }

    /**
     * Whether this is a sketch past its exact range, whose CDF is exact at the boundaries of the fixed bucket grid
     * shared by every {@link QuantileSketch} and steps nowhere else.
     */
    default boolean bucketed() {
        return false;
    }

    /**
     * Whether this is a binned baseline: its CDF is known only at its {@link #support()} (the bin edges); in between
     * it is a model (uniform within bins), whose bias does not shrink with n, so tests evaluate it at the edges only.
     */
    default boolean binned() {
        return false;
    }

    /** The CDF at each of the ascending {@code points}. */
    default double[] cdf(double[] points) {
        double[] out = new double[points.length];
        for (int i = 0; i < points.length; i++) out[i] = cdf(points[i]);
        return out;
    }

    static Distribution of(QuantileSketch sketch) {
        return new Distribution() {
            public long n() {
                return sketch.count();
            }

            public double cdf(double x) {
                return sketch.rank(x);
            }

            public double[] cdf(double[] points) {
                return sketch.ranks(points);
            }

            public double quantile(double q) {
                return sketch.quantile(q);
            }

            public double[] support() {
                return distinct(sketch.retained());
            }

            public double rankError() {
                return sketch.rankErrorBound();
            }

            public boolean bucketed() {
                return sketch.count() > 0 && !sketch.isExact();
            }
        };
    }

    /** An empirical distribution: exact CDF and quantiles (inclusive, like the sketch's). */
    static Distribution ofSample(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Distribution() {
            public long n() {
                return sorted.length;
            }

            public double cdf(double x) {
                int lo = 0, hi = sorted.length; // first index with sorted[i] > x
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (sorted[mid] <= x) lo = mid + 1;
                    else hi = mid;
                }
                return (double) lo / sorted.length;
            }

            public double[] cdf(double[] points) {
                double[] out = new double[points.length];
                int below = 0; // values ≤ the current point
                for (int i = 0; i < points.length; i++) {
                    while (below < sorted.length && sorted[below] <= points[i]) below++;
                    out[i] = (double) below / sorted.length;
                }
                return out;
            }

            public double quantile(double q) {
                int i = (int) Math.ceil(q * sorted.length) - 1;
                return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
            }

            public double[] support() {
                return distinct(sorted);
            }
        };
    }

    /**
     * A binned baseline: counts between consecutive edges, spread uniformly within each bin (so the
     * CDF is piecewise linear). Values outside the edges are taken to fall in the outer bins. Only its values at
     * the edges are exact: the drift statistics evaluate it there alone ({@link #binned()}).
     */
    static Distribution ofBins(double[] edges, long[] counts) {
        long total = Arrays.stream(counts).sum();
        double[] cumulative = new double[edges.length];
        for (int i = 1; i < edges.length; i++) cumulative[i] = cumulative[i - 1] + (double) counts[i - 1] / total;
        return new Distribution() {
            public long n() {
                return total;
            }

            public double cdf(double x) {
                if (x < edges[0]) return 0.0;
                if (x >= edges[edges.length - 1]) return 1.0;
                int i = 0;
                while (x >= edges[i + 1]) i++;
                return cumulative[i] + (cumulative[i + 1] - cumulative[i]) * (x - edges[i]) / (edges[i + 1] - edges[i]);
            }

            public double quantile(double q) {
                int i = 0;
                while (i < edges.length - 2 && cumulative[i + 1] < q) i++;
                double width = cumulative[i + 1] - cumulative[i];
                return width == 0 ? edges[i] : edges[i] + (q - cumulative[i]) / width * (edges[i + 1] - edges[i]);
            }

            public double[] support() {
                return edges.clone();
            }

            public boolean binned() {
                return true;
            }
        };
    }

    /** The distinct values of a sorted array, in order. */
    static double[] distinct(double[] sorted) {
        double[] out = new double[sorted.length];
        int n = 0;
        for (double x : sorted) if (n == 0 || Double.compare(x, out[n - 1]) != 0) out[n++] = x;
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
