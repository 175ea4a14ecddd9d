package com.vendstream.kit.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Keeps not-yet-published events inside MongoDB documents as Avro binary. The events are written
 * and read back by the same build, so the generated class's schema serves as both writer and
 * reader; Kafka, not this store, carries events across versions.
 */
public final class EventCodec {

    private EventCodec() {
    }

    public static byte[] encode(SpecificRecord event) {
        SpecificDatumWriter<SpecificRecord> writer = new SpecificDatumWriter<>(event.getSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.write(event, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static SpecificRecord decode(String className, byte[] bytes) {
        try {
            Class<?> type = Class.forName(className, true, EventCodec.class.getClassLoader());
            Schema schema = SpecificData.get().getSchema(type);
            SpecificDatumReader<SpecificRecord> reader = new SpecificDatumReader<>(schema);
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, null);
            return reader.read(null, decoder);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Unknown event type " + className, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
