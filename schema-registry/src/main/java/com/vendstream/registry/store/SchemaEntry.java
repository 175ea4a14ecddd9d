package com.vendstream.registry.store;

/** One version of one subject, as kept in the {@code _schemas} log. */
public record SchemaEntry(String subject, int version, int id, String schema, boolean deleted) {
}
