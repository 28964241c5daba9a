package io.modelvitals.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** How one model is monitored. Unset fields take the spec's {@code defaults}. */
public class ModelSpec implements Serializable {
    public String name;
    /** classification or regression. */
    public String task;
    public WindowSpec window;
    public String labelHorizon;
    public String lateLabelGrace;
    public List<String> segments;
    public Integer segmentValueCap;
    public String alertStaleAfter;
    public DriftSpec drift;
    public List<RuleSpec> rules = new ArrayList<>();

    public ModelSpec() {}

    // Parsed once per task: the window assigner and the join ask for these on every record.
    private transient long windowSizeMs;
    private transient long windowSlideMs;
    private transient long labelHorizonMs;
    private transient long lateLabelGraceMs;

    public long windowSizeMs() {
        if (windowSizeMs <= 0) windowSizeMs = Durations.parse(window.size).toMillis();
        return windowSizeMs;
    }

    public long windowSlideMs() {
        if (windowSlideMs <= 0) windowSlideMs = Durations.parse(window.slide == null ? window.size : window.slide).toMillis();
        return windowSlideMs;
    }

    public long labelHorizonMs() {
        if (labelHorizonMs <= 0) labelHorizonMs = Durations.parse(labelHorizon).toMillis();
        return labelHorizonMs;
    }

    public long lateLabelGraceMs() {
        if (lateLabelGraceMs <= 0) lateLabelGraceMs = Durations.parse(lateLabelGrace).toMillis();
        return lateLabelGraceMs;
    }

    /** An alert key with no new window for this long is forgotten; a firing alert resolves then. */
    public long alertStaleAfterMs() {
        return alertStaleAfter != null ? Durations.parse(alertStaleAfter).toMillis() : 10 * windowSlideMs();
    }
}
