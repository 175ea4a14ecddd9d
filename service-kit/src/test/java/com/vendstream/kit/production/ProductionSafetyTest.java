package com.vendstream.kit.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Issue 16: with the production profile a service refuses to start on the local stack's and the sandbox's
 * settings, naming each unsafe setting and never its value; configured for production, it starts. A light
 * context with the packaged files every service imports (vendstream-kafka.yml, vendstream-providers.yml).
 */
class ProductionSafetyTest {

    @Configuration(proxyBeanMethods = false)
    static class Light {
    }

    static final String KAFKA_PASSWORD = "kafka-secret-1f9c";
    static final String VTPASS_KEY = "live-key-77aa";

    /** A production configuration for a service using VTpass only. */
    static Map<String, String> production() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("vendstream.kafka.bootstrap-servers", "vendstream-kafka-bootstrap:9093");
        settings.put("vendstream.kafka.security.protocol", "SASL_SSL");
        settings.put("vendstream.kafka.sasl.username", "order-service");
        settings.put("vendstream.kafka.sasl.password", KAFKA_PASSWORD);
        settings.put("spring.mongodb.uri", "mongodb://mongodb-0.mongodb:27017/vendstream?replicaSet=rs0");
        settings.put("vendstream.production.secrets", "spring.mongodb.uri");
        settings.put("vendstream.providers.vtpass.base-url", "https://vtpass.com/api");
        settings.put("vendstream.providers.vtpass.api-key", VTPASS_KEY);
        settings.put("vendstream.providers.vtpass.public-key", "PK_live_1");
        settings.put("vendstream.providers.vtpass.secret-key", "SK_live_1");
        return settings;
    }

    static ConfigurableApplicationContext start(Map<String, String> settings, String... profiles) {
        SpringApplication app = new SpringApplication(Light.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setAdditionalProfiles(profiles);
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put("spring.config.import", "classpath:vendstream-kafka.yml,classpath:vendstream-providers.yml");
        return app.run(all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    static Map<String, String> productionWith(String setting, String value) {
        Map<String, String> settings = production();
        if (value == null) {
            settings.remove(setting);
        } else {
            settings.put(setting, value);
        }
        return settings;
    }

    static void refused(Map<String, String> settings, String setting, String... secrets) {
        assertThatThrownBy(() -> start(settings, ProductionSafety.PROFILE).close())
                .isInstanceOf(ProductionSafety.UnsafeProductionSettings.class)
                .hasMessageContaining(setting)
                .satisfies(e -> {
                    for (String secret : secrets) {
                        assertThat(e.getMessage()).doesNotContain(secret);
                    }
                });
    }

    @Test
    void aProductionConfigurationStarts() {
        try (ConfigurableApplicationContext context = start(production(), ProductionSafety.PROFILE)) {
            assertThat(context.isActive()).isTrue();
        }
    }

    @Test
    void plaintextKafkaIsRefused() {
        refused(productionWith("vendstream.kafka.security.protocol", "PLAINTEXT"), "vendstream.kafka.security.protocol");
    }

    @Test
    void kafkaWithoutBothTlsAndSaslIsRefused() {
        // SASL_PLAINTEXT sends the credentials and payments in clear; SSL alone gives the ACLs no client identity.
        refused(productionWith("vendstream.kafka.security.protocol", "SASL_PLAINTEXT"),
                "vendstream.kafka.security.protocol", KAFKA_PASSWORD);
        refused(productionWith("vendstream.kafka.security.protocol", "SSL"), "vendstream.kafka.security.protocol");
    }

    @Test
    void saslSslWithItsMechanismAndCredentialsStarts() {
        Map<String, String> settings = productionWith("vendstream.kafka.security.protocol", "sasl_ssl");
        settings.put("vendstream.kafka.sasl.mechanism", "SCRAM-SHA-256");
        settings.put("vendstream.kafka.ssl.truststore-location", "/etc/kafka-ca/ca.crt");
        settings.put("vendstream.kafka.ssl.truststore-type", "PEM");
        try (ConfigurableApplicationContext context = start(settings, ProductionSafety.PROFILE)) {
            assertThat(context.getEnvironment()
                    .getProperty("spring.cloud.stream.kafka.binder.configuration.security.protocol"))
                    .isEqualTo("SASL_SSL");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "spring.cloud.stream.kafka.binder.configuration.security.protocol=PLAINTEXT",
            "spring.cloud.stream.kafka.binder.configuration[security.protocol]=SASL_PLAINTEXT",
            "spring.cloud.stream.kafka.binder.consumer-properties.security.protocol=PLAINTEXT",
            "spring.cloud.stream.kafka.binder.producerProperties.sasl.jaas.config=other-login",
            "spring.cloud.stream.kafka.binder.configuration.ssl.endpoint.identification.algorithm=",
            "spring.cloud.stream.kafka.bindings.orders-in-0.consumer.configuration.security.protocol=PLAINTEXT",
            "spring.kafka.security.protocol=PLAINTEXT",
            "spring.kafka.properties.security.protocol=PLAINTEXT",
            "spring.kafka.consumer.ssl.trust-store-location=file:/tmp/other.jks"})
    void anExplicitKafkaClientSecuritySettingIsRefusedByName(String setting) {
        String name = setting.substring(0, setting.indexOf('='));
        String value = setting.substring(setting.indexOf('=') + 1);
        Map<String, String> settings = production();
        settings.put(name, value);
        // Named as Spring names it (producerProperties: producerproperties), never with its value.
        refused(settings, ConfigurationPropertyName.adapt(name, '.') + " overrides vendstream.kafka.*", KAFKA_PASSWORD,
                value.isEmpty() ? KAFKA_PASSWORD : value);
    }

    @Test
    void anExplicitSettingEqualToVendstreamKafkaStarts() {
        Map<String, String> settings = production();
        settings.put("spring.cloud.stream.kafka.binder.configuration.security.protocol", "SASL_SSL");
        settings.put("spring.cloud.stream.kafka.binder.configuration.sasl.mechanism",
                "${vendstream.kafka.sasl.mechanism:SCRAM-SHA-512}");
        try (ConfigurableApplicationContext context = start(settings, ProductionSafety.PROFILE)) {
            assertThat(context.isActive()).isTrue();
        }
    }

    @Test
    void saslWithoutItsPasswordIsRefusedByName() {
        refused(productionWith("vendstream.kafka.sasl.password", null), "vendstream.kafka.sasl.password");
    }

    @Test
    void aProviderAtTheSandboxIsRefused() {
        refused(productionWith("vendstream.providers.vtpass.base-url", "http://provider-sandbox:8090/vtpass/api"),
                "vendstream.providers.vtpass.base-url");
        refused(productionWith("vendstream.providers.vtpass.base-url", "http://127.0.0.1:8090/x"),
                "vendstream.providers.vtpass.base-url");
        // This machine and its link in every spelling a resolver accepts (never looked up in DNS).
        for (String host : List.of("127.0.0.2", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "localhost.",
                "LOCALHOST", "foo.localhost", "foo.localhost.", "0.0.0.0", "0", "169.254.169.254", "[::1]",
                "[0:0:0:0:0:0:0:1]", "[0000:0000:0000:0000:0000:0000:0000:0001]", "[::ffff:127.0.0.1]",
                "[::127.0.0.1]", "[::]", "[fe80::1]")) {
            refused(productionWith("vendstream.providers.vtpass.base-url", "https://" + host + ":8443/api"),
                    "vendstream.providers.vtpass.base-url points at the provider sandbox or this machine");
        }
        // Private ranges are where an in-cluster gateway lives; a name is not resolved.
        for (String host : List.of("10.2.0.7", "192.168.1.20", "[fd00::7]", "gateway.payments.svc", "1.example")) {
            try (ConfigurableApplicationContext context = start(
                    productionWith("vendstream.providers.vtpass.base-url", "https://" + host + "/api"),
                    ProductionSafety.PROFILE)) {
                assertThat(context.isActive()).as(host).isTrue();
            }
        }
        // The sandbox's own paths, wherever it is hosted.
        refused(productionWith("vendstream.providers.vtpass.base-url", "https://sandbox.example.com/vtpass/api"),
                "vendstream.providers.vtpass.base-url");
    }

    @Test
    void aProviderOverPlainHttpIsRefused() {
        refused(productionWith("vendstream.providers.vtpass.base-url", "http://vtpass.com/api"),
                "vendstream.providers.vtpass.base-url must be https");
    }

    @Test
    void aSandboxCredentialIsRefusedWithoutShowingIt() {
        // Set explicitly to the sandbox's value, and left to the packaged default.
        refused(productionWith("vendstream.providers.vtpass.api-key", "sandbox-api-key"),
                "vendstream.providers.vtpass.api-key", "sandbox-api-key");
        refused(productionWith("vendstream.providers.vtpass.secret-key", null),
                "vendstream.providers.vtpass.secret-key", "SK_sandbox");
    }

    @Test
    void aSecretTheDeploymentDidNotSetIsRefused() {
        // The Mongo URI only from the packaged file (localhost).
        refused(productionWith("spring.mongodb.uri", null), "spring.mongodb.uri");
        // A service's secret nobody set.
        Map<String, String> settings = production();
        settings.put("vendstream.production.secrets", "spring.mongodb.uri,vendstream.ops.login.guard-key");
        refused(settings, "vendstream.ops.login.guard-key is required");
    }

    @Test
    void everyUnsafeSettingIsNamedAtOnce() {
        Map<String, String> settings = productionWith("vendstream.kafka.security.protocol", "PLAINTEXT");
        settings.put("vendstream.providers.vtpass.api-key", "sandbox-api-key");
        assertThatThrownBy(() -> start(settings, ProductionSafety.PROFILE).close())
                .hasMessageContaining("vendstream.kafka.security.protocol")
                .hasMessageContaining("vendstream.providers.vtpass.api-key");
    }

    @Test
    void withoutTheProductionProfileTheLocalSettingsStart() {
        Map<String, String> local = Map.of("vendstream.kafka.bootstrap-servers", "localhost:9092",
                "vendstream.providers.vtpass.base-url", "http://localhost:8090/vtpass/api");
        try (ConfigurableApplicationContext context = start(local)) {
            assertThat(context.isActive()).isTrue();
        }
    }
}
