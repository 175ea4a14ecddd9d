package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.testkit.GuardBindings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/**
 * order-service's guards: account lookups and catalogue listings (vendstream.order.guard.*), mobile-money calls
 * (vendstream.payments.guard.*).
 */
class OrderGuardSettingsTest {

    private final OrderServiceConfiguration configuration = new OrderServiceConfiguration();

    @Test
    void unsetTheyAre32CallsWaiting1sAndACircuitOpenFor30sAt50PercentOf10() {
        assertThat(configuration.orderGuard(new MockEnvironment()))
                .isEqualTo(new GuardSettings(32, Duration.ofSeconds(1), Duration.ofSeconds(30), 50, 10));
    }

    @Test
    void eachIsSetUnderVendstreamOrderGuardAndBadValuesAreRefused() {
        GuardBindings.assertBoundUnder(configuration::orderGuard, "vendstream.order.guard", "vendstream.order.guard");
    }

    @Test
    void mobileMoneyCallsUnsetHaveVendServicesDefaults() {
        assertThat(configuration.paymentsGuard(new MockEnvironment())).isEqualTo(GuardSettings.defaults());
    }

    @Test
    void mobileMoneyCallsAreSetUnderVendstreamPaymentsGuardAndBadValuesAreRefused() {
        GuardBindings.assertBoundUnder(configuration::paymentsGuard, "vendstream.payments.guard",
                "vendstream.payments.guard");
    }
}
