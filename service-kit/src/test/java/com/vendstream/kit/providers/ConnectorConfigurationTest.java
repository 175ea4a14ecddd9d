package com.vendstream.kit.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.VendConnector;
import com.vendstream.providers.dollr.MobileMoneyConnector;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/** Every provider's connector is built from its settings (the shared sandbox defaults plus a base URL). */
class ConnectorConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConnectorConfiguration.class))
            .withInitializer(context -> {
                try {
                    List<PropertySource<?>> shared = new YamlPropertySourceLoader()
                            .load("providers", new ClassPathResource("vendstream-providers.yml"));
                    shared.forEach(context.getEnvironment().getPropertySources()::addLast);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });

    @Test
    void aConnectorForEveryProviderWithABaseUrl() {
        runner.withPropertyValues(
                        "vendstream.providers.vtpass.base-url=http://localhost:1/vtpass/api",
                        "vendstream.providers.pagamio.base-url=http://localhost:1/pagamio/api/v1",
                        "vendstream.providers.pawacard.base-url=http://localhost:1/pawacard/v3",
                        "vendstream.providers.pay4power.base-url=http://localhost:1/pay4power/api/v2.1/b2b",
                        "vendstream.providers.dollr.base-url=http://localhost:1/dollr/v1",
                        // A deployment's override wins over the shared default, through the record's canonical constructor.
                        "vendstream.providers.pagamio.purchases-per-minute=20",
                        "vendstream.providers.pawacard.reference-node=7",
                        "vendstream.providers.pagamio.merchant-id=MER-1001",
                        "vendstream.providers.vtpass.merchant-phone=08011111111")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeansOfType(VendConnector.class).values()).extracting(VendConnector::id)
                            .containsExactlyInAnyOrder("vtpass", "pagamio", "pawacard", "pay4power");
                    assertThat(context.getBean(MobileMoneyConnector.class).id()).isEqualTo("dollr");
                    assertThat(ConnectorConfiguration.bind(context.getEnvironment(), "pagamio",
                            com.vendstream.providers.pagamio.PagamioProperties.class))
                            .satisfies(p -> {
                                assertThat(p.username()).isEqualTo("sandbox-merchant");
                                assertThat(p.purchasesPerMinute()).isEqualTo(20);
                                assertThat(p.readTimeout()).hasSeconds(4);
                                // Configured, since Pagamio's login does not name the account.
                                assertThat(p.userTypeId()).isEqualTo("MER-1001");
                            });
                    assertThat(ConnectorConfiguration.bind(context.getEnvironment(), "vtpass",
                            com.vendstream.providers.vtpass.VtpassProperties.class).merchantPhone())
                            .isEqualTo("08011111111");
                    assertThat(ConnectorConfiguration.bind(context.getEnvironment(), "pawacard",
                            com.vendstream.providers.pawacard.PawacardProperties.class).referenceNode()).isEqualTo(7);
                    assertThat(ConnectorConfiguration.bind(context.getEnvironment(), "dollr",
                            com.vendstream.providers.dollr.DollrProperties.class).payoutPasscode().code())
                            .isEqualTo("246810");
                });
    }

    @Test
    void noBaseUrlNoConnector() {
        runner.withPropertyValues("vendstream.providers.vtpass.base-url=http://localhost:1/vtpass/api")
                .run(context -> {
                    assertThat(context.getBeansOfType(VendConnector.class).values()).extracting(VendConnector::id)
                            .containsExactly("vtpass");
                    assertThat(context).doesNotHaveBean(MobileMoneyConnector.class);
                });
    }
}
