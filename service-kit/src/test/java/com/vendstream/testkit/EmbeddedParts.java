package com.vendstream.testkit;

import com.vendstream.schemas.serde.ConfluentAvroDeserializer;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What a service runs on, for its integration tests: the embedded KRaft broker, the MongoDB wire store and the
 * schema registry, started in that order and stopped in the reverse one.
 */
public final class EmbeddedParts implements AutoCloseable {

    public final EmbeddedBroker broker;
    public final EmbeddedStore store;
    public final LocalRegistry registry;

    private EmbeddedParts(EmbeddedBroker broker, EmbeddedStore store, LocalRegistry registry) {
        this.broker = broker;
        this.store = store;
        this.registry = registry;
    }

    /** A broker with every service topic ({@code partitions} each), a store in memory and the registry. */
    public static EmbeddedParts start(int partitions) {
        return start(EmbeddedBroker.withServiceTopics(partitions), EmbeddedStore.inMemory());
    }

    /** The registry on this broker, with this store. */
    public static EmbeddedParts start(EmbeddedBroker broker, EmbeddedStore store) {
        return new EmbeddedParts(broker, store, LocalRegistry.start(broker.bootstrap()));
    }

    /** With this registry (e.g. one connecting to the broker over SCRAM). */
    public static EmbeddedParts start(EmbeddedBroker broker, EmbeddedStore store, LocalRegistry registry) {
        return new EmbeddedParts(broker, store, registry);
    }

    public String bootstrap() {
        return broker.bootstrap();
    }

    public String registryUrl() {
        return registry.url();
    }

    /**
     * The settings every service reads to find its parts: vendstream.kafka.bootstrap-servers, spring.mongodb.uri
     * (for {@code database}, options allowed) and vendstream.registry.url; and, as the local stack, topics made on
     * demand with one replica (the shared settings create none: production's come from the catalogue).
     */
    public Map<String, String> endpoints(String database) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("vendstream.kafka.bootstrap-servers", bootstrap());
        endpoints.put("vendstream.kafka.auto-create-topics", "true");
        endpoints.put("vendstream.kafka.replication-factor", "1");
        endpoints.put("spring.mongodb.uri", store.uri(database));
        endpoints.put("vendstream.registry.url", registryUrl());
        return endpoints;
    }

    /** {@link #endpoints} for a Spring test's {@code @DynamicPropertySource}. */
    public void endpoints(DynamicPropertyRegistry props, String database) {
        endpoints(database).forEach((name, value) -> props.add(name, () -> value));
    }

    /** A producer of Avro events in Confluent wire format, keys as strings, schemas registered here. */
    public Map<String, Object> avroProducerSettings() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class.getName(),
                "schema.registry.url", registryUrl());
    }

    /** A consumer of Avro events as their generated classes, from the earliest offset, in a group of its own. */
    public Map<String, Object> avroConsumerSettings() {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName(),
                "schema.registry.url", registryUrl(), "specific.avro.reader", "true");
    }

    /**
     * A consumer of records as bytes (dead letters, records that are not events), from the earliest offset, in a
     * group of its own named {@code group-<random>}.
     */
    public Map<String, Object> bytesConsumerSettings(String group) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group + "-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    }

    @Override
    public void close() {
        registry.close();
        store.close();
        broker.close();
    }
}
