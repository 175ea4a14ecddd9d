package com.vendstream.kit.deadletter;

/**
 * A batch handler stopped at one event: every event before {@link #index()} is applied and durable, the one at
 * it failed with the cause. Thrown by domain code (it names no Kafka type); {@link Payloads.Batch#process}
 * hands it to the error handler as the failed record's position, so the offsets before it are committed and
 * that record alone is retried or dead-lettered by service-kit's rules.
 */
public class BatchFailed extends RuntimeException {

    private final int index;

    public BatchFailed(String what, int index, Throwable cause) {
        super(what + " at batch index " + index + " failed: " + cause.getClass().getName(), cause);
        this.index = index;
    }

    /** Every event before this position is applied and durable. */
    public int index() {
        return index;
    }
}
