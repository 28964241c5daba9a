package io.modelvitals.functions;

import io.modelvitals.events.PartialVitals;
import io.modelvitals.vitals.ClassificationAccumulator;
import io.modelvitals.vitals.SlicedClassification;
import java.util.Map;
import org.apache.flink.util.Collector;

/** First phase: emits a pane's quality accumulator of each slice with its key and pane; computes nothing. */
public class PartialVitalsEmitter implements PaneAggregateOperator.PaneEmitter<SlicedClassification, PartialVitals> {
    @Override
    public void emit(String model, String version, long paneStart, long paneEnd, SlicedClassification acc, Collector<PartialVitals> out) {
        for (Map.Entry<String, ClassificationAccumulator> slice : acc.slices.entrySet()) {
            PartialVitals p = new PartialVitals();
            p.model = model;
            p.version = version;
            p.slice = slice.getKey();
            p.windowStart = paneStart;
            p.windowEnd = paneEnd;
            p.accumulator = slice.getValue();
            out.collect(p);
        }
    }
}
