package com.vendstream.ops.deadletter;

import java.time.Instant;
import java.util.List;

/**
 * One record of a dead-letter topic, as the log adapter read it: its place, its original key and value bytes, its
 * headers in order, and what the dead-letter headers say about the failure (the adapter reads them the way
 * service-kit's {@code DeadLetterRecords} does, so the desk needs no Kafka types).
 */
public record DeadLetter(String topic, int partition, long offset, byte[] key, byte[] value, Instant timestamp,
                         List<Header> headers, Failure failure) {

    public DeadLetter {
        headers = List.copyOf(headers);
    }

    /** A header; its value may be null, as Kafka allows. */
    public record Header(String name, byte[] value) {
    }

    /** Where the record was read when it failed, and the exception that decided it; each null when not stated. */
    public record Failure(String originalTopic, Integer originalPartition, Long originalOffset, String exceptionClass,
                          String exceptionMessage) {
    }

    /** {@code <dlq>/<partition>/<offset>}, as its disposition is stored. */
    String id() {
        return Disposition.id(topic, partition, offset);
    }
}
