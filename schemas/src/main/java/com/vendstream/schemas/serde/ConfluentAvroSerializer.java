package com.vendstream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro values in the Confluent wire format: magic byte 0, the writer schema's registry id as
 * a big-endian int32, then the Avro binary encoding. Configured with Confluent's keys (see
 * {@link AvroSerdeConfig}); value subjects default to {@link CatalogueSubjectNameStrategy}.
 */
public class ConfluentAvroSerializer implements Serializer<Object> {

    static final byte MAGIC_BYTE = 0x0;
    static final int HEADER_SIZE = 5;

    private SchemaRegistryClient client;
    private SubjectNameStrategy subjectNames;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatestVersion;
    private Duration latestTtl;
    private final Map<String, Latest> latestBySubject = new ConcurrentHashMap<>();

    private record Latest(int id, Schema schema, Instant fetchedAt) {
    }

    /** For Kafka, which instantiates by class name and then calls {@link #configure}. */
    public ConfluentAvroSerializer() {
    }

    /** For code that shares one registry client; {@link #configure} still reads the other settings. */
    public ConfluentAvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        if (client == null) {
            client = new SchemaRegistryClient(config);
        }
        this.isKey = isKey;
        this.subjectNames = config.subjectNameStrategy(isKey);
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatestVersion = config.useLatestVersion();
        this.latestTtl = config.latestCacheTtl();
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("ConfluentAvroSerializer used before configure()");
        }
        Schema schema = AvroSchemas.schemaOf(data);
        String subject = subjectNames.subjectName(topic, isKey, schema);
        try {
            if (useLatestVersion) {
                Latest latest = latest(subject);
                Object value = latest.schema.equals(schema) ? data : project(data, schema, latest.schema);
                return frame(latest.id, latest.schema, value);
            }
            int id = autoRegister ? client.register(subject, schema) : client.getId(subject, schema);
            return frame(id, schema, data);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot get a schema id for subject " + subject + " (topic " + topic
                    + "): " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialise " + schema.getFullName() + " for topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }

    private Latest latest(String subject) {
        Latest cached = latestBySubject.get(subject);
        if (cached != null && (latestTtl == null || cached.fetchedAt.plus(latestTtl).isAfter(Instant.now()))) {
            return cached;
        }
        SchemaMetadata meta = client.getLatestSchemaMetadata(subject);
        Latest fresh = new Latest(meta.id(), client.getById(meta.id()), Instant.now());
        latestBySubject.put(subject, fresh);
        return fresh;
    }

    /**
     * Rewrites a value into the registry's latest schema. Avro writers address fields by position, so
     * writing a record with a schema other than its own would scramble it; resolving through Avro's
     * schema resolution instead applies defaults and drops fields exactly as a reader would.
     */
    private static Object project(Object data, Schema own, Schema target) throws IOException {
        byte[] raw = avroBinary(own, data);
        return new GenericDatumReader<>(own, target, GenericData.get())
                .read(null, DecoderFactory.get().binaryDecoder(raw, null));
    }

    private static byte[] frame(int id, Schema schema, Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(MAGIC_BYTE);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        writeAvro(schema, value, out);
        return out.toByteArray();
    }

    private static byte[] avroBinary(Schema schema, Object value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        writeAvro(schema, value, out);
        return out.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static void writeAvro(Schema schema, Object value, ByteArrayOutputStream out) throws IOException {
        DatumWriter<Object> writer = value instanceof SpecificRecord
                ? new SpecificDatumWriter<>(schema, SpecificData.getForClass(value.getClass()))
                : new GenericDatumWriter<>(schema, GenericData.get());
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value, encoder);
        encoder.flush();
    }

    @Override
    public void close() {
        latestBySubject.clear();
    }
}
