package com.vendstream.ops.deadletter;

import java.time.Instant;

/**
 * What an operator did with a dead letter: claimed it for a re-drive ({@code REDRIVING}, stored before anything is
 * sent, so only one operator's re-drive or discard wins), re-drove it to its source topic (the claim turned
 * {@code REDRIVEN} once the broker acknowledged it) or discarded it, with a reason. One per record
 * ({@code dlq/partition/offset}); only a claim ever changes.
 */
record Disposition(String topic, int partition, long offset, Action action, String by, Instant at, String reason) {

    enum Action { REDRIVING, REDRIVEN, DISCARDED }

    /** The record's id: {@code <dlq>/<partition>/<offset>}, also the audit entry's subject. */
    static String id(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    String id() {
        return id(topic, partition, offset);
    }
}
