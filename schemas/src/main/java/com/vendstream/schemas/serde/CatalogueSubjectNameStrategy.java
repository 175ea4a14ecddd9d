package com.vendstream.schemas.serde;

import com.vendstream.schemas.topic.Topics;
import org.apache.avro.Schema;

/**
 * vendstream's default for values: the subject follows what the {@link Topics} catalogue says the topic carries.
 * <ul>
 *   <li>A catalogued topic with exactly one value type: {@code <topic>-value}, Confluent's default, which Kafka UI,
 *       Kafka Connect and ksqlDB look for when they produce to, sink or query the topic.</li>
 *   <li>A catalogued topic with several value types (one topic per lifecycle keeps an order's events in order on
 *       one partition): {@code <topic>-<record full name>}, because under {@code <topic>-value} the second type
 *       would have to be a compatible new version of the first and the registry would refuse it.</li>
 *   <li>A topic the catalogue does not know (tests, scratch topics): {@code <topic>-<record full name>} too. Nothing
 *       says how many types it will carry, and {@code <topic>-value} would bind it for good to the first type
 *       ever written, while the record-scoped subject is right whatever it carries.</li>
 * </ul>
 * The subject of a single-type topic depends on the topic only, as under Confluent's default: a record of another
 * type written there is checked against the catalogued type's lineage, and the registry's compatibility check
 * refuses it. Keys are {@code <topic>-key}. Readers are unaffected by the choice: they resolve the writer schema
 * by the id in each record.
 */
public class CatalogueSubjectNameStrategy implements SubjectNameStrategy {

    private static final SubjectNameStrategy TOPIC = new TopicNameStrategy();
    private static final SubjectNameStrategy TOPIC_RECORD = new TopicRecordNameStrategy();

    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
        return isKey || singleType(topic) ? TOPIC.subjectName(topic, isKey, schema)
                : TOPIC_RECORD.subjectName(topic, isKey, schema);
    }

    /** Whether values on the topic register under {@code <topic>-value}; the AsyncAPI document shows the same. */
    public static boolean singleType(String topic) {
        return Topics.byName(topic).map(t -> t.valueTypes().size() == 1).orElse(false);
    }

    /** The value subject of one catalogued type on one catalogued topic. */
    public static String valueSubject(Topics topic, Schema schema) {
        return new CatalogueSubjectNameStrategy().subjectName(topic.topic(), false, schema);
    }
}
