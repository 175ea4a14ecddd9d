package com.vendstream.schemas.serde;

import org.apache.avro.Schema;

/** One version of a subject as the registry reports it. */
public record SchemaMetadata(String subject, int version, int id, String schema) {

    public Schema parsed() {
        return new Schema.Parser().parse(schema);
    }
}
