package io.modelvitals.alerting;

import io.modelvitals.config.DetectorSpec;
import io.modelvitals.functions.AlertLifecycleFunction.AlertState;

/**
 * The change detectors of {@code detector:} rules, one window at a time on the alert's state (docs/alerts.md; false-alarm
 * rates and delays measured in docs/detection.md). Each learns its reference over a warm-up of evaluated windows and
 * then holds it: re-learning from "quiet" windows only (as this class did before) keeps the tails out of the estimate,
 * so the deviation shrinks and the detector fires more and more often on noise (σ̂ 1 → 0.58 after 1,000 windows).
 * Holding the warm-up estimate keeps the in-control run length where it was designed; its estimation error is paid
 * for by a higher default threshold (Jones, Champ and Rigdon 2004). The state restarts when the detector changes
 * (DetectorSpec.identity, so also once after upgrading from states without one); a new model version is a new alert
 * key and starts afresh.
 */
public final class ChangeDetectors {
    private ChangeDetectors() {}

    /** Whether the detector alarms on this window: value x, sample count n (trials, for bernoulli_cusum). */
    public static boolean alarm(DetectorSpec d, AlertState st, double x, long n) {
        String identity = d.identity();
        if (!identity.equals(st.detectorIdentity)) {
            restart(st);
            st.detectorIdentity = identity;
        }
        String type = d.type == null ? DetectorSpec.CUSUM : d.type;
        // A value that is not a number teaches nothing; a CUSUM alarm stands, Page-Hinkley's is one window long.
        if (!Double.isFinite(x)) return !type.equals(DetectorSpec.PAGE_HINKLEY) && aboveThreshold(d, st);
        switch (type) {
            case DetectorSpec.BERNOULLI_CUSUM:
                return bernoulliCusum(d, st, x, n);
            case DetectorSpec.PAGE_HINKLEY:
                return pageHinkley(d, st, x);
            default:
                return cusum(d, st, x);
        }
    }

    private static boolean aboveThreshold(DetectorSpec d, AlertState st) {
        return st.cusumHigh > d.h() || st.cusumLow > d.h();
    }

    /** Forgets everything learned: the next window starts a new warm-up. */
    static void restart(AlertState st) {
        st.detectorN = 0;
        st.detectorMean = 0;
        st.detectorM2 = 0;
        st.detectorSd = 0;
        st.cusumHigh = 0;
        st.cusumLow = 0;
        st.warmupSuccesses = 0;
        st.warmupTrials = 0;
        st.warmupSquares = 0;
        st.p0 = 0;
        st.dispersion = 0;
        st.phMinUp = 0;
        st.phMaxDown = 0;
    }

    /**
     * Two-sided tabular CUSUM (Page 1954; Montgomery, Introduction to Statistical Quality Control, 9.1) on z = (x − μ̂)
     * / σ̂ with μ̂, σ̂ from the warm-up, held: S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k), an alarm while either
     * exceeds h. The sums are capped at 2h, so an alarm ends within about h/k windows of the series coming back; a
     * level that has changed for good keeps it firing until the detector is reset.
     */
    static boolean cusum(DetectorSpec d, AlertState st, double x) {
        if (warmingUp(d, st, x)) return false;
        double z = (x - st.detectorMean) / scale(st);
        double h = d.h();
        st.cusumHigh = Math.min(2 * h, Math.max(0, st.cusumHigh + z - d.k()));
        st.cusumLow = Math.min(2 * h, Math.max(0, st.cusumLow - z - d.k()));
        return st.cusumHigh > h || st.cusumLow > h;
    }

    /**
     * Bernoulli (binomial) CUSUM on the window's x = value·n successes in n trials (Reynolds and Stoumbos 1999; Steiner,
     * Cook, Farewell and Treasure 2000 for the odds-ratio form). p0 = Σx / Σn over the warm-up; the alternatives are
     * p1 = R·p0 / (1 − p0 + R·p0) for odds ratios R and 1/R (or p0 ± shift). Each window adds its log-likelihood ratio
     * x·ln(p1/p0) + (n − x)·ln((1 − p1)/(1 − p0)), which weighs a window by its n: a window of 4,000 labels counts
     * for more than one of 300. The ratio is divided by the warm-up's Pearson dispersion χ²/(m − 1) when above 1 (the
     * quasi-likelihood of McCullagh and Nelder, ch. 9): windows that vary more than binomially (a drifting mix of
     * traffic) would otherwise read as evidence. An alarm while a sum exceeds h.
     */
    static boolean bernoulliCusum(DetectorSpec d, AlertState st, double p, long n) {
        double h = d.h();
        if (n <= 0 || p < 0 || p > 1) return aboveThreshold(d, st); // no trials (or not a proportion): nothing learned
        double x = p * n;
        if (st.detectorN < d.warmup()) {
            st.detectorN++;
            st.warmupSuccesses += x;
            st.warmupTrials += n;
            st.warmupSquares += x * x / n;
            if (st.detectorN == d.warmup()) {
                // Half a success either way keeps a flat warm-up (accuracy exactly 1) from a p0 of 1, where any
                // error would be infinitely unlikely.
                double eps = 0.5 / st.warmupTrials;
                double pHat = st.warmupSuccesses / st.warmupTrials;
                st.p0 = Math.min(1 - eps, Math.max(eps, pHat));
                // Pearson's χ² = Σ(x − n·p̂)²/(n·p̂·q̂) = (Σx²/n − p̂·Σx)/(p̂·q̂) with the unclamped p̂: with the
                // clamped p0 a flat warm-up (Σx = Σn) gave χ²/(m − 1) ≈ mean n, dividing every later window's
                // evidence by about n (a drop 1.0 → 0.95 at n = 1,000 took ~460 windows instead of 1). A flat
                // warm-up (p̂ 0 or 1) shows no extra-binomial variation at all: φ = 1.
                double phi = 1;
                if (pHat > 0 && pHat < 1) {
                    double chi2 = (st.warmupSquares - pHat * st.warmupSuccesses) / (pHat * (1 - pHat));
                    phi = chi2 / (st.detectorN - 1);
                }
                st.dispersion = Math.max(1, Double.isFinite(phi) ? phi : 1);
            }
            return false;
        }
        double p0 = st.p0;
        double up = alternative(d, p0, true);
        double down = alternative(d, p0, false);
        st.cusumHigh = Math.min(2 * h, Math.max(0, st.cusumHigh + llr(x, n, p0, up) / st.dispersion));
        st.cusumLow = Math.min(2 * h, Math.max(0, st.cusumLow + llr(x, n, p0, down) / st.dispersion));
        return st.cusumHigh > h || st.cusumLow > h;
    }

