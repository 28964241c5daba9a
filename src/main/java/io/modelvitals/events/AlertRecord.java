package io.modelvitals.events;

import java.util.Objects;

/** An alert state change, written in the shape Prometheus Alertmanager understands (see io.OutputJson). */
public class AlertRecord {
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public String status;
    public String alertName;
    public String model;
    public String version;
    public String segment;
    public String vital;
    public String cls;
    public String reference;
    public String severity;
    public String summary;
    public String description;
    public double value;
    public double threshold;
    /** Event time at which the condition started to hold (end of the first breaching window). */
    public long startsAt;
    /** Event time at which it stopped (resolved only); null while firing. */
    public Long endsAt;

    public String fingerprint;
    /** Routing labels from the spec (team, env…), annotations from the rule (runbook_url…), the link back. */
    public java.util.Map<String, String> extraLabels;

    public java.util.Map<String, String> annotations;
    public String generatorUrl;
    public long windowStart;
    public long windowEnd;

    public AlertRecord() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AlertRecord)) return false;
        AlertRecord a = (AlertRecord) o;
        return Objects.equals(status, a.status)
                && Objects.equals(fingerprint, a.fingerprint)
                && startsAt == a.startsAt
                && Objects.equals(endsAt, a.endsAt)
                && windowEnd == a.windowEnd
                && Double.compare(value, a.value) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, fingerprint, startsAt, endsAt, windowEnd);
    }

    @Override
    public String toString() {
        return status + " " + alertName + " " + model + "/" + version + "/" + segment + " " + vital + "=" + value
                + " (threshold " + threshold + ") window_end=" + windowEnd;
    }
}
