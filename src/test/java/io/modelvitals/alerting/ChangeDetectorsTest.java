package io.modelvitals.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelvitals.config.DetectorSpec;
import io.modelvitals.functions.AlertLifecycleFunction.AlertState;
import org.junit.jupiter.api.Test;

/** The detectors window by window, against sums worked out by hand and published ARL values. */
class ChangeDetectorsTest {

    private static DetectorSpec spec(String type) {
        DetectorSpec d = new DetectorSpec();
        d.type = type;
        return d;
    }

    /**
     * Warm-up 1, 2, 3: mean 2, sample sd 1, held. k = 0.5, h = 5. Then z = x − 2:
     * x = 4 → S⁺ = 2 − 0.5 = 1.5; 4 → 3.0; 2 → 2.5; 5 → 5.0 (not above 5); 3 → 5.5 → alarm. S⁻ stays 0.
     */
    @Test
    void cusumSumsByHandWithTheWarmUpHeld() {
        DetectorSpec d = spec(DetectorSpec.CUSUM);
        d.k = 0.5;
        d.h = 5.0;
        d.warmup = 3;
        AlertState st = new AlertState();
        for (double x : new double[] {1, 2, 3}) assertFalse(ChangeDetectors.alarm(d, st, x, 100));
        double[] xs = {4, 4, 2, 5, 3};
        double[] sums = {1.5, 3.0, 2.5, 5.0, 5.5};
        for (int i = 0; i < xs.length; i++) {
            boolean alarm = ChangeDetectors.alarm(d, st, xs[i], 100);
            assertEquals(sums[i], st.cusumHigh, 1e-12, "S⁺ after " + xs[i]);
            assertEquals(0, st.cusumLow, 0);
            assertEquals(i == xs.length - 1, alarm);
            // The reference stays what the warm-up learned: the old code re-learned from quiet windows, and shrank σ.
            assertEquals(2, st.detectorMean, 1e-12);
            assertEquals(1, st.detectorSd, 1e-12);
        }
    }

    @Test
    void cusumHoldsItsDeviationOnALongCleanSeries() {
        // The regression of issue 17: re-learning from windows with both sums at 0 took σ̂ from 1 to 0.58.
        DetectorSpec d = spec(DetectorSpec.CUSUM);
        AlertState st = new AlertState();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(17);
        double learned = Double.NaN;
        for (int i = 0; i < 2000; i++) {
            ChangeDetectors.alarm(d, st, new java.util.Random(rng.nextLong()).nextGaussian(), 100);
            if (i == DetectorSpec.DEFAULT_WARMUP - 1) learned = st.detectorSd;
        }
        assertEquals(DetectorSpec.DEFAULT_WARMUP, st.detectorN);
        assertEquals(learned, st.detectorSd, 0);
    }

    @Test
    void aChangedDetectorStartsANewWarmUp() {
        DetectorSpec d = spec(DetectorSpec.CUSUM);
        d.warmup = 3;
        AlertState st = new AlertState();
        for (double x : new double[] {1, 2, 3, 9}) ChangeDetectors.alarm(d, st, x, 100);
        assertTrue(st.cusumHigh > 0);
        DetectorSpec changed = spec(DetectorSpec.CUSUM);
        changed.warmup = 3;
        changed.h = 6.0;
        assertFalse(ChangeDetectors.alarm(changed, st, 100, 100), "warming up again");
        assertEquals(1, st.detectorN);
        assertEquals(0, st.cusumHigh, 0);
        assertEquals(changed.identity(), st.detectorIdentity);
    }

