package com.vendstream.poller.vend;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.poller.requery.Answer;
import com.vendstream.poller.requery.Kind;
import com.vendstream.poller.requery.Owner;
import com.vendstream.poller.requery.Requery;
import com.vendstream.poller.requery.State;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.providers.pay4power.Pay4PowerTransformer;
import com.vendstream.testkit.ScriptedConnector;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A requery answer is throttled when the provider's outcome says so, whatever its code is spelt. */
class VendProberThrottleTest {

    @Test
    void aProvidersRateLimitMakesTheProberBackOff() {
        VendOutcome limited = Pay4PowerTransformer.requery(429, "<html>Too Many Requests</html>", false);
        // Recorded as NO_ANSWER (the provider refused to look), not as the code-table row's REQUERY.
        assertThat(VendProber.read(limited)).isInstanceOfSatisfying(Answer.NoAnswer.class, a -> {
            assertThat(a.throttled()).isTrue();
            assertThat(a.decision()).isEqualTo(Answer.NO_ANSWER);
        });
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.THROTTLED_AFTER_SEND, null, "slow")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> {
                    assertThat(a.throttled()).isTrue();
                    assertThat(a.decision()).isEqualTo(Answer.NO_ANSWER);
                });
        assertThat(VendProber.read(new VendOutcome.NotSent("HTTP 429", VendOutcome.NotSentReason.PROVIDER_THROTTLED,
                "rate limited", Duration.ofSeconds(3)))).isInstanceOfSatisfying(Answer.NoAnswer.class,
                a -> assertThat(a.throttled()).isTrue());
    }

    @Test
    void aPendingAnswerWithoutTheMarkIsNotThrottled() {
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.PROVIDER_PENDING, "099", "processing")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> {
                    assertThat(a.throttled()).isFalse();
                    assertThat(a.decision()).isEqualTo("REQUERY");
                });
        assertThat(VendProber.read(VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP 503", "server error")))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, a -> assertThat(a.throttled()).isFalse());
    }

    @Test
    void aRequeryTheGuardsKeepBackIsNoAnswerUntilTheirRetryAfter() {
        ScriptedConnector down = new ScriptedConnector("vtpass")
                .onRequery((c, n) -> VendOutcome.pending(PendingCause.SERVER_ERROR, "HTTP 503", "server error"));
        VendProber prober = new VendProber(new GuardedConnectors(List.of(down),
                new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4)));
        Requery requery = requery("q1", "vtpass", "r-1", "AIRTIME", "MTN");
        for (int i = 0; i < 4; i++) {
            assertThat(prober.probe(requery)).isInstanceOf(Answer.NoAnswer.class);
        }

        // Four 5xx opened vtpass's circuit: the fifth requery is not sent, and the poller waits as long as the
        // guards say (the circuit's open time), as a requery kept back, not one the provider throttled.
        assertThat(prober.probe(requery)).isInstanceOfSatisfying(Answer.NoAnswer.class, n -> {
            assertThat(n.throttled()).isFalse();
            assertThat(n.keptBackFor()).isEqualTo(Duration.ofMinutes(1));
        });
        assertThat(down.asked).hasSize(4);
        assertThat(prober.probe(requery("q2", "pawacard", null, null, null)))
                .isInstanceOfSatisfying(Answer.NoAnswer.class, n -> assertThat(n.code()).isEqualTo("NO_CONNECTOR"));
    }

    /** A vend schedule with only what a requery call reads. */
    private static Requery requery(String id, String provider, String reference, String service, String billerId) {
        return new Requery(id, Kind.VEND, "o-" + id, provider, reference, null, service, billerId, null, null, 0,
                "NGN", State.PENDING, null, null, null, null, 0, 0, 0, null, new Owner("t", 0), List.of(), null, null,
                null, List.of(), null, null, null, List.of(), List.of(), null, List.of());
    }
}
