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

    /** A provider whose requeries time out: silence is what opens a breaker. */
    static final class Silent implements VendConnector {
        final AtomicInteger requeries = new AtomicInteger();

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
            return VendOutcome.pending(PendingCause.TIMEOUT, null, "read timed out");
        }

        @Override
        public AccountVerification verify(VerifyCommand command) {
            throw new UnsupportedOperationException();
        }
    }

    private static final GuardSettings SETTINGS = new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4);
    private static final RequeryCommand REQUERY = new RequeryCommand("r-1", ServiceType.AIRTIME, "MTN", null, null);

    @Test
    void requeriesThatTimeOutOpenTheCircuitAndAreThenKeptBackAsNotSent() {
        Silent provider = new Silent();
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
    void anyCallThatThrowsCountsAgainstTheProviderAndIsThenAnsweredByKeptBack() {
        GuardedConnectors guards = new GuardedConnectors(List.of(new Silent()), SETTINGS);
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
