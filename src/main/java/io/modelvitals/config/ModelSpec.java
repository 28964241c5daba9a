package io.modelvitals.config;

import java.io.Serializable;
import java.time.Duration;
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

    public long windowSizeMs() {
        return Durations.parse(window.size).toMillis();
    }

    public long windowSlideMs() {
        return Durations.parse(window.slide == null ? window.size : window.slide).toMillis();
    }

    public long labelHorizonMs() {
        return Durations.parse(labelHorizon).toMillis();
    }

    public long lateLabelGraceMs() {
        return Durations.parse(lateLabelGrace).toMillis();
    }

    /** An alert key with no new window for this long is forgotten; a firing alert resolves then. */
    public long alertStaleAfterMs() {
        return alertStaleAfter != null ? Durations.parse(alertStaleAfter).toMillis() : 10 * windowSlideMs();
    }

    Duration horizon() {
        return Durations.parse(labelHorizon);
    }
}
