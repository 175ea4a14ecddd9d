package com.vendstream.order.merchant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.kit.production.ProductionSafety;
import com.vendstream.order.OrderServiceApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Issue 16: with the production profile order-service refuses the demo merchants its order-service.yml ships (by
 * id and by API key) and funded demo floats, naming the setting and not the key; the deployment's own merchants
 * start. A light context on order-service's own configuration files.
 */
class DemoMerchantsRuleTest {

    @Configuration(proxyBeanMethods = false)
    static class Light {
    }

    static final String DEMO_KEY = "d09453e5d5a47120605987b7b9cda1e9469ccf81d6864edb0c9af39287900749";
    static final String SHOP_KEY = "4f3c2b1a".repeat(8);

    static Map<String, String> production() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.config.name", OrderServiceApplication.CONFIG_NAME);
        settings.put("vendstream.kafka.security.protocol", "SASL_SSL");
        settings.put("vendstream.kafka.sasl.mechanism", "SCRAM-SHA-512");
        settings.put("vendstream.kafka.sasl.username", "order-service");
        settings.put("vendstream.kafka.sasl.password", "kafka-secret-5e21");
        settings.put("spring.mongodb.uri", "mongodb://mongodb-0.mongodb:27017/vendstream?replicaSet=rs0");
        settings.put("vendstream.merchants[0].id", "shop-ikeja");
        settings.put("vendstream.merchants[0].name", "Shop Ikeja");
        settings.put("vendstream.merchants[0].api-key-sha256", SHOP_KEY);
        settings.put("vendstream.merchants[0].time-zone", "Africa/Lagos");
        settings.put("vendstream.merchants[0].wallets[0].id", "shop-ikeja-ngn");
        settings.put("vendstream.merchants[0].wallets[0].currency", "NGN");
        return settings;
    }

    static ConfigurableApplicationContext start(Map<String, String> settings) {
        SpringApplication app = new SpringApplication(Light.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setAdditionalProfiles(ProductionSafety.PROFILE);
        return app.run(settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new));
    }

    @Test
    void theDeploymentsOwnMerchantsStart() {
        try (ConfigurableApplicationContext context = start(production())) {
            assertThat(context.isActive()).isTrue();
        }
    }

    @Test
    void thePackagedDemoMerchantsAreRefused() {
        Map<String, String> settings = production();
        settings.keySet().removeIf(k -> k.startsWith("vendstream.merchants"));

        assertThatThrownBy(() -> start(settings).close())
                .isInstanceOf(ProductionSafety.UnsafeProductionSettings.class)
                .hasMessageContaining("vendstream.merchants[0].id is a demo merchant")
                .hasMessageContaining("vendstream.merchants[0].api-key-sha256")
                .hasMessageContaining("vendstream.merchants[0].wallets[0].opening-balance-minor")
                .hasMessageNotContaining(DEMO_KEY);
    }

    @Test
    void aDemoKeyUnderAnotherNameIsRefusedWithoutShowingIt() {
        Map<String, String> settings = production();
        settings.put("vendstream.merchants[0].api-key-sha256", DEMO_KEY);

        assertThatThrownBy(() -> start(settings).close())
                .hasMessageContaining("vendstream.merchants[0].api-key-sha256 is a demo merchant's key")
                .hasMessageNotContaining(DEMO_KEY);
    }

    @Test
    void aFundedDemoFloatIsRefused() {
        Map<String, String> settings = production();
        settings.put("vendstream.merchants[0].wallets[0].id", "demo-float-ngn");
        settings.put("vendstream.merchants[0].wallets[0].opening-balance-minor", "100000000");

        assertThatThrownBy(() -> start(settings).close())
                .hasMessageContaining("vendstream.merchants[0].wallets[0].opening-balance-minor funds a demo float");
    }

    @Test
    void aDemoKeyAsTheNextKeyIsRefusedToo() {
        Map<String, String> settings = production();
        settings.put("vendstream.merchants[0].next-api-key-sha256", DEMO_KEY);

        assertThatThrownBy(() -> start(settings).close())
                .hasMessageContaining("vendstream.merchants[0].next-api-key-sha256 is a demo merchant's key")
                .hasMessageNotContaining(DEMO_KEY);
    }

    @Test
    void unsignedCheckoutEventsAreRefused() {
        Map<String, String> settings = production();
        settings.put("vendstream.order.checkout.signatures-required", "false");

        assertThatThrownBy(() -> start(settings).close())
                .hasMessageContaining("vendstream.order.checkout.signatures-required must be true");
    }
}
