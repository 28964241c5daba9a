package io.modelvitals.job;

import io.modelvitals.config.Durations;
import io.modelvitals.config.MonitorSpec;
import io.modelvitals.io.KafkaIO;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The topology on Kafka, with the checkpointing its exactly-once sinks need: what `run` submits. */
public final class KafkaJob {
    private KafkaJob() {}

    /**
     * The job on Kafka: checkpointed, so the exactly-once sinks commit a transaction per checkpoint.
     * Checkpoints are retained on cancellation (a cancelled job restarts from its last one). The state
     * backend and checkpoint directory come from the spec when it names them, else from the cluster's
     * configuration; so does the restart strategy (Flink's default with checkpointing: exponential delay).
     */
    public static void define(StreamExecutionEnvironment env, MonitorSpec spec, boolean bounded) {
        env.configure(configuration(spec));
        VitalsJob.defineWorkflow(env, spec, KafkaIO.sources(spec, bounded), KafkaIO.sinks(spec));
    }

    /** What the job sets in Flink's configuration: checkpointing, and the state backend and its RocksDB options. */
    static Configuration configuration(MonitorSpec spec) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Durations.parse(spec.job.checkpointInterval));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (spec.job.stateBackend != null) conf.set(StateBackendOptions.STATE_BACKEND, spec.job.stateBackend);
        // With RocksDB, most of the join's time went to point lookups of prediction_ids long gone from the memtable
        // (expiries an hour later, stale bucket entries): a Bloom filter per file lets RocksDB skip the files that
        // cannot hold the key. Set by its key, so the job needs no RocksDB classes when the state is on the heap.
        conf.set(
                org.apache.flink.configuration.ConfigOptions.key("state.backend.rocksdb.use-bloom-filter")
                        .booleanType()
                        .defaultValue(false),
                true);
        if (spec.job.checkpointDir != null)
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, spec.job.checkpointDir);
        return conf;
    }
}
