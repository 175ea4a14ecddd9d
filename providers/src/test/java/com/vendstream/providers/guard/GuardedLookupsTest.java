package com.vendstream.providers.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Account lookups behind the guards: which answers count against a provider, and what a kept-back one gets. */
class GuardedLookupsTest {

    /** A provider whose lookups all get the same answer. */
    static final class Lookups implements VendConnector {
        final AtomicInteger asked = new AtomicInteger();
        volatile AccountVerification answer;

        @Override
        public String id() {
            return "vtpass";
        }

        @Override
        public Set<ServiceType> services() {
            return Set.of(ServiceType.ELECTRICITY);
        }

        @Override
        public String newReference() {
            return "r";
        }

        @Override
        public VendOutcome vend(VendCommand command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public VendOutcome requery(RequeryCommand command) {
            throw new UnsupportedOperationException();
        }

        @Override
        public AccountVerification verify(VerifyCommand command) {
            asked.incrementAndGet();
            return answer;
        }
    }

    private static final VerifyCommand METER = new VerifyCommand(ServiceType.ELECTRICITY, "IKEDC", "prepaid",
            "1111111111111");
    private static final GuardSettings SETTINGS = new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4);

    @Test
    void validAndInvalidAnswersAreAProviderThatIsUp() {
        Lookups provider = new Lookups();
        GuardedConnectors guards = new GuardedConnectors(List.of(provider), SETTINGS);
        for (AccountVerification answer : List.of(AccountVerification.invalid("not correct"),
                new AccountVerification(AccountVerification.Status.VALID, "TESTMETER1", Map.of(), null, null))) {
            provider.answer = answer;
            for (int i = 0; i < 4; i++) {
                assertThat(guards.<AccountVerification>verify("vtpass", METER, a -> a, n -> null)).isEqualTo(answer);
            }
        }
        assertThat(provider.asked).hasValue(8);
        assertThat(guards.breaker("vtpass").getState().name()).isEqualTo("CLOSED");
    }

    @Test
    void unavailableAnswersOpenTheCircuitAndTheNextLookupIsKeptBackWithoutAsking() {
        Lookups provider = new Lookups();
        provider.answer = AccountVerification.unavailable("VTpass could not be reached");
        GuardedConnectors guards = new GuardedConnectors(List.of(provider), SETTINGS);
        for (int i = 0; i < 4; i++) {
            // The provider's own answer still reaches the caller as it was.
            assertThat(guards.<AccountVerification>verify("vtpass", METER, a -> a, n -> null)).isEqualTo(provider.answer);
        }

        VendOutcome.NotSent keptBack = guards.<VendOutcome.NotSent>verify("vtpass", METER, a -> null, n -> n);

        assertThat(provider.asked).hasValue(4);
        assertThat(keptBack.reason()).isEqualTo(VendOutcome.NotSentReason.CIRCUIT_OPEN);
        assertThat(keptBack.retryAfter()).isEqualTo(Duration.ofMinutes(1));
    }
}
