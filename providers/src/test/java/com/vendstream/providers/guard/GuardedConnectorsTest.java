package com.vendstream.providers.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GuardedConnectorsTest {

    /**
     * A provider whose requeries all end the same way, and whose lookups (GuardedLookupsTest) do too. Not the
     * test kit's ScriptedConnector: service-kit, whose test-jar holds it, depends on providers.
     */
    static final class Scripted implements VendConnector {
        final AtomicInteger requeries = new AtomicInteger();
        final VendOutcome answer;
        final AtomicInteger lookups = new AtomicInteger();
        volatile AccountVerification lookupAnswer;

        Scripted(VendOutcome answer) {
            this.answer = answer;
        }

        @Override
        public String id() {
            return "vtpass";
        }

        @Override
        public Set<ServiceType> services() {
            return Set.of(ServiceType.AIRTIME);
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
            requeries.incrementAndGet();
            return answer;
        }

        @Override
        public AccountVerification verify(VerifyCommand command) {
            lookups.incrementAndGet();
            return lookupAnswer;
        }
    }

    private static final GuardSettings SETTINGS = new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4);
    private static final RequeryCommand REQUERY = new RequeryCommand("r-1", ServiceType.AIRTIME, "MTN", null, null);

    @Test
    void requeriesAnsweredWith5xxOpenTheCircuitAndAreThenKeptBackAsNotSent() {
        Scripted provider = new Scripted(VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP 503", "server error"));
        GuardedConnectors guards = new GuardedConnectors(List.of(provider), SETTINGS);
        for (int i = 0; i < 4; i++) {
            assertThat(guards.requery("vtpass", REQUERY)).isInstanceOf(VendOutcome.Pending.class);
        }

        VendOutcome keptBack = guards.requery("vtpass", REQUERY);

        assertThat(keptBack).isInstanceOfSatisfying(VendOutcome.NotSent.class, n -> {
            assertThat(n.reason()).isEqualTo(VendOutcome.NotSentReason.CIRCUIT_OPEN);
            assertThat(n.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        });
        assertThat(provider.requeries).hasValue(4);
    }

    @Test
    void requeriesOfStuckTransactionsThatTimeOutOrEchoAnotherReferenceNeverOpenTheCircuit() {
        for (VendOutcome stuck : List.of(VendOutcome.pending(PendingCause.TIMEOUT, null, "read timed out"),
                VendOutcome.pending(PendingCause.UNPARSEABLE_REPLY, "200", "reply names reference r-2, not r-1"))) {
            Scripted provider = new Scripted(stuck);
            GuardedConnectors guards = new GuardedConnectors(List.of(provider), SETTINGS);
            for (int i = 0; i < 20; i++) {
                assertThat(guards.requery("vtpass", REQUERY)).isEqualTo(stuck);
            }
            assertThat(provider.requeries).hasValue(20);
            assertThat(guards.breaker("vtpass").getState().name()).isEqualTo("CLOSED");
        }
    }

    @Test
    void anyCallThatThrowsCountsAgainstTheProviderAndIsThenAnsweredByKeptBack() {
        GuardedConnectors guards = new GuardedConnectors(List.of(new Scripted(null)), SETTINGS);
        AtomicInteger reports = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> guards.call("vtpass", () -> {
                reports.incrementAndGet();
                throw new IllegalStateException("report failed with HTTP 503");
            }, n -> List.of())).isInstanceOf(IllegalStateException.class);
        }

        List<String> answer = guards.call("vtpass", () -> List.of("never asked"), n -> List.of(n.reason().name()));

        assertThat(answer).containsExactly("CIRCUIT_OPEN");
        assertThat(reports).hasValue(4);
        assertThat(guards.breaker("vtpass").getState().name()).isEqualTo("OPEN");
    }
}
