package io.modelvitals.quality;

import io.modelvitals.events.Keys;
import io.modelvitals.events.VitalRecord;
import io.modelvitals.pane.PaneWindowCombiner;
import io.modelvitals.vitals.ClassificationAccumulator;
import org.apache.flink.util.Collector;

/** Second phase: turns a window's merged accumulator into vital records, stamped with key and window. */
public class QualityVitalsCollector
        implements PaneWindowCombiner.WindowEmitter<ClassificationAccumulator, VitalRecord> {
    /** {@link VitalRecord#timeline} of every vital emitted. */
    private final String timeline;

    /** Quality by the label's time. */
    public QualityVitalsCollector() {
        this(VitalRecord.LABEL_TIMELINE);
    }

    public QualityVitalsCollector(String timeline) {
        this.timeline = timeline;
    }

    @Override
    public void emit(
            String key, long windowStart, long windowEnd, ClassificationAccumulator acc, Collector<VitalRecord> out) {
        String[] parts = Keys.split(key);
        for (VitalRecord v : QualityVitals.compute(parts[0], parts[1], parts[2], windowStart, windowEnd, acc)) {
            v.timeline = timeline;
            out.collect(v);
        }
    }
}
