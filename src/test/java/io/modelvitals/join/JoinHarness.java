package io.modelvitals.join;

import io.modelvitals.config.MonitorSpec;
import io.modelvitals.events.Feedback;
import io.modelvitals.events.JoinResult;
import io.modelvitals.events.Prediction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;

/** The join in a test harness, keyed as the job keys it, and the watermark step its tests share. */
final class JoinHarness {
    private JoinHarness() {}

    /** Not yet opened: a test may restore state first. */
    static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Feedback, JoinResult> of(MonitorSpec spec)
            throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new PredictionJoinOperator(spec), p -> p.predictionId, Feedback::key, Types.STRING);
    }

    /** One subtask of {@code parallelism}, for rescaling. */
    static KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Feedback, JoinResult> of(
            MonitorSpec spec, int maxParallelism, int parallelism, int subtask) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new PredictionJoinOperator(spec),
                p -> p.predictionId,
                Feedback::key,
                Types.STRING,
                maxParallelism,
                parallelism,
                subtask);
    }

    /** Deadlines are released a bucket at a time: the watermark to the last millisecond of the deadline's bucket. */
    static void passDeadline(
            KeyedTwoInputStreamOperatorTestHarness<String, Prediction, Feedback, JoinResult> harness,
            MonitorSpec spec,
            long deadline)
            throws Exception {
        long bucket = PredictionJoinOperator.bucketMs(spec);
        harness.processBothWatermarks(new Watermark(deadline - Math.floorMod(deadline, bucket) + bucket - 1));
    }
}
