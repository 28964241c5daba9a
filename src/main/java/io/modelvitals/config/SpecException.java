package io.modelvitals.config;

/** An invalid monitor spec; the message names the line or the field. */
public class SpecException extends RuntimeException {
    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
