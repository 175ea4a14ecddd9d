package com.vendstream.schemas.serde;

import org.apache.avro.Schema;

/**
 * {@code <topic>-key} / {@code <topic>-value}: Confluent's default. One schema lineage per topic,
 * so it only suits topics that carry a single record type (and keys).
 */
public class TopicNameStrategy implements SubjectNameStrategy {

    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        return topic + (isKey ? "-key" : "-value");
    }
}
