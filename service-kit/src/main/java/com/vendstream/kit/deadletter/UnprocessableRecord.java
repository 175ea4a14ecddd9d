package com.vendstream.kit.deadletter;

/**
 * Thrown for a record no retry can make processable: no value, or an event of a type its topic does not
 * carry. Its consumer's error handler dead-letters it at once (see {@link Failure#UNPROCESSABLE}).
 */
public class UnprocessableRecord extends RuntimeException {

    private final String causeCode;

    public UnprocessableRecord(String message) {
        this(null, message);
    }

    /**
     * @param causeCode a reason code the dead letter carries in {@link DeadLetters#CAUSE_HEADER} (e.g.
     *                  {@code checkout-signature-invalid}), for a record refused on purpose rather than unreadable
     */
    public UnprocessableRecord(String causeCode, String message) {
        super(causeCode == null ? message : causeCode + ": " + message);
        this.causeCode = causeCode;
    }

    /** The reason code, or null. */
    public String causeCode() {
        return causeCode;
    }
}
