package com.vendstream.kit.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.kit.kafka.KafkaSecurityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.cloud.stream.binder.kafka.properties.KafkaBinderConfigurationProperties;
import org.springframework.cloud.stream.binder.kafka.provisioning.AdminClientConfigCustomizer;
import org.springframework.cloud.stream.binder.kafka.provisioning.KafkaTopicProvisioner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * Issue 16: vendstream.kafka.security.protocol, sasl.* and ssl.* reach every Kafka client a service makes: the
 * binder's producers (the outbox sends through them), consumers and admin client (topic provisioning), the
 * dead-letter producer and readers ({@link BinderClients}, which ops-service's admin clients use too) and the
 * re-drive tool. The JAAS line is built from the user name and password.
 */
class KafkaSecurityEveryClientTest {

    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"order-service\" password=\"s3cr\\\"et\";";

    private static StandardEnvironment environment(Map<String, Object> settings) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("kafka", new ClassPathResource("vendstream-kafka.yml"))
                .forEach(environment.getPropertySources()::addLast);
        environment.getPropertySources().addFirst(new MapPropertySource("deployment", settings));
        KafkaSecurityEnvironment.apply(environment);
        return environment;
    }

    private static Map<String, Object> scramOverTls(Path truststore) {
        return Map.of("vendstream.kafka.bootstrap-servers", "kafka-bootstrap:9093",
                "vendstream.kafka.security.protocol", "SASL_SSL",
                "vendstream.kafka.sasl.mechanism", "SCRAM-SHA-512",
                "vendstream.kafka.sasl.username", "order-service",
                "vendstream.kafka.sasl.password", "s3cr\"et",
                "vendstream.kafka.ssl.truststore-location", truststore.toString(),
                "vendstream.kafka.ssl.truststore-type", "PKCS12",
                "vendstream.kafka.ssl.truststore-password", "changeit");
    }

    private static Map<String, Object> expected(Path truststore) {
        return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                "ssl.truststore.location", truststore.toString(), "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", "changeit");
    }

    @Test
    void everyClientFactoryOfAServiceConnectsWithTheSecuritySettings(@TempDir Path dir) throws IOException {
        Path truststore = Files.createFile(dir.resolve("truststore.p12"));
        StandardEnvironment environment = environment(scramOverTls(truststore));

        Binder binder = Binder.get(environment);
        KafkaProperties boot = binder.bindOrCreate("spring.kafka", KafkaProperties.class);
        KafkaBinderConfigurationProperties binderProperties = new KafkaBinderConfigurationProperties(boot,
                new DefaultListableBeanFactory().getBeanProvider(KafkaConnectionDetails.class));
        binder.bind("spring.cloud.stream.kafka.binder", Bindable.ofInstance(binderProperties));
        Map<String, Object> provisioner = new KafkaTopicProvisioner(binderProperties, boot,
                List.<AdminClientConfigCustomizer>of()).getAdminClientProperties();
        BinderClients deadLetters = BinderClients.from(environment,
                new DefaultListableBeanFactory().getBeanProvider(KafkaConnectionDetails.class));

        Map<String, Map<String, Object>> clients = Map.of(
                "binder producer (outbox)", binderProperties.mergedProducerConfiguration(),
                "binder consumer", binderProperties.mergedConsumerConfiguration(),
                "binder admin (provisioning)", provisioner,
                "dead-letter producer", deadLetters.producer(),
                "dead-letter readers", deadLetters.consumer(),
                "admin clients (dead-letter topics, ops-service)", deadLetters.admin());
        clients.forEach((client, config) -> assertThat(config).as(client)
                .containsAllEntriesOf(expected(truststore))
                .containsEntry("bootstrap.servers", "kafka-bootstrap:9093"));
    }

    @Test
    void theRedriveToolConnectsAsTheServicesDo(@TempDir Path dir) throws IOException {
        Path truststore = Files.createFile(dir.resolve("truststore.p12"));
        Map<String, String> env = Map.of("VENDSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "VENDSTREAM_KAFKA_SASL_USERNAME", "order-service", "VENDSTREAM_KAFKA_SASL_PASSWORD", "s3cr\"et",
                "VENDSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString(),
                "VENDSTREAM_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12", "VENDSTREAM_KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
                "VENDSTREAM_KAFKA_BOOTSTRAP_SERVERS", "kafka-bootstrap:9093");

        assertThat(Redrive.clientSettings(new String[] {"some.dlq"}, env))
                .containsAllEntriesOf(expected(truststore))
                .containsEntry("bootstrap.servers", "kafka-bootstrap:9093");
    }

    @Test
    void plaintextByDefaultAndNoTopicsMadeByTheServices() throws IOException {
        StandardEnvironment environment = environment(Map.of());
        BinderClients clients = BinderClients.from(environment,
                new DefaultListableBeanFactory().getBeanProvider(KafkaConnectionDetails.class));

        assertThat(clients.producer()).containsEntry("security.protocol", "PLAINTEXT")
                .doesNotContainKeys("sasl.jaas.config", "sasl.mechanism");
        // Production's topics come from the catalogue (replication 3); the test kit and local stack turn this on.
        assertThat(clients.autoCreateTopics()).isFalse();
        assertThat(clients.replicationFactor()).isEqualTo((short) 3);
    }

    @Test
    void saslWithoutAPasswordFailsNamingTheSettingAndNoSecret() {
        assertThatThrownBy(() -> environment(Map.of("vendstream.kafka.security.protocol", "SASL_SSL",
                "vendstream.kafka.sasl.username", "order-service")))
                .hasMessageContaining("vendstream.kafka.sasl.password");
    }
}
