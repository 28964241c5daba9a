package io.modelvitals.vitals;

/**
 * Always-valid inference for a difference θ whose estimate is asymptotically normal with a known (estimated) variance V
 * at every look: the mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis and Walsh (2017, 2022,
 * "Always Valid Inference: Continuous Monitoring of A/B Tests", Operations Research 70(3)) with a normal mixture
 * θ ~ N(θ0, τ²) over the alternative. Its likelihood ratio is
 *
 * <pre>Λ = √(V / (V + τ²)) · exp(τ²(θ̂ − θ0)² / (2V(V + τ²)))</pre>
 *
 * a nonnegative martingale under θ0, so by Ville's inequality P(Λ ever ≥ 1/α) ≤ α: the p-value min(1, 1/Λ), kept as a
 * running minimum over the looks, may be read at every window without inflating the false-positive rate. Inverting it
 * gives the confidence sequence θ̂ ± √(V(V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V))), the normal-mixture boundary of
 * Howard, Ramdas, McAuliffe and Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", Annals
 * of Statistics 49(2)); with V estimated from the data it is the asymptotic confidence sequence of Waudby-Smith et al.
 * (2023, "Time-uniform central limit theory and asymptotic confidence sequences").
 *
 * <p>τ is the effect size the test is tuned to: the interval at a given V is narrowest when τ² ≈ 8.2·V (for α = 0.05),
 * which is about when an effect of size τ is first detected, so τ = "the change worth finding fast".
 */
public final class AlwaysValid {
    private AlwaysValid() {}

    /** ln Λ of the estimate against θ0 = 0. */
    public static double logLikelihoodRatio(double estimate, double variance, double tau2) {
        return 0.5 * Math.log(variance / (variance + tau2))
                + tau2 * estimate * estimate / (2 * variance * (variance + tau2));
    }

    /** The mSPRT p-value of this look alone, min(1, 1/Λ); the always-valid p is its running minimum over the looks. */
    public static double pValue(double estimate, double variance, double tau2) {
        return Math.min(1.0, Math.exp(-logLikelihoodRatio(estimate, variance, tau2)));
    }

    /** The half-width of the (1 − α) confidence sequence at this look. */
    public static double halfWidth(double variance, double tau2, double alpha) {
        return Math.sqrt(variance
                * (variance + tau2)
                / tau2
                * (2 * Math.log(1 / alpha) + Math.log((variance + tau2) / variance)));
    }
}
