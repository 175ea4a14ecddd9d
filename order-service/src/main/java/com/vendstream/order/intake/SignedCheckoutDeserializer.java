package com.vendstream.order.intake;

import com.vendstream.order.checkout.CheckoutSigning;
import com.vendstream.order.checkout.CheckoutSigning.Verdict;
import com.vendstream.schemas.checkout.CheckoutSignatures;
import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

/**
 * The checkout binding's value deserializer (behind the ErrorHandlingDeserializer, as every binding's). The signature
 * headers are looked at first: a record without them, with a malformed signature or with a key id no merchant has
 * is not decoded at all ({@link RefusedCheckout}), since decoding fetches from the registry whatever schema id the
 * producer wrote, and anyone who can write to the topic would choose the lookups. The others are decoded as
 * {@link ConfluentAvroDeserializer} does, keeping what the full check needs (the merchant is in the envelope), the
 * exact bytes and the headers, beside the event ({@link ReceivedCheckout}). Bytes that do not decode fail here as on
 * every other topic (dead-lettered at once with their bytes, or waited for when the registry is down).
 *
 * <p>The keys come as the consumer setting {@value #SIGNING_CONFIG} (a {@link CheckoutSigning}, put there by
 * {@code CheckoutIntakeConfiguration}); without it the consumer does not start, rather than decode unchecked.
 */
public class SignedCheckoutDeserializer extends ConfluentAvroDeserializer {

    static final String SIGNING_CONFIG = "vendstream.order.checkout.signing";

    private CheckoutSigning signing;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        super.configure(configs, isKey);
        if (!(configs.get(SIGNING_CONFIG) instanceof CheckoutSigning configured)) {
            throw new IllegalStateException("SignedCheckoutDeserializer needs the consumer setting " + SIGNING_CONFIG);
        }
        this.signing = configured;
    }

    @Override
    public Object deserialize(String topic, Headers headers, byte[] data) {
        String keyId = CheckoutSignatures.text(headers, CheckoutSignatures.KEY_ID_HEADER);
        String signature = CheckoutSignatures.text(headers, CheckoutSignatures.SIGNATURE_HEADER);
        if (data != null && signing.signaturesRequired()) {
            Verdict screened = signing.screen(keyId, signature);
            if (screened != Verdict.VALID) {
                return new RefusedCheckout(screened, keyId);
            }
        }
        Object decoded = deserialize(topic, data);
        if (!(decoded instanceof SpecificRecord event)) {
            return decoded;
        }
        return new ReceivedCheckout(event, data, keyId, signature);
    }
}
