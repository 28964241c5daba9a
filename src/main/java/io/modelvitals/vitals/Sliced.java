package io.modelvitals.vitals;

import java.util.Map;

/**
 * One accumulator per segment slice of a (model, version, pane): what the first phase keeps for a pane. The
 * implementations are the operator state of the first phase, so their class names are in savepoints.
 */
public interface Sliced<A extends Mergeable<A>> {
    Map<String, A> slices();

    /** Folds {@code other}'s slices into {@code into} (two subtasks' panes meet after a rescale). */
    static <A extends Mergeable<A>, S extends Sliced<A>> S mergeInto(S into, S other) {
        other.slices().forEach((slice, acc) -> into.slices().merge(slice, acc, Mergeable::merge));
        return into;
    }
}