    /** The proportion to detect above (up) or below p0. */
    static double alternative(DetectorSpec d, double p0, boolean up) {
        if (d.shift != null) {
            double p1 = up ? p0 + d.shift : p0 - d.shift;
            return Math.min(1 - 1e-9, Math.max(1e-9, p1));
        }
        double r = up ? d.oddsRatio() : 1 / d.oddsRatio();
        return r * p0 / (1 - p0 + r * p0);
    }

    /** Log-likelihood ratio of x successes in n trials, p1 against p0. */
    static double llr(double x, double n, double p0, double p1) {
        return x * Math.log(p1 / p0) + (n - x) * Math.log((1 - p1) / (1 - p0));
    }

    /**
     * Page-Hinkley (Page 1954; Hinkley 1971; the form of river's and scikit-multiflow's PageHinkley, two-sided) on z =
     * (x − x̄) / σ̂, where x̄ is the running mean since the (re)start and σ̂ the warm-up's deviation, held, so delta and
     * lambda are in standard deviations whatever the vital's unit: U = α·U + z − δ, L = α·L + z + δ; an alarm when U −
     * min U or max L − L exceeds λ. As in those libraries it restarts after an alarm (a new warm-up on the new level):
     * the alert fires once per change and resolves with the next window (keep it up with keep_firing_for).
     */
    static boolean pageHinkley(DetectorSpec d, AlertState st, double x) {
        if (warmingUp(d, st, x)) return false;
        welford(st, x); // the running mean goes on
        double z = (x - st.detectorMean) / scale(st);
        double a = d.alpha();
        st.cusumHigh = a * st.cusumHigh + z - d.delta();
        st.cusumLow = a * st.cusumLow + z + d.delta();
        st.phMinUp = Math.min(st.phMinUp, st.cusumHigh);
        st.phMaxDown = Math.max(st.phMaxDown, st.cusumLow);
        boolean alarm = st.cusumHigh - st.phMinUp > d.lambda() || st.phMaxDown - st.cusumLow > d.lambda();
        if (alarm) {
            String identity = st.detectorIdentity;
            restart(st);
            st.detectorIdentity = identity;
        }
        return alarm;
    }

    /** Learns mean and deviation over the warm-up; true while it lasts (the detector does not alarm then). */
    private static boolean warmingUp(DetectorSpec d, AlertState st, double x) {
        if (st.detectorN >= d.warmup()) return false;
        welford(st, x);
        if (st.detectorN == d.warmup()) st.detectorSd = Math.sqrt(st.detectorM2 / (st.detectorN - 1));
        return true;
    }

    /**
     * The held deviation, at least 0.1% of the level: a flat warm-up (accuracy exactly 1.0 throughout) has no
     * deviation to standardize by, and one tiny dip must not count as a million of them.
     */
    private static double scale(AlertState st) {
        return Math.max(st.detectorSd, 1e-3 * Math.max(Math.abs(st.detectorMean), 1e-3));
    }

    private static void welford(AlertState st, double x) {
        st.detectorN++;
        double delta = x - st.detectorMean;
        st.detectorMean += delta / st.detectorN;
        st.detectorM2 += delta * (x - st.detectorMean);
    }

    /**
     * Siegmund's (1985) approximation of the one-sided CUSUM's average run length for a shift of {@code shift} standard
     * deviations: ARL = (e^(−2Δb) + 2Δb − 1) / (2Δ²), Δ = shift − k, b = h + 1.166 (Montgomery, eq. 9.19); Δ = 0 gives
     * b². Known parameters: the warm-up's estimation error shortens the in-control run length (see docs/detection.md).
     */
    public static double siegmundOneSidedArl(double k, double h, double shift) {
        double delta = shift - k;
        double b = h + 1.166;
        if (Math.abs(delta) < 1e-12) return b * b;
        return (Math.exp(-2 * delta * b) + 2 * delta * b - 1) / (2 * delta * delta);
    }

    /** Two-sided: 1/ARL = 1/ARL⁺ + 1/ARL⁻ (Montgomery, eq. 9.20), ARL⁺ for the shift, ARL⁻ for its mirror. */
    public static double siegmundTwoSidedArl(double k, double h, double shift) {
        return 1 / (1 / siegmundOneSidedArl(k, h, shift) + 1 / siegmundOneSidedArl(k, h, -shift));
    }
}
