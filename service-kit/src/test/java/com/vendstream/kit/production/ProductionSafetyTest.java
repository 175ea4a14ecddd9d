package com.vendstream.kit.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
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
    void saslWithoutItsPasswordIsRefusedByName() {
        refused(productionWith("vendstream.kafka.sasl.password", null), "vendstream.kafka.sasl.password");
    }

    @Test
    void aProviderAtTheSandboxIsRefused() {
        refused(productionWith("vendstream.providers.vtpass.base-url", "http://provider-sandbox:8090/vtpass/api"),
                "vendstream.providers.vtpass.base-url");
        refused(productionWith("vendstream.providers.vtpass.base-url", "http://127.0.0.1:8090/x"),
                "vendstream.providers.vtpass.base-url");
        // The sandbox's own paths, wherever it is hosted.
        refused(productionWith("vendstream.providers.vtpass.base-url", "https://sandbox.example.com/vtpass/api"),
                "vendstream.providers.vtpass.base-url");
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
