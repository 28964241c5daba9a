package io.modelvitals.config;

import java.io.Serializable;

/** Job-wide settings: time, checkpoints, parallel aggregation. */
public class JobSpec implements Serializable {
    /** How far out of order events may arrive before they are late (bounded out-of-orderness watermarks). */
    public String maxOutOfOrderness = "30s";
    /** A partition with no records for this long stops holding back the watermark. */
    public String idleness = "1m";

    public String checkpointInterval = "10s";
    /** hashmap or rocksdb (long label horizons); unset: the cluster's configuration decides. */
    public String stateBackend;
    /** Where checkpoints go (e.g. s3://bucket/checkpoints, file:///data/checkpoints); unset: the cluster's configuration. */
    public String checkpointDir;
    /** An input whose ts is further ahead of the wall clock is dead-lettered ("0s": no limit). */
    public String maxFutureSkew = "1d";
    /** A larger input record is dead-lettered (its payload cut to the first KiB). */
    public int maxRecordBytes = 1_048_576;

    public String transactionalIdPrefix = "model-vitals";
    /**
     * How alerts reach their topic. exactly_once: in the checkpoint's Kafka transaction, readable once the checkpoint
     * completes (a checkpoint interval plus the slowest state's snapshot later). at_least_once: readable as soon as
     * written; a restart re-sends the alert states written since the last checkpoint, which the forwarder and
     * Alertmanager take as the same state again (docs/semantics.md). Vitals and dead letters are always exactly-once.
     */
    public String alertDelivery = EXACTLY_ONCE;

    public static final String EXACTLY_ONCE = "exactly_once";
    public static final String AT_LEAST_ONCE = "at_least_once";
    /** Predictions of models not declared in the spec: monitored with the defaults, or dead-lettered. */
    public boolean monitorUndeclaredModels = true;

    public JobSpec() {}

    public long maxFutureSkewMs() {
        return Durations.parse(maxFutureSkew).toMillis();
    }
}