    /**
     * Warm-up 88/100 and 87/100: p0 = 175/200 = 0.875; Pearson χ² = (0.5² + 0.5²)/(100·0.875·0.125) = 0.0457 over 1
     * degree of freedom, so no overdispersion (1). Odds ratio 1.5: p1↓ = (0.875/1.5)/(0.125 + 0.875/1.5) = 0.823529…,
     * p1↑ = 1.3125/1.4375 = 0.913043…. A window of 80/100 adds 80·ln(p1↓/p0) + 20·ln((1 − p1↓)/(1 − p0)) = 2.046840 to
     * S⁻ and 80·ln(p1↑/p0) + 20·ln((1 − p1↑)/(1 − p0)) = −3.853341 to S⁺ (which stays 0); values by Python's math.log.
     */
    @Test
    void bernoulliCusumLogLikelihoodRatiosByHand() {
        DetectorSpec d = spec(DetectorSpec.BERNOULLI_CUSUM);
        d.warmup = 2;
        d.h = 3.0;
        AlertState st = new AlertState();
        assertFalse(ChangeDetectors.alarm(d, st, 0.88, 100));
        assertFalse(ChangeDetectors.alarm(d, st, 0.87, 100));
        assertEquals(0.875, st.p0, 1e-12);
        assertEquals(1, st.dispersion, 0);
        assertEquals(0.8235294117647057, ChangeDetectors.alternative(d, 0.875, false), 1e-12);
        assertEquals(0.9130434782608695, ChangeDetectors.alternative(d, 0.875, true), 1e-12);
        assertFalse(ChangeDetectors.alarm(d, st, 0.80, 100));
        assertEquals(2.0468399805198096, st.cusumLow, 1e-9);
        assertEquals(0, st.cusumHigh, 0);
        assertTrue(ChangeDetectors.alarm(d, st, 0.80, 100), "2·2.04684 = 4.09368 > 3");
        assertEquals(2 * 2.0468399805198096, st.cusumLow, 1e-9);
    }

    /** Warm-up 90/100 and 85/100: χ² = (2.5² + 2.5²)/10.9375 = 1.142857 on 1 df: the ratios are divided by it. */
    @Test
    void bernoulliCusumDiscountsAnOverdispersedWarmUp() {
        DetectorSpec d = spec(DetectorSpec.BERNOULLI_CUSUM);
        d.warmup = 2;
        AlertState st = new AlertState();
        ChangeDetectors.alarm(d, st, 0.90, 100);
        ChangeDetectors.alarm(d, st, 0.85, 100);
        assertEquals(1.1428571428571428, st.dispersion, 1e-12);
        ChangeDetectors.alarm(d, st, 0.80, 100);
        assertEquals(1.7909849829548334, st.cusumLow, 1e-9);
    }

    /**
     * A flat warm-up (accuracy exactly 1: 30 windows of 1,000/1,000) shows no extra-binomial variation: φ = 1 (the
     * clamped p0 = 1 − 0.5/30,000 used to give χ²/29 = 1,034.5 and ~460 windows to the alarm). p0 = 0.99998333…, p1↓ =
     * (p0/1.5)/(1 − p0 + p0/1.5) = 0.99997500…; a window of 950/1,000 adds 950·ln(p1↓/p0) + 50·ln((1 − p1↓)/(1 − p0))
     * = 20.2649 (by Python's math.log) > h = 9: an alarm at once, S⁻ capped at 2h = 18.
     */
    @Test
    void bernoulliCusumAlarmsAtOnceAfterAFlatWarmUp() {
        DetectorSpec d = spec(DetectorSpec.BERNOULLI_CUSUM);
        AlertState st = new AlertState();
        for (int i = 0; i < 30; i++) assertFalse(ChangeDetectors.alarm(d, st, 1.0, 1000));
        assertEquals(1, st.dispersion, 0);
        assertEquals(1 - 0.5 / 30000, st.p0, 1e-15);
        assertTrue(ChangeDetectors.alarm(d, st, 0.95, 1000), "a drop 1.0 → 0.95 alarms on its first window");
        assertEquals(18, st.cusumLow, 1e-9);
    }

    /** The same for a flat warm-up at 0 (label coverage 0): φ = 1, and a rise to 5% alarms at once. */
    @Test
    void bernoulliCusumAlarmsAtOnceAfterAFlatZeroWarmUp() {
        DetectorSpec d = spec(DetectorSpec.BERNOULLI_CUSUM);
        AlertState st = new AlertState();
        for (int i = 0; i < 30; i++) assertFalse(ChangeDetectors.alarm(d, st, 0.0, 1000));
        assertEquals(1, st.dispersion, 0);
        assertTrue(ChangeDetectors.alarm(d, st, 0.05, 1000));
    }

