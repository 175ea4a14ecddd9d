package com.vendstream.order;

import com.vendstream.schemas.checkout.CheckoutSignatures;
import com.vendstream.schemas.checkout.CheckoutSignatures.SigningKey;
import com.vendstream.schemas.checkout.CheckoutSigningSerializer;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The checkout signing keys the tests configure (vendstream.order.checkout.signing-keys) and sign with, as the
 * merchants' checkout systems would: every test that publishes a checkout event signs it.
 */
public final class TestCheckoutKeys {

    public static final SigningKey DEMO = new SigningKey("demo-2026-01", "demo-merchant-checkout-secret-for-tests-01");
    /** The demo merchant's next key, configured beside the current one while it rotates. */
    public static final SigningKey DEMO_NEXT = new SigningKey("demo-2026-02",
            "demo-merchant-checkout-secret-for-tests-02");
    public static final SigningKey SECOND = new SigningKey("second-2026-01",
            "second-merchant-checkout-secret-for-tests-1");

    private TestCheckoutKeys() {
    }

    public static void register(DynamicPropertyRegistry props) {
        key(props, "demo-merchant", 0, DEMO);
        key(props, "demo-merchant", 1, DEMO_NEXT);
        key(props, "second-merchant", 0, SECOND);
    }

    private static void key(DynamicPropertyRegistry props, String merchant, int i, SigningKey key) {
        String prefix = "vendstream.order.checkout.signing-keys." + merchant + "[" + i + "].";
        props.add(prefix + "key-id", key::keyId);
        props.add(prefix + "secret", key::secret);
    }

    /** A producer of Avro events signed with each merchant's current key. */
    public static KafkaProducer<String, Object> signingProducer(Map<String, Object> settings) {
        return new KafkaProducer<>(settings, new StringSerializer(), CheckoutSigningSerializer.of(settings,
                Map.of("demo-merchant", DEMO, "second-merchant", SECOND)));
    }

    /** A record of wire bytes signed with {@code key}. */
    public static ProducerRecord<String, byte[]> signed(String topic, String key, byte[] value, SigningKey with) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        CheckoutSignatures.addTo(record.headers(), with, value);
        return record;
    }
}
