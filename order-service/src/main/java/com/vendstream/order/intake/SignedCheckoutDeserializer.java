package com.vendstream.order.intake;

import com.vendstream.schemas.checkout.CheckoutSignatures;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

/**
 * The checkout binding's value deserializer (behind the ErrorHandlingDeserializer, as every binding's): decodes as
 * {@link ConfluentAvroDeserializer} does and keeps what the signature check needs, the exact bytes and the
 * signature headers, beside the event ({@link ReceivedCheckout}). Bytes that do not decode fail here as on every
 * other topic (dead-lettered at once with their bytes, or waited for when the registry is down).
 */
public class SignedCheckoutDeserializer extends ConfluentAvroDeserializer {

    @Override
    public Object deserialize(String topic, Headers headers, byte[] data) {
        Object decoded = deserialize(topic, data);
        if (!(decoded instanceof SpecificRecord event)) {
            return decoded;
        }
        return new ReceivedCheckout(event, data, CheckoutSignatures.text(headers, CheckoutSignatures.KEY_ID_HEADER),
                CheckoutSignatures.text(headers, CheckoutSignatures.SIGNATURE_HEADER));
    }
}
