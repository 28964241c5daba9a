package io.modelvitals.events;

/** A window's merged accumulator of one (model, version, slice), as the stages after the second phase read it. */
public interface SliceSummary<A> {
    void set(String model, String version, String slice, long windowStart, long windowEnd, A accumulator);
}
