package com.vendstream.kit.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns on the outbox relay in a service that lists its outbox collections. */
@AutoConfiguration
@EnableScheduling
@ConditionalOnProperty(prefix = "vendstream.outbox", name = "collections")
public class OutboxConfiguration {

    /** Picked up by the Kafka binder for every output binding (see {@link BinderSends}). */
    @Bean
    BinderSends outboxBinderSends() {
        return new BinderSends();
    }

    @Bean
    OutboxRelay.Publisher outboxPublisher(BinderSends sends, StreamBridge bridge, BindingServiceProperties bindings) {
        return sends.over(bridge, bindings.getBindings().entrySet().stream()
                .filter(b -> b.getValue().getDestination() != null).map(Map.Entry::getKey)
                .collect(Collectors.toSet()));
    }

    @Bean(destroyMethod = "shutdown")
    OutboxRelay outboxRelay(ReactiveMongoTemplate mongo, OutboxRelay.Publisher publisher, MeterRegistry meters,
                            @Value("${vendstream.outbox.collections}") Set<String> collections,
                            @Value("${vendstream.outbox.threads:4}") int threads) {
        return new OutboxRelay(mongo, publisher, collections, meters, threads);
    }
}
