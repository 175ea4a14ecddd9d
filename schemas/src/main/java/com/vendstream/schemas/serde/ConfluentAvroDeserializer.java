package com.vendstream.schemas.serde;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads values written in the Confluent wire format. The writer schema comes from the registry by
 * the id in the header. With {@code specific.avro.reader=true} the value is decoded into the
 * generated class named by the writer schema, using that class's own schema as reader schema, so a
 * consumer built against one version reads records written with another compatible version.
 * Otherwise values come back as {@link org.apache.avro.generic.GenericRecord}s in the writer schema.
 *
 * <p>Anything it cannot decode (no magic byte, unknown schema id, truncated body, no generated
 * class) is a {@link SerializationException} naming the cause, which Spring Kafka's
 * ErrorHandlingDeserializer turns into a dead-letter record rather than a stuck partition.
 */
public class ConfluentAvroDeserializer implements Deserializer<Object> {

    private SchemaRegistryClient client;
    private boolean specific;
    private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    public ConfluentAvroDeserializer() {
    }

    public ConfluentAvroDeserializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        if (client == null) {
            client = new SchemaRegistryClient(config);
        }
        this.specific = config.specificAvroReader();
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("ConfluentAvroDeserializer used before configure()");
        }
        if (data.length < ConfluentAvroSerializer.HEADER_SIZE) {
            throw new SerializationException("Record on " + topic + " is not in Confluent Avro wire format: "
                    + data.length + " bytes, fewer than the 5-byte header (magic byte 0, 4-byte schema id)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        byte magic = buffer.get();
        if (magic != ConfluentAvroSerializer.MAGIC_BYTE) {
            throw new SerializationException(String.format("Record on %s is not in Confluent Avro wire format: "
                    + "unknown magic byte 0x%02x (expected 0x00)", topic, magic));
        }
        int id = buffer.getInt();
        DatumReader<Object> reader = readers.computeIfAbsent(id, this::readerFor);
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, ConfluentAvroSerializer.HEADER_SIZE,
                    data.length - ConfluentAvroSerializer.HEADER_SIZE, null);
            Object value = reader.read(null, decoder);
            if (value instanceof Utf8 utf8) {
                return utf8.toString();
            }
            if (value instanceof ByteBuffer bytes) {
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                return copy;
            }
            return value;
        } catch (java.io.IOException | RuntimeException e) {
            throw new SerializationException("Cannot decode Avro record with schema id " + id + " on " + topic
                    + " (" + data.length + " bytes; truncated or written with another schema?): " + e, e);
        }
    }

    private DatumReader<Object> readerFor(int id) {
        Schema writer;
        try {
            writer = client.getById(id);
        } catch (SchemaRegistryException e) {
            throw new SerializationException(e.isNotFound()
                    ? "Unknown schema id " + id + ": the registry has no such schema (" + e.getMessage() + ")"
                    : "Cannot fetch schema id " + id + " from the registry: " + e.getMessage(), e);
        }
        if (!specific || AvroSchemas.isPrimitive(writer)) {
            return new GenericDatumReader<>(writer, writer, GenericData.get());
        }
        Class<?> type = generatedClass(writer, id);
        SpecificData model = SpecificData.getForClass(type);
        return new SpecificDatumReader<>(writer, model.getSchema(type), model);
    }

    private static Class<?> generatedClass(Schema writer, int id) {
        String name = SpecificData.getClassName(writer);
        ClassLoader[] loaders = {Thread.currentThread().getContextClassLoader(),
                ConfluentAvroDeserializer.class.getClassLoader()};
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            try {
                Class<?> type = Class.forName(name, true, loader);
                if (SpecificRecord.class.isAssignableFrom(type) || type.isEnum()) {
                    return type;
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        throw new SerializationException("No generated Avro class " + name + " on the classpath for schema id "
                + id + "; set specific.avro.reader=false to read it as a GenericRecord");
    }

    @Override
    public void close() {
        readers.clear();
    }
}
