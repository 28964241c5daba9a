package io.modelvitals.business;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.AttributedEvent;
import io.modelvitals.pane.SegmentSlicer;
import java.util.List;
import java.util.Map;

/** Slices attributed events by their prediction's segment, for the KPIs. */
public class AttributedEventSlicer extends SegmentSlicer<AttributedEvent, AttributedEvent> {
    public AttributedEventSlicer(MonitorSpec spec) {
        super(spec);
    }

    @Override
    protected String model(AttributedEvent e) {
        return e.model;
    }

    @Override
    protected Map<String, String> segment(AttributedEvent e) {
        return e.segment;
    }

    @Override
    protected AttributedEvent withSlices(AttributedEvent e, List<String> slices) {
        e.slices = slices;
        return e;
    }
}
