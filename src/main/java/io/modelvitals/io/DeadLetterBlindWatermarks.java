package io.modelvitals.io;

import io.modelvitals.events.InputRecord;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Hides dead letters from a watermark generator. They carry no event time, and they must not count as
 * activity either: a partition that receives nothing but broken records would otherwise never be
 * marked idle and would hold the watermark (every window, every label horizon) back forever.
 */
public class DeadLetterBlindWatermarks implements WatermarkGenerator<InputRecord> {
    private final WatermarkGenerator<InputRecord> delegate;

    public DeadLetterBlindWatermarks(WatermarkGenerator<InputRecord> delegate) {
        this.delegate = delegate;
    }

    @Override
    public void onEvent(InputRecord record, long eventTimestamp, WatermarkOutput output) {
        if (record.deadLetter == null) delegate.onEvent(record, eventTimestamp, output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        delegate.onPeriodicEmit(output);
    }
}
