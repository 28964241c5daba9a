package io.modelvitals.join;

import java.util.HashMap;
import java.util.Map;

/**
 * One shared instance per distinct value, for the values a long-lived state entry repeats (model, version, class,
 * segment): a pending prediction then holds references to them instead of its own copies. Every record that crosses
 * the network is deserialized into fresh objects, and those that go into heap state survive young collections for the
 * whole label horizon; sharing them makes each pending prediction smaller and each collection cheaper.
 *
 * <p>Bounded: past {@code capacity} distinct values new ones are returned as they are (a flood of distinct values
 * cannot grow it). Per operator instance, so no locking.
 */
final class Interner<T> {
    private final Map<T, T> values = new HashMap<>();
    private final int capacity;
    private final java.util.function.UnaryOperator<T> freeze;

    /** For immutable values such as strings. */
    Interner(int capacity) {
        this(capacity, java.util.function.UnaryOperator.identity());
    }

    /** @param freeze makes the shared instance of a mutable value unchangeable (a change would reach every holder) */
    Interner(int capacity, java.util.function.UnaryOperator<T> freeze) {
        this.capacity = capacity;
        this.freeze = freeze;
    }

    T intern(T value) {
        if (value == null) return null;
        T shared = values.get(value);
        if (shared != null) return shared;
        if (values.size() >= capacity) return value;
        shared = freeze.apply(value);
        values.put(shared, shared);
        return shared;
    }
}
