package com.vendstream.deploy;

import com.vendstream.schemas.checkout.CheckoutSignatures.SigningKey;
import com.vendstream.schemas.checkout.CheckoutSigningSerializer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo merchants' checkout signing keys: order-service takes a checkout event only when the merchant its envelope
 * names signed it (order-service README, "Signed checkout events"). Demo constants like the demo merchant's API key,
 * configured by {@link Stack} for the local stack and the tests that start it; any real deployment gives each merchant
 * its own secret from a secret store.
 */
public final class CheckoutDemo {

    public static final SigningKey DEMO_MERCHANT = new SigningKey("demo-merchant-1",
            "demo-merchant-checkout-signing-secret");
    public static final SigningKey SECOND_MERCHANT = new SigningKey("second-merchant-1",
            "second-merchant-checkout-signing-secret");

    private static final Map<String, SigningKey> KEYS = Map.of("demo-merchant", DEMO_MERCHANT,
            "second-merchant", SECOND_MERCHANT);

    private CheckoutDemo() {
    }

    /** order-service's settings that give each demo merchant its key. */
    public static Map<String, Object> signingKeys() {
        Map<String, Object> settings = new LinkedHashMap<>();
        KEYS.forEach((merchant, key) -> {
            String prefix = "vendstream.order.checkout.signing-keys." + merchant + "[0].";
            settings.put(prefix + "key-id", key.keyId());
            settings.put(prefix + "secret", key.secret());
        });
        return settings;
    }

    /**
     * A checkout system's producer: Avro events in Confluent wire format, each signed with its merchant's demo key.
     *
     * @param settings the producer's settings, the registry's (schema.registry.url) among them
     */
    public static KafkaProducer<String, Object> producer(Map<String, Object> settings) {
        return new KafkaProducer<>(settings, new StringSerializer(), CheckoutSigningSerializer.of(settings, KEYS));
    }
}
