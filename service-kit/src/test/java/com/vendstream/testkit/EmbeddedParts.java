package com.vendstream.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What a service runs on, for its integration tests: the embedded KRaft broker, the MongoDB wire store and the
 * schema registry, started in that order and stopped in the reverse one.
 */
public final class EmbeddedParts implements AutoCloseable {

    public final EmbeddedBroker broker;
    public final EmbeddedStore store;
    public final LocalRegistry registry;

    private EmbeddedParts(EmbeddedBroker broker, EmbeddedStore store) {
        this.broker = broker;
        this.store = store;
        this.registry = LocalRegistry.start(broker.bootstrap());
    }

    /** A broker with every service topic ({@code partitions} each), a store in memory and the registry. */
    public static EmbeddedParts start(int partitions) {
        return start(EmbeddedBroker.withServiceTopics(partitions), EmbeddedStore.inMemory());
    }

    /** The registry on this broker, with this store. */
    public static EmbeddedParts start(EmbeddedBroker broker, EmbeddedStore store) {
        return new EmbeddedParts(broker, store);
    }

    public String bootstrap() {
        return broker.bootstrap();
    }

    public String registryUrl() {
        return registry.url();
    }

    /**
     * The settings every service reads to find its parts: vendstream.kafka.bootstrap-servers, spring.mongodb.uri
     * (for {@code database}, options allowed) and vendstream.registry.url.
     */
    public Map<String, String> endpoints(String database) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("vendstream.kafka.bootstrap-servers", bootstrap());
        endpoints.put("spring.mongodb.uri", store.uri(database));
        endpoints.put("vendstream.registry.url", registryUrl());
        return endpoints;
    }

    /** {@link #endpoints} for a Spring test's {@code @DynamicPropertySource}. */
    public void endpoints(DynamicPropertyRegistry props, String database) {
        endpoints(database).forEach((name, value) -> props.add(name, () -> value));
    }

    @Override
    public void close() {
        registry.close();
        store.close();
        broker.close();
    }
}
