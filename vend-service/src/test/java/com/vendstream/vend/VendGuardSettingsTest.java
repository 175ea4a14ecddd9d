package com.vendstream.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.testkit.GuardBindings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** vend-service's guards: vendstream.vend.bulkhead.* and vendstream.vend.circuit.*, with the defaults of always. */
class VendGuardSettingsTest {

    private final VendServiceConfiguration configuration = new VendServiceConfiguration();

    @Test
    void unsetTheyAre32CallsWaiting10sAndACircuitOpenFor30sAt50PercentOf10() {
        assertThat(configuration.vendGuard(new MockEnvironment()))
                .isEqualTo(new GuardSettings(32, Duration.ofSeconds(10), Duration.ofSeconds(30), 50, 10))
                .isEqualTo(GuardSettings.defaults());
    }

    @Test
    void theBulkheadIsSetUnderBulkheadAndTheBreakerUnderCircuitAndBadValuesAreRefused() {
        GuardBindings.assertBoundUnder(configuration::vendGuard, "vendstream.vend.bulkhead", "vendstream.vend.circuit");
    }
}
