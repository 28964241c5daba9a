package io.modelvitals.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * Always-valid by simulation, smaller than the benchmark of docs/business-kpis.md: 300 seeded A/A experiments of 100
 * looks each through the cumulative comparison's own statistics. The bound is the 0.999 quantile of Bin(300, α): a
 * valid test (share ≤ 0.05) fails it with probability below 0.001, and one whose share is 0.17 or more passes it with
 * probability below 0.001 (normal approximation: 51 ± 6.5 against 28): neither outcome is luck.
 */
class SequentialSimulationTest {
    @Test
    void theCumulativeTestHoldsItsFalsePositiveRateOverAllLooksAndFindsTheIncident() {
        SequentialSimulation.Setup s = new SequentialSimulation.Setup();
        s.seed = 7;
        s.experiments = 300;
        s.looks = 100;
        s.predictionsPerWindow = 2_000; // the challenger: about 100 predictions, 500 impressions a window
        s.maxImpressions = 9; // clustered plays: the per-impression variance is about half the true one
        s.incidentRuns = 30;
        SequentialSimulation.Result r = SequentialSimulation.run(s);

        // P(Bin(300, 0.05) > 28) < 0.001: more false positives than that would reject "share ≤ α".
        int bound = new BinomialDistribution(300, 0.05).inverseCumulativeProbability(0.999);
        assertEquals(28, bound);
        assertTrue(r.aaDelta <= bound, "delta method: " + r.aaDelta + " of 300 A/A experiments");
        // The per-impression binomial test ignores the correlation of one prediction's plays: far above α.
        assertTrue(r.aaNaive > bound, "binomial per impression: " + r.aaNaive + " of 300");
        // The per-window test repeated every window: nearly every experiment sees an alarm somewhere.
        assertTrue(r.aaPerWindowExperiments > 250, "per-window test: " + r.aaPerWindowExperiments);

        // The incident: −40% relative at 5% traffic after 20 clean looks, found in every run.
        assertEquals(0, Arrays.stream(r.delays).filter(d -> d == 0).count(), Arrays.toString(r.delays));
        int[] sorted = Arrays.stream(r.delays).sorted().toArray();
        assertTrue(sorted[sorted.length / 2] <= 10, "median delay " + Arrays.toString(sorted));
    }
}
