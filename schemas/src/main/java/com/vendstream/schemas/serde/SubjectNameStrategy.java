package com.vendstream.schemas.serde;

import org.apache.avro.Schema;

/**
 * Chooses the registry subject a record's schema is registered under. Implementations must have a
 * public no-argument constructor: serde configuration names them by class.
 */
public interface SubjectNameStrategy {

    String subjectName(String topic, boolean isKey, Schema schema);
}
