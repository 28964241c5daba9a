package io.modelvitals.io;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for a control stream that has no event time: none, and always idle, so that joining it to
 * the data stream neither holds the data stream's watermark back (an idle control topic would) nor moves
 * it: when the data stream goes idle, event time stops. (A control stream at the end of time would then
 * carry the joined watermark to the end of time, and fire every timer downstream — resolving firing
 * alerts "for lack of data" on a quiet night.)
 */
public class AlwaysIdleWatermarks<T> implements WatermarkGenerator<T> {
    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.markIdle();
    }
}
