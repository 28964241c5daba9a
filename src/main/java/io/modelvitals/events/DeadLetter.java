package io.modelvitals.events;

/** A record the job could not use, with the reason and where it came from. */
public class DeadLetter {
    public String reason;
    public Origin origin;
    /** The original bytes: as text when they are valid UTF-8, else base64. Null for records rejected after parsing. */
    public String payload;
    /** "utf8" or "base64"; null when there is no payload. */
    public String payloadEncoding;
    /**
     * The record had already counted (the join took it) when a result of it missed a window whose pane had closed: a
     * partial loss, in the ledger as {@link Ledger#LATE_AFTER_COUNTING} rather than as a dead letter.
     */
    public boolean afterCounting;

    public DeadLetter() {}

    public DeadLetter(String reason, Origin origin, String payload, String payloadEncoding) {
        this.reason = reason;
        this.origin = origin;
        this.payload = payload;
        this.payloadEncoding = payloadEncoding;
    }
}
