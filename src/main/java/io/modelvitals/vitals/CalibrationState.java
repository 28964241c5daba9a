package io.modelvitals.vitals;

/**
 * A version's calibration as it is learned (keyed state of the estimation stage): the labelled outcomes of its
 * reference period, by score bin, until the period's labels are final; then frozen.
 */
public class CalibrationState {
    /** The reference period, by prediction time: [start, end). */
    public long referenceStart;

    public long referenceEnd;
    public ScoreBins outcomes = new ScoreBins();
    /** Ready: the reference's labels are final and enough; estimates use it from then on. */
    public boolean ready;

    public CalibrationState() {}
}
