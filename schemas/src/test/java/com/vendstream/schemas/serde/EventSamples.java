package com.vendstream.schemas.serde;

import com.vendstream.schemas.topic.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** Populated instances of every event type, with every field set, from Avro's own random data generator. */
final class EventSamples {

    private EventSamples() {
    }

    static List<Class<? extends SpecificRecord>> eventTypes() {
        return Arrays.stream(Topics.values()).flatMap(t -> t.valueTypes().stream()).distinct().toList();
    }

    static <T extends SpecificRecord> T sample(Class<T> type, long seed) {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        Object generic = new org.apache.avro.util.RandomData(schema, 1, seed).iterator().next();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<>(schema).write(generic, encoder);
            encoder.flush();
            // Decoding the generic bytes through the generated class yields a fully populated instance
            // with its logical types (Instant, LocalDate) converted, as a producer would build it.
            return new SpecificDatumReader<T>(schema, schema, model)
                    .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
