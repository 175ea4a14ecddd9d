package com.vendstream.kit.deadletter;

/**
 * Thrown for a record no retry can make processable: no value, or an event of a type its topic does not
 * carry. Its consumer's error handler dead-letters it at once (see {@link Failure#UNPROCESSABLE}).
 */
public class UnprocessableRecord extends RuntimeException {

    public UnprocessableRecord(String message) {
        super(message);
    }
}
