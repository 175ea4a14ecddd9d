package com.vendstream.ops.deadletter;

import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.schemas.serde.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * A dead letter's value as a back-office user may see it: Confluent wire format decoded through the registry
 * into the writer's schema (generic records: a dead letter may be of a version this service was not built
 * with), rendered as a tree of maps, lists and scalars, personal data masked ({@link PersonalDataMask}). A
 * value that does not decode (the poison itself may be bytes that are not our Avro, or the registry may not
 * answer) is shown as such: its size, its first bytes in hex and why it did not decode.
 */
final class EventDecoder {

    /** How many leading bytes of an undecodable value are shown. */
    static final int HEAD = 16;

    /** The decoded event, or why there is none. */
    record Decoded(String eventType, Map<String, Object> event, String orderId, String merchantId) {
    }

    private final ConfluentAvroDeserializer deserializer;

    EventDecoder(SchemaRegistryClient registry) {
        deserializer = new ConfluentAvroDeserializer(registry);
        deserializer.configure(Map.of("specific.avro.reader", false), false);
    }

    Decoded decode(String topic, byte[] value) {
        if (value == null) {
            return undecodable(0, new byte[0], "no value (a null record)");
        }
        Object decoded;
        try {
            decoded = deserializer.deserialize(topic, value);
        } catch (RuntimeException e) {
            return undecodable(value.length, value, e.getMessage());
        }
        if (!(decoded instanceof GenericRecord record)) {
            return undecodable(value.length, value, "not an event: a " + (decoded == null ? "null"
                    : decoded.getClass().getSimpleName()) + " value");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> event = (Map<String, Object>) PersonalDataMask.mask(plain(record));
        return new Decoded(record.getSchema().getName(), event, envelopeField(record, "orderId"),
                envelopeField(record, "merchantId"));
    }

    private static Decoded undecodable(int size, byte[] value, String error) {
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("undecodable", true);
        shown.put("size", size);
        shown.put("firstBytes", HexFormat.of().formatHex(value, 0, Math.min(HEAD, value.length)));
        shown.put("error", error);
        return new Decoded(null, shown, null, null);
    }

    private static String envelopeField(GenericRecord record, String name) {
        if (record.hasField("envelope") && record.get("envelope") instanceof GenericRecord envelope
                && envelope.hasField(name) && envelope.get(name) != null) {
            return envelope.get(name).toString();
        }
        return null;
    }

    /** Avro's values as JSON's: records and maps as maps, arrays as lists, strings and enums as text, bytes as hex. */
    static Object plain(Object value) {
        if (value instanceof GenericRecord record) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Schema.Field field : record.getSchema().getFields()) {
                fields.put(field.name(), plain(record.get(field.pos())));
            }
            return fields;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> entries = new LinkedHashMap<>();
            map.forEach((k, v) -> entries.put(String.valueOf(k), plain(v)));
            return entries;
        }
        if (value instanceof Collection<?> items) {
            List<Object> list = new ArrayList<>(items.size());
            items.forEach(item -> list.add(plain(item)));
            return list;
        }
        if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            return HexFormat.of().formatHex(raw);
        }
        if (value instanceof GenericFixed fixed) {
            return HexFormat.of().formatHex(fixed.bytes());
        }
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        return value.toString();
    }
}
