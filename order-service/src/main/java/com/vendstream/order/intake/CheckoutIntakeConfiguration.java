package com.vendstream.order.intake;

import com.vendstream.order.checkout.CheckoutIntake;
import com.vendstream.order.checkout.CheckoutSigning;
import com.vendstream.order.order.OrderPlacement;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.springframework.cloud.stream.binder.kafka.support.ConsumerConfigCustomizer;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * OrderPlaced from merchants' checkout systems (binding checkout-in-0, whose values {@link SignedCheckoutDeserializer}
 * reads): signature checked ({@link CheckoutRecords}), then the same validation and placement as the HTTP API.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CheckoutSigning.class)
class CheckoutIntakeConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CheckoutIntakeConfiguration.class);
    private static final String CHECKOUT_BINDING = "checkout-in-0";

    @Bean
    CheckoutIntake checkoutIntake(OrderPlacement placement) {
        return new CheckoutIntake(placement);
    }

    /**
     * The keys for {@link SignedCheckoutDeserializer}, which Kafka creates by class name: its binding's consumer
     * setting, so records are screened by their signature headers before anything is decoded.
     */
    @Bean
    ConsumerConfigCustomizer checkoutSigningForDeserializer(CheckoutSigning signing) {
        return (configs, binding, destination) -> {
            if (CHECKOUT_BINDING.equals(binding)) {
                configs.put(SignedCheckoutDeserializer.SIGNING_CONFIG, signing);
            }
        };
    }

    @Bean
    Consumer<Message<Object>> checkout(CheckoutIntake intake, CheckoutSigning signing, MeterRegistry meters) {
        if (!signing.signaturesRequired()) {
            log.warn("Checkout events are taken unsigned (vendstream.order.checkout.signatures-required=false): any "
                    + "producer on {} can place orders for any merchant", "vendstream.checkout.orders");
        } else if (signing.signingKeys().isEmpty()) {
            log.warn("No checkout signing keys (vendstream.order.checkout.signing-keys): every checkout event is "
                    + "dead-lettered as checkout-signature-invalid");
        }
        CheckoutRecords records = new CheckoutRecords(signing, meters);
        return message -> intake.accept(records.verified(message));
    }
}
