package com.vendstream.schemas.checkout;

import com.vendstream.events.Envelope;
import com.vendstream.schemas.checkout.CheckoutSignatures.SigningKey;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A checkout system's value serializer: the event in Confluent wire format ({@link ConfluentAvroSerializer}),
 * signed with the key of the merchant its envelope names ({@link CheckoutSignatures}). Passed to the producer as an
 * instance, already configured by {@link #of} (a producer does not configure the serializers it is handed). An event
 * of a merchant without a key is not sent.
 */
public final class CheckoutSigningSerializer implements Serializer<Object> {

    private final ConfluentAvroSerializer avro = new ConfluentAvroSerializer();
    private final Map<String, SigningKey> keys;

    private CheckoutSigningSerializer(Map<String, SigningKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    /**
     * @param settings the producer's settings (registry url, subject strategy), as for a
     *                 {@link ConfluentAvroSerializer} named by class
     * @param keys     per merchant id, the key it signs with
     */
    public static CheckoutSigningSerializer of(Map<String, ?> settings, Map<String, SigningKey> keys) {
        CheckoutSigningSerializer serializer = new CheckoutSigningSerializer(keys);
        serializer.avro.configure(settings, false);
        return serializer;
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        throw new SerializationException("A checkout record is signed into its headers: use serialize(topic, headers, "
                + "data)");
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Object data) {
        if (!(data instanceof SpecificRecord event) || event.getSchema().getField("envelope") == null) {
            throw new SerializationException("Only vendstream events are signed");
        }
        String merchant = ((Envelope) event.get(event.getSchema().getField("envelope").pos())).getMerchantId();
        SigningKey key = keys.get(merchant);
        if (key == null) {
            throw new SerializationException("No checkout signing key for merchant " + merchant);
        }
        byte[] value = avro.serialize(topic, headers, data);
        CheckoutSignatures.addTo(headers, key, value);
        return value;
    }

    @Override
    public void close() {
        avro.close();
    }
}
