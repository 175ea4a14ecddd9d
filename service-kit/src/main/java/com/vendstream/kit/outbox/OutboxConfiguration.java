package com.vendstream.kit.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Turns on the outbox relay in a service that lists its outbox collections. */
@AutoConfiguration
@EnableScheduling
@ConditionalOnProperty(prefix = "vendstream.outbox", name = "collections")
public class OutboxConfiguration {

    @Bean(destroyMethod = "shutdown")
    OutboxRelay outboxRelay(ReactiveMongoTemplate mongo, StreamBridge bridge, MeterRegistry meters,
                            @Value("${vendstream.outbox.collections}") Set<String> collections,
                            @Value("${vendstream.outbox.threads:4}") int threads) {
        return new OutboxRelay(mongo, bridge, collections, meters, threads);
    }
}
