package io.modelvitals.alerting;

import io.modelvitals.events.RuleCheck;
import io.modelvitals.pane.SegmentSlicer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * For per-segment rules with {@code fdr: q}: holds a window's checks of all segments of one rule, model
 * and version until the watermark passes the window's end, then keeps as breached only those that the
 * Benjamini-Hochberg procedure accepts at false discovery rate q (on each check's one-sided p-value).
 * With 50 segments at p &lt; 0.05 each, about 2.5 would breach by chance in every window; BH bounds the
 * expected share of false breaches among those reported instead. Other checks pass straight through.
 */
public class FalseDiscoveryControl extends KeyedProcessFunction<String, RuleCheck, RuleCheck> {
    private transient ListState<RuleCheck> held;

    @Override
    public void open(OpenContext openContext) {
        held = getRuntimeContext().getListState(new ListStateDescriptor<>("fdr-held-checks", RuleCheck.class));
    }

    @Override
    public void processElement(RuleCheck c, Context ctx, Collector<RuleCheck> out) throws Exception {
        if (c.spec == null || c.spec.fdr == null || c.pValue == null) {
            out.collect(c);
            return;
        }
        held.add(c);
        ctx.timerService().registerEventTimeTimer(c.windowEnd - 1);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RuleCheck> out) throws Exception {
        List<RuleCheck> due = new ArrayList<>();
        List<RuleCheck> later = new ArrayList<>();
        for (RuleCheck c : held.get()) (c.windowEnd - 1 <= timestamp ? due : later).add(c);
        if (due.isEmpty()) return;
        double q = due.get(0).spec.fdr;
        // The family is the window's segments; the whole population is one test of its own.
        double cutoff = benjaminiHochberg(
                due.stream()
                        .filter(c -> c.sufficient && !SegmentSlicer.ALL.equals(c.segment))
                        .mapToDouble(c -> c.pValue)
                        .toArray(),
                q);
        for (RuleCheck c : due) {
            if (!SegmentSlicer.ALL.equals(c.segment)) c.breached = c.breached && c.pValue <= cutoff;
            out.collect(c);
        }
        if (later.isEmpty()) held.clear();
        else held.update(later);
    }

    /** The largest p-value accepted by Benjamini-Hochberg at rate q (−1 when none is). */
    static double benjaminiHochberg(double[] pValues, double q) {
        double[] sorted = pValues.clone();
        java.util.Arrays.sort(sorted);
        double cutoff = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] <= (i + 1) * q / sorted.length) cutoff = sorted[i];
        }
        return cutoff;
    }
}
