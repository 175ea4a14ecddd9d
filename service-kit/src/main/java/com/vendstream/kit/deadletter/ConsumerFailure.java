package com.vendstream.kit.deadletter;

import com.vendstream.kit.logging.LogSafe;

/**
 * A consumer's failure as the error handler passes it on: classified, and safe to print. Its cause is a
 * {@link LogSafe#copy} of what the listener threw, so whatever logs it or writes it into a dead-letter
 * header shows the classes, messages and stack frames, not the event. One subclass per {@link Failure}: the
 * retry state of a record starts again when the kind of its failure changes (Spring Kafka compares classes).
 */
public abstract sealed class ConsumerFailure extends RuntimeException {

    private final transient Throwable reason;
    private final String causeCode;

    private ConsumerFailure(Failure.Classified classified, Throwable failure) {
        super(classified.kind() + ": " + describe(classified.reason()), LogSafe.copy(failure));
        this.reason = LogSafe.copy(classified.reason());
        this.causeCode = classified.reason() instanceof UnprocessableRecord u ? u.causeCode() : null;
    }

    /** The reason code of a record refused on purpose ({@link UnprocessableRecord#causeCode()}), or null. */
    public String causeCode() {
        return causeCode;
    }

    public abstract Failure kind();

    /** The deciding exception, and its own deepest cause when that says more ("failed to deserialize" does not). */
    private static String describe(Throwable reason) {
        Throwable root = LogSafe.rootCause(reason);
        return LogSafe.line(reason) + (root == reason ? "" : " (" + LogSafe.line(root) + ")");
    }

    /** The exception that decided the kind (a printable copy). */
    public Throwable reason() {
        return reason;
    }

    /** The failure classified; a failure already classified is returned as it is. */
    public static ConsumerFailure of(Throwable failure) {
        return failure instanceof ConsumerFailure classified ? classified : of(Failure.classify(failure), failure);
    }

    static ConsumerFailure of(Failure.Classified classified, Throwable failure) {
        return switch (classified.kind()) {
            case TRANSIENT -> new Transient(classified, failure);
            case UNPROCESSABLE -> new Unprocessable(classified, failure);
            case DEFECT -> new Defect(classified, failure);
        };
    }

    static final class Transient extends ConsumerFailure {
        Transient(Failure.Classified classified, Throwable failure) {
            super(classified, failure);
        }

        @Override
        public Failure kind() {
            return Failure.TRANSIENT;
        }
    }

    static final class Unprocessable extends ConsumerFailure {
        Unprocessable(Failure.Classified classified, Throwable failure) {
            super(classified, failure);
        }

        @Override
        public Failure kind() {
            return Failure.UNPROCESSABLE;
        }
    }

    static final class Defect extends ConsumerFailure {
        Defect(Failure.Classified classified, Throwable failure) {
            super(classified, failure);
        }

        @Override
        public Failure kind() {
            return Failure.DEFECT;
        }
    }
}
