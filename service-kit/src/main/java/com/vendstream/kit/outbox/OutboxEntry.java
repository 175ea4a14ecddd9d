package com.vendstream.kit.outbox;

import org.apache.avro.specific.SpecificRecord;

/**
 * One event an aggregate must publish, as its domain code states it: the output binding, the Kafka key,
 * the event id the consumers deduplicate by, and the event. How it is kept in the aggregate's document is
 * the store's business ({@link Outbox#entry(OutboxEntry)}), so domain code needs no MongoDB types.
 */
public record OutboxEntry(String binding, String key, String eventId, SpecificRecord event) {
}
