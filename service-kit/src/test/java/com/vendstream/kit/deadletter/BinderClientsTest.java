package com.vendstream.kit.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.mock.env.MockEnvironment;

/**
 * Issue 12, item 5: the dead-letter producer (and the reader of original records) is built from the binder's
 * own client settings, so it reaches a TLS/SASL cluster as the binder does, and it serializes what it sends:
 * bytes. Before, the binder's dead-letter producer was given a ByteArray key serializer for String keys, and
 * service-kit's own one knew only the brokers.
 */
class BinderClientsTest {

    private static MockEnvironment environment(String... properties) throws IOException {
        MockEnvironment environment = new MockEnvironment();
        List<PropertySource<?>> shared = new YamlPropertySourceLoader()
                .load("kafka", new ClassPathResource("vendstream-kafka.yml"));
        shared.forEach(environment.getPropertySources()::addLast);
        for (String property : properties) {
            String[] kv = property.split("=", 2);
            environment.setProperty(kv[0], kv[1]);
        }
        return environment;
    }

    private static BinderClients clients(MockEnvironment environment) {
        return BinderClients.from(environment, new DefaultListableBeanFactory().getBeanProvider(
                org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails.class));
    }

    @Test
    void theSecuritySettingsOfTheBinderReachTheDeadLetterClients(@TempDir Path dir) throws IOException {
        // The binder copies a trust store it cannot find on disk from the classpath; this one is on disk.
        String truststore = Files.createFile(dir.resolve("truststore.p12")).toString();
        BinderClients clients = clients(environment(
                "vendstream.kafka.bootstrap-servers=broker-1:9093,broker-2:9093",
                "spring.cloud.stream.kafka.binder.configuration.security.protocol=SASL_SSL",
                "spring.cloud.stream.kafka.binder.configuration.sasl.mechanism=SCRAM-SHA-512",
                "spring.cloud.stream.kafka.binder.configuration.sasl.jaas.config=ScramLoginModule required;",
                "spring.cloud.stream.kafka.binder.configuration.ssl.truststore.location=" + truststore,
                "spring.cloud.stream.kafka.binder.configuration.ssl.truststore.password=changeit"));

        Map<String, Object> security = Map.of("bootstrap.servers", "broker-1:9093,broker-2:9093",
                "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "ScramLoginModule required;",
                "ssl.truststore.location", truststore, "ssl.truststore.password", "changeit");
        assertThat(clients.producer()).containsAllEntriesOf(security);
        assertThat(clients.consumer()).containsAllEntriesOf(security);
        assertThat(clients.admin()).containsAllEntriesOf(security);
    }

    @Test
    void deadLettersAreSentAsBytesByAnIdempotentProducer() throws IOException {
        BinderClients clients = clients(environment("vendstream.kafka.bootstrap-servers=localhost:9092"));

        assertThat(clients.producer())
                .containsEntry("key.serializer", ByteArraySerializer.class)
                .containsEntry("value.serializer", ByteArraySerializer.class)
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true)
                // Registry settings are for the services' Avro serde, not for a producer of bytes.
                .doesNotContainKey("schema.registry.url");
        assertThat(clients.consumer())
                .containsEntry("key.deserializer", ByteArrayDeserializer.class)
                .containsEntry("value.deserializer", ByteArrayDeserializer.class)
                .containsEntry("isolation.level", "read_committed")
                .doesNotContainKey("group.id");
        assertThat(clients.autoCreateTopics()).isFalse();
        assertThat(clients.minPartitionCount()).isEqualTo(6);
    }
}
