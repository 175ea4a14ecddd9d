package com.vendstream.recon;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.testkit.GuardBindings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** reconciliation's guards for day reports: vendstream.recon.guard.*, vend-service's defaults. */
class ReportGuardSettingsTest {

    private final ReconConfiguration configuration = new ReconConfiguration();

    @Test
    void unsetTheyAre32CallsWaiting10sAndACircuitOpenFor30sAt50PercentOf10() {
        assertThat(configuration.providerGuard(new MockEnvironment()))
                .isEqualTo(new GuardSettings(32, Duration.ofSeconds(10), Duration.ofSeconds(30), 50, 10));
    }

    @Test
    void eachIsSetUnderVendstreamReconGuardAndBadValuesAreRefused() {
        GuardBindings.assertBoundUnder(configuration::providerGuard, "vendstream.recon.guard", "vendstream.recon.guard");
    }
}
