package io.modelvitals.job;

import io.modelvitals.events.DeadLetter;
import io.modelvitals.pane.PanePartial;
import io.modelvitals.vitals.Mergeable;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/** Records and partials that came after their pane or window was computed, as dead letters with the reason. */
final class LateRecords {
    private LateRecords() {}

    static <T> DataStream<DeadLetter> records(
            DataStream<T> late, MapFunction<T, DeadLetter> asDeadLetter, String uid, String name) {
        return late.map(asDeadLetter).returns(DeadLetter.class).uid(uid).name(name);
    }

    /** @param contents what the partial held, e.g. "12 predictions", so the loss can be judged */
    static <A extends Mergeable<A>> DataStream<DeadLetter> partials(
            DataStream<PanePartial<A>> late, SerializableFunction<A, String> contents, String uid, String name) {
        return records(
                late,
                p -> new DeadLetter(
                        "late partial: a subtask's pane of " + p.model + "/" + p.version + "/"
                                + p.slice + " (" + contents.apply(p.accumulator) + ") came after window ["
                                + p.windowStart + ", "
                                + p.windowEnd + ") was computed",
                        null,
                        null,
                        null),
                uid,
                name);
    }
}
