package com.vendstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.events.OrderPlaced;
import com.vendstream.events.VendSucceeded;
import com.vendstream.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfluentAvroSerdeTest {

    private FakeRegistry registry;

    @BeforeEach
    void start() throws Exception {
        registry = new FakeRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    static List<Class<? extends SpecificRecord>> eventTypes() {
        return EventSamples.eventTypes();
    }

    @ParameterizedTest
    @MethodSource("eventTypes")
    void everyEventTypeRoundTripsAsSpecificRecord(Class<? extends SpecificRecord> type) {
        SpecificRecord event = EventSamples.sample(type, 42);
        String topic = Topics.carrying(type).get(0).topic();
        byte[] bytes = serializer(Map.of()).serialize(topic, event);
        Object back = deserializer(true).deserialize(topic, bytes);
        assertThat(back).isInstanceOf(type).isEqualTo(event);
        // The default strategy: <topic>-value on a single-type topic, <topic>-<record full name> on a shared one.
        String subject = topic + (Topics.carrying(type).get(0).valueTypes().size() == 1 ? "-value" : "-" + type.getName());
        assertThat(registry.requests).contains("POST /subjects/" + subject + "/versions");
    }

    @Test
    void genericReaderReturnsGenericRecordsInTheWriterSchema() {
        VendSucceeded event = EventSamples.sample(VendSucceeded.class, 7);
        byte[] bytes = serializer(Map.of()).serialize("t", event);
        Object back = deserializer(false).deserialize("t", bytes);
        assertThat(back).isInstanceOf(GenericRecord.class).isNotInstanceOf(SpecificRecord.class);
        GenericRecord record = (GenericRecord) back;
        assertThat(record.getSchema()).isEqualTo(VendSucceeded.getClassSchema());
        assertThat(record.get("token").toString()).isEqualTo(event.getToken());
        assertThat(((GenericRecord) record.get("envelope")).get("eventId").toString())
                .isEqualTo(event.getEnvelope().getEventId());
    }

    @Test
    void decodesBytesFramedByHandExactlyAsConfluentDocuments() throws Exception {
        OrderPlaced event = EventSamples.sample(OrderPlaced.class, 3);
        int id = registry.register("anything", OrderPlaced.getClassSchema());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.writeByte(0);
        data.writeInt(id);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(OrderPlaced.class).write(event, encoder);
        encoder.flush();

        assertThat(deserializer(true).deserialize("vendstream.checkout.orders", out.toByteArray())).isEqualTo(event);
    }

    @Test
    void serialisedBytesParseByHandAsConfluentWireFormat() throws Exception {
        OrderPlaced event = EventSamples.sample(OrderPlaced.class, 4);
        byte[] bytes = serializer(Map.of()).serialize("vendstream.checkout.orders", event);

        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertThat(buffer.get()).isEqualTo((byte) 0);
        int id = buffer.getInt();
        assertThat(new Schema.Parser().parse(schemaById(id))).isEqualTo(OrderPlaced.getClassSchema());
        OrderPlaced decoded = new SpecificDatumReader<>(OrderPlaced.class).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(decoded).isEqualTo(event);
        assertThat(bytes[1] << 24 | (bytes[2] & 0xff) << 16 | (bytes[3] & 0xff) << 8 | (bytes[4] & 0xff))
                .as("big-endian id").isEqualTo(id);
    }

    @Test
    void readsOlderWriterSchemaIntoCurrentGeneratedClass() throws Exception {
        // An OrderPlaced as an older producer wrote it: no subMerchantId field yet.
        Schema current = OrderPlaced.getClassSchema();
        List<Schema.Field> fields = current.getFields().stream().filter(f -> !f.name().equals("subMerchantId"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        Schema older = Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
        OrderPlaced full = EventSamples.sample(OrderPlaced.class, 5);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(raw, null);
        new SpecificDatumWriter<>(OrderPlaced.class).write(full, encoder);
        encoder.flush();
        GenericRecord old = new GenericDatumReader<GenericRecord>(current, older)
                .read(null, DecoderFactory.get().binaryDecoder(raw.toByteArray(), null));
        assertThat(old.getSchema().getField("subMerchantId")).isNull();
        byte[] bytes = serializer(Map.of()).serialize("vendstream.checkout.orders", old);

        OrderPlaced read = (OrderPlaced) deserializer(true).deserialize("vendstream.checkout.orders", bytes);
        assertThat(read.getSubMerchantId()).as("default of the field the writer lacked").isNull();
        assertThat(read.getClientReference()).isEqualTo(full.getClientReference());
        assertThat(read.getEnvelope()).isEqualTo(full.getEnvelope());
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serializer(Map.of()).serialize("t", null)).isNull();
        assertThat(deserializer(true).deserialize("t", null)).isNull();
        assertThat(registry.requests).isEmpty();
    }

    @Test
    void primitivesUseTheirAvroTypes() {
        ConfluentAvroSerializer keys = new ConfluentAvroSerializer();
        keys.configure(Map.of("schema.registry.url", registry.url()), true);
        byte[] bytes = keys.serialize("t", "order-1");
        assertThat(registry.requests).containsExactly("POST /subjects/t-key/versions");
        assertThat(deserializer(true).deserialize("t", bytes)).isEqualTo("order-1");
        assertThat(deserializer(false).deserialize("t", serializer(Map.of()).serialize("t", 42L))).isEqualTo(42L);
        assertThat((byte[]) deserializer(false).deserialize("t", serializer(Map.of()).serialize("t",
                new byte[] {1, 2}))).containsExactly(1, 2);
        assertThatThrownBy(() -> serializer(Map.of()).serialize("t", new Object()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("java.lang.Object");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsAndARegisteredOneIsUsed() {
        ConfluentAvroSerializer strict = serializer(Map.of("auto.register.schemas", "false"));
        VendSucceeded event = EventSamples.sample(VendSucceeded.class, 1);
        assertThatThrownBy(() -> strict.serialize("vendstream.vend.outcomes", event))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("vendstream.vend.outcomes-com.vendstream.events.VendSucceeded")
                .hasMessageContaining("40401");
        int id = registry.register("vendstream.vend.outcomes-com.vendstream.events.VendSucceeded",
                VendSucceeded.getClassSchema());
        byte[] bytes = strict.serialize("vendstream.vend.outcomes", event);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(registry.requests).noneMatch(r -> r.endsWith("/versions"));
    }

    @Test
    void useLatestVersionWritesWithTheRegisteredLatestSchema() {
        Schema v1 = SchemaRegistryClientTest.record(false);
        Schema v2 = SchemaRegistryClientTest.record(true);
        registry.register("t-t.Thing", v1);
        int latestId = registry.register("t-t.Thing", v2);
        GenericRecord oldShape = new GenericData.Record(v1);
        oldShape.put("name", "x");

        byte[] bytes = serializer(Map.of("use.latest.version", "true", "auto.register.schemas", "false"))
                .serialize("t", oldShape);

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latestId);
        GenericRecord read = (GenericRecord) deserializer(false).deserialize("t", bytes);
        assertThat(read.get("name").toString()).isEqualTo("x");
        assertThat(read.get("note").toString()).isEqualTo("none");
    }

    @Test
    void undecodableInputIsASerializationExceptionWithTheCause() {
        ConfluentAvroDeserializer deserializer = deserializer(true);
        byte[] good = serializer(Map.of()).serialize("t", EventSamples.sample(VendSucceeded.class, 9));

        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"json\":true}".getBytes()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown magic byte 0x7b");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("fewer than the 5-byte header");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0x30, 0x39, 2, 4}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Unknown schema id 12345");
        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(good, good.length / 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("truncated");
    }

    @Test
    void specificReaderWithoutAGeneratedClassSaysSo() {
        Schema unknown = SchemaRegistryClientTest.record(false);
        GenericRecord record = new GenericData.Record(unknown);
        record.put("name", "x");
        byte[] bytes = serializer(Map.of()).serialize("t", record);
        assertThatThrownBy(() -> deserializer(true).deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("No generated Avro class t.Thing");
    }

    @Test
    void registryDownIsASerializationException() {
        ConfluentAvroSerializer serializer = serializer(Map.of());
        registry.close();
        assertThatThrownBy(() -> serializer.serialize("t", EventSamples.sample(VendSucceeded.class, 2)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("no schema registry reachable");
    }

    private String schemaById(int id) {
        return new SchemaRegistryClient(registry.url()).getById(id).toString();
    }

    private ConfluentAvroSerializer serializer(Map<String, Object> extra) {
        Map<String, Object> configs = new HashMap<>(extra);
        configs.put("schema.registry.url", registry.url());
        ConfluentAvroSerializer serializer = new ConfluentAvroSerializer();
        serializer.configure(configs, false);
        return serializer;
    }

    private ConfluentAvroDeserializer deserializer(boolean specific) {
        ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", registry.url(), "specific.avro.reader", specific), false);
        return deserializer;
    }
}
