package com.vendstream.kit.kafka;

import com.vendstream.schemas.client.KafkaSecurity;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Puts the security settings ({@link KafkaSecurity}: {@code vendstream.kafka.security.protocol},
 * {@code vendstream.kafka.sasl.*}, {@code vendstream.kafka.ssl.*}) into the binder's client configuration
 * ({@code spring.cloud.stream.kafka.binder.configuration.*}), which every Kafka client of a service is made from:
 * the binder's producers (the outbox's sends), consumers and admin client, and service-kit's {@code BinderClients}
 * (the dead-letter producer and readers, ops-service's admin clients). It runs once the application's property
 * sources are all in place (a test's dynamic properties too) and before any bean is made; settings that make no
 * connection (SASL without a password, ...) fail the start, naming the setting.
 */
public class KafkaSecurityEnvironment implements ApplicationListener<ApplicationPreparedEvent> {

    /** The property source this adds (ProductionSafety reads around it). */
    public static final String NAME = "vendstreamKafkaSecurity";
    static final String PREFIX = "spring.cloud.stream.kafka.binder.configuration.";

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        apply(event.getApplicationContext().getEnvironment());
    }

    /**
     * Adds the client properties to this environment, below every other source: an explicit binder setting wins
     * locally; with the production profile ProductionSafety refuses one that differs from vendstream.kafka.*.
     */
    public static void apply(ConfigurableEnvironment environment) {
        if (environment.getPropertySources().contains(NAME)) {
            return;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        KafkaSecurity.from(environment::getProperty).clientProperties()
                .forEach((key, value) -> properties.put(PREFIX + key, value));
        environment.getPropertySources().addLast(new MapPropertySource(NAME, properties));
    }
}
