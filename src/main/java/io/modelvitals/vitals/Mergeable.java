package io.modelvitals.vitals;

/**
 * A statistic that subtasks compute apart and combine exactly: the contract of the two-phase panes.
 * {@code a.merge(b)} folds b into a and returns a.
 */
public interface Mergeable<A> {
    A merge(A other);
}
