package com.vendstream.poller;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.testkit.GuardBindings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** status-poller's guards for vend requeries: vendstream.poller.guard.*, with the defaults of always. */
class RequeryGuardSettingsTest {

    private final StatusPollerConfiguration configuration = new StatusPollerConfiguration();

    @Test
    void unsetTheyAre8CallsNoneWaitingAndACircuitOpenFor30sAt50PercentOf10() {
        assertThat(configuration.requeryGuard(new MockEnvironment()))
                .isEqualTo(new GuardSettings(8, Duration.ZERO, Duration.ofSeconds(30), 50, 10));
    }

    @Test
    void eachIsSetUnderVendstreamPollerGuardAndBadValuesAreRefused() {
        GuardBindings.assertBoundUnder(configuration::requeryGuard, "vendstream.poller.guard", "vendstream.poller.guard");
    }
}
