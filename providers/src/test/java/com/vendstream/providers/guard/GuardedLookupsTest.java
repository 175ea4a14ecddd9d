package com.vendstream.providers.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.guard.GuardedConnectorsTest.Scripted;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Account lookups behind the guards: which answers count against a provider, and what a kept-back one gets. */
class GuardedLookupsTest {

    private static final VerifyCommand METER = new VerifyCommand(ServiceType.ELECTRICITY, "IKEDC", "prepaid",
            "1111111111111");
    private static final GuardSettings SETTINGS = new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4);

    @Test
    void validAndInvalidAnswersAreAProviderThatIsUp() {
        Scripted provider = new Scripted(null);
        GuardedConnectors guards = new GuardedConnectors(List.of(provider), SETTINGS);
        // A throttle or a code the connector cannot read is UNAVAILABLE too, but from a provider that answered.
        for (AccountVerification answer : List.of(AccountVerification.invalid("not correct"),
                AccountVerification.unavailable("VTpass answered 030"),
                new AccountVerification(AccountVerification.Status.VALID, "TESTMETER1", Map.of(), null, null))) {
            provider.lookupAnswer = answer;
            for (int i = 0; i < 4; i++) {
                assertThat(guards.<AccountVerification>verify("vtpass", METER, a -> a, n -> null)).isEqualTo(answer);
            }
        }
        assertThat(provider.lookups).hasValue(12);
        assertThat(guards.breaker("vtpass").getState().name()).isEqualTo("CLOSED");
    }

    @Test
    void unavailableAnswersOpenTheCircuitAndTheNextLookupIsKeptBackWithoutAsking() {
        Scripted provider = new Scripted(null);
        provider.lookupAnswer = AccountVerification.unavailable("VTpass could not be reached", true);
        GuardedConnectors guards = new GuardedConnectors(List.of(provider), SETTINGS);
        for (int i = 0; i < 4; i++) {
            // The provider's own answer still reaches the caller as it was.
            assertThat(guards.<AccountVerification>verify("vtpass", METER, a -> a, n -> null)).isEqualTo(provider.lookupAnswer);
        }

        VendOutcome.NotSent keptBack = guards.<VendOutcome.NotSent>verify("vtpass", METER, a -> null, n -> n);

        assertThat(provider.lookups).hasValue(4);
        assertThat(keptBack.reason()).isEqualTo(VendOutcome.NotSentReason.CIRCUIT_OPEN);
        assertThat(keptBack.retryAfter()).isEqualTo(Duration.ofMinutes(1));
    }
}