    @Test
    void bernoulliCusumWeighsAWindowByItsTrials() {
        // The same 80% in 1,000 trials instead of 100 is ten times the evidence (the ratio is linear in x and n).
        DetectorSpec d = spec(DetectorSpec.BERNOULLI_CUSUM);
        d.warmup = 2;
        AlertState st = new AlertState();
        ChangeDetectors.alarm(d, st, 0.88, 100);
        ChangeDetectors.alarm(d, st, 0.87, 100);
        ChangeDetectors.alarm(d, st, 0.80, 1000);
        assertEquals(Math.min(2 * d.h(), 20.468399805198096), st.cusumLow, 1e-9);
    }

    /**
     * Warm-up 1, 2, 3 (mean 2, σ̂ = 1, held); δ = 0.5, λ = 3, α = 1. Then the running mean goes on: x = 5 → x̄ = 11/4 =
     * 2.75, z = 2.25, U = 2.25 − 0.5 = 1.75 (min U = 0), L = 2.25 + 0.5 = 2.75 (max L = 2.75); x = 5 → x̄ = 16/5 = 3.2,
     * z = 1.8, U = 1.75 + 1.3 = 3.05 > λ → alarm, and the detector restarts.
     */
    @Test
    void pageHinkleySumsByHand() {
        DetectorSpec d = spec(DetectorSpec.PAGE_HINKLEY);
        d.warmup = 3;
        d.lambda = 3.0;
        AlertState st = new AlertState();
        for (double x : new double[] {1, 2, 3}) assertFalse(ChangeDetectors.alarm(d, st, x, 100));
        assertFalse(ChangeDetectors.alarm(d, st, 5, 100));
        assertEquals(2.75, st.detectorMean, 1e-12);
        assertEquals(1.75, st.cusumHigh, 1e-12);
        assertEquals(2.75, st.cusumLow, 1e-12);
        assertEquals(2.75, st.phMaxDown, 1e-12);
        assertTrue(ChangeDetectors.alarm(d, st, 5, 100), "U − min U = 3.05 > 3");
        assertEquals(0, st.detectorN, "restarted after the alarm");
        assertFalse(ChangeDetectors.alarm(d, st, 5, 100), "warming up on the new level");
    }

    @Test
    void pageHinkleyDownwardsByHand() {
        // Mirror image: 3, 2, 1 then −1, −1: L = −2.25 + 0.5 = −1.75 (max L = 0), then −1.75 − 1.3 = −3.05 → alarm.
        DetectorSpec d = spec(DetectorSpec.PAGE_HINKLEY);
        d.warmup = 3;
        d.lambda = 3.0;
        AlertState st = new AlertState();
        for (double x : new double[] {3, 2, 1}) ChangeDetectors.alarm(d, st, x, 100);
        assertFalse(ChangeDetectors.alarm(d, st, -1, 100));
        assertEquals(-1.75, st.cusumLow, 1e-12);
        assertTrue(ChangeDetectors.alarm(d, st, -1, 100));
    }

    /**
     * Siegmund's approximation against Montgomery, Introduction to Statistical Quality Control, section 9.1 (the ARL of the tabular CUSUM):
     * the worked example with k = 1/2, h = 5 gives ARL⁺₀ = ARL⁻₀ = 938.2 and a two-sided ARL₀ of 469.1; Table 9.3
     * (exact values) lists 465 in control and 10.4 for a 1σ shift at h = 5, and 168 in control at h = 4.
     */
    @Test
    void siegmundApproximationAgainstMontgomery() {
        assertEquals(938.2, ChangeDetectors.siegmundOneSidedArl(0.5, 5, 0), 0.05);
        assertEquals(469.1, ChangeDetectors.siegmundTwoSidedArl(0.5, 5, 0), 0.05);
        assertEquals(465, ChangeDetectors.siegmundTwoSidedArl(0.5, 5, 0), 465 * 0.01);
        assertEquals(10.4, ChangeDetectors.siegmundTwoSidedArl(0.5, 5, 1), 10.4 * 0.01);
        assertEquals(168, ChangeDetectors.siegmundTwoSidedArl(0.5, 4, 0), 168 * 0.01);
    }
}
