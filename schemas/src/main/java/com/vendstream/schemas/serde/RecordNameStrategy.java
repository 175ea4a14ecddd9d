package com.vendstream.schemas.serde;

import org.apache.avro.Schema;

/**
 * The record's full name, whatever the topic: one lineage per event type across every topic it
 * travels on (e.g. VendSucceeded on both vend outcome and resolution topics evolves as one).
 */
public class RecordNameStrategy implements SubjectNameStrategy {

    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        return schema.getFullName();
    }
}
