package com.vendstream.schemas.serde;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.errors.SerializationException;

/** The Avro schema of a value the serializer is given, for records and the primitive types Confluent supports. */
final class AvroSchemas {

    private static final Map<Class<?>, Schema.Type> PRIMITIVES = Map.of(
            Boolean.class, Schema.Type.BOOLEAN,
            Integer.class, Schema.Type.INT,
            Long.class, Schema.Type.LONG,
            Float.class, Schema.Type.FLOAT,
            Double.class, Schema.Type.DOUBLE,
            byte[].class, Schema.Type.BYTES);

    private AvroSchemas() {
    }

    static Schema schemaOf(Object value) {
        if (value instanceof GenericContainer container) {
            return container.getSchema();
        }
        if (value instanceof CharSequence) {
            return Schema.create(Schema.Type.STRING);
        }
        if (value instanceof ByteBuffer) {
            return Schema.create(Schema.Type.BYTES);
        }
        Schema.Type type = PRIMITIVES.get(value.getClass());
        if (type == null) {
            throw new SerializationException("Cannot serialise " + value.getClass().getName()
                    + " as Avro: expected a SpecificRecord, GenericRecord or a primitive");
        }
        return Schema.create(type);
    }

    static boolean isPrimitive(Schema schema) {
        return switch (schema.getType()) {
            case RECORD, ENUM, FIXED, ARRAY, MAP, UNION -> false;
            default -> true;
        };
    }
}
