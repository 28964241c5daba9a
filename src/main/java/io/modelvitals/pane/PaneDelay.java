package io.modelvitals.pane;

import io.modelvitals.config.ModelSpec;
import java.io.Serializable;

/**
 * How long after a pane's end its records may still arrive, per model: D. With D = 0 (every stage of event time) a
 * window is computed when the watermark passes its end. A stage whose records are stamped with an earlier time than
 * the one they arrive at (a business event counted at its prediction's time, up to the attribution window later)
 * says so with D &gt; 0: its records belong to the pane of time t but are late only once the watermark passes the
 * pane's end − 1 + D, and a window is computed, final, when the watermark passes its end − 1 + D.
 */
@FunctionalInterface
public interface PaneDelay extends Serializable {
    PaneDelay NONE = model -> 0L;

    /** D for the model's panes and windows, in milliseconds (≥ 0). */
    long ms(ModelSpec model);

    /** {@code t + d}, or {@link Long#MAX_VALUE} if that overflows. */
    static long after(long t, long d) {
        return t > Long.MAX_VALUE - d ? Long.MAX_VALUE : t + d;
    }
}
