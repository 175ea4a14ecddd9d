package com.vendstream.ops.deadletter;

import java.time.Instant;

/**
 * What an operator did with a dead letter: re-drove it to its source topic (after the broker acknowledged it) or
 * discarded it, with a reason. One per record ({@code dlq/partition/offset}), never changed.
 */
record Disposition(String topic, int partition, long offset, Action action, String by, Instant at, String reason) {

    enum Action { REDRIVEN, DISCARDED }

    /** The record's id: {@code <dlq>/<partition>/<offset>}, also the audit entry's subject. */
    static String id(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    String id() {
        return id(topic, partition, offset);
    }
}
