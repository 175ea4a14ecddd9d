package com.vendstream.poller.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.poller.requery.Answer;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.Owner;
import com.vendstream.poller.requery.Requery;
import com.vendstream.poller.requery.State;
import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.providers.pay4power.Pay4PowerTransformer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A requery answer is throttled when the provider's outcome says so, whatever its code is spelt. */
class VendProberThrottleTest {

    @Test
    void aProvidersRateLimitMakesTheProberBackOff() {
        VendOutcome limited = Pay4PowerTransformer.requery(429, "<html>Too Many Requests</html>", false);
        assertThat(VendProber.read(limited)).isInstanceOfSatisfying(Answer.NoAnswer.class,
                a -> assertThat(a.throttled()).isTrue());
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.THROTTLED_AFTER_SEND, null, "slow")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> assertThat(a.throttled()).isTrue());
        assertThat(VendProber.read(new VendOutcome.NotSent("HTTP 429", VendOutcome.NotSentReason.PROVIDER_THROTTLED,
                "rate limited", Duration.ofSeconds(3)))).isInstanceOfSatisfying(Answer.NoAnswer.class,
                a -> assertThat(a.throttled()).isTrue());
    }

    @Test
    void aPendingAnswerWithoutTheMarkIsNotThrottled() {
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.PROVIDER_PENDING, "099", "processing")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> assertThat(a.throttled()).isFalse());
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP 503", "server error")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> assertThat(a.throttled()).isFalse());
    }
    @Test
    void aRequeryTheGuardsKeepBackIsNoAnswerAndSlowsDown() {
        AtomicInteger asked = new AtomicInteger();
        VendConnector silent = new VendConnector() {
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
                throw new UnsupportedOperationException("the poller never vends");
            }

            @Override
            public VendOutcome requery(RequeryCommand command) {
                asked.incrementAndGet();
                return VendOutcome.pending(PendingCause.TIMEOUT, null, "read timed out");
            }

            @Override
            public AccountVerification verify(VerifyCommand command) {
                throw new UnsupportedOperationException();
            }
        };
        VendProber prober = new VendProber(new GuardedConnectors(List.of(silent),
                new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4)));
        Requery requery = requery("q1", "vtpass", "r-1", "AIRTIME", "MTN");
        for (int i = 0; i < 4; i++) {
            assertThat(prober.probe(requery)).isInstanceOf(Answer.NoAnswer.class);
        }

        // Four timeouts opened vtpass's circuit: the fifth requery is not sent, and the poller backs off.
        assertThat(prober.probe(requery)).isInstanceOfSatisfying(Answer.NoAnswer.class,
                n -> assertThat(n.throttled()).isTrue());
        assertThat(asked).hasValue(4);
        assertThat(prober.probe(requery("q2", "pawacard", null, null, null)))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, n -> assertThat(n.code()).isEqualTo("NO_CONNECTOR"));
    }

    /** A vend schedule with only what a requery call reads. */
    private static Requery requery(String id, String provider, String reference, String service, String billerId) {
        return new Requery(id, Kind.VEND, "o-" + id, provider, reference, null, service, billerId, null, null, 0,
                "NGN", State.PENDING, null, null, null, null, 0, 0, 0, null, new Owner("t", 0), List.of(), null, null,
                null, List.of(), null, null, List.of());
    }
}
