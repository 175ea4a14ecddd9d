package com.vendstream.schemas.serde;

import org.apache.avro.Schema;

/**
 * {@code <topic>-<record full name>}: what {@link CatalogueSubjectNameStrategy} (the default for values) uses for
 * multi-type topics and for topics outside the catalogue. Several event types share a
 * topic (one topic per lifecycle keeps an order's events ordered on one partition), which
 * TopicNameStrategy would force into one subject whose compatibility check rejects every second
 * type; and scoping by topic, unlike RecordNameStrategy, lets Kafka UI and operators see exactly
 * which types each topic carries.
 */
public class TopicRecordNameStrategy implements SubjectNameStrategy {

    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        return topic + "-" + schema.getFullName();
    }
}
