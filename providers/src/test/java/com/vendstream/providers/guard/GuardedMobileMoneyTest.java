package com.vendstream.providers.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vendstream.providers.Decision;
import com.vendstream.providers.dollr.DollrConnector;
import com.vendstream.providers.dollr.DollrProperties;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewInvoice;
import com.vendstream.providers.mobilemoney.MobileMoneyException;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.support.CaptureServer;
import com.vendstream.providers.support.CaptureServer.Reply;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Dollr's connector behind the providers' guard, against a plain HTTP server playing Dollr: only "Dollr is
 * down" (5xx, no reply, a refused connection) opens the breaker, never the PENDING/PROCESSING answers Dollr
 * gives for payments under way; a call kept back is NOT_SENT (executions), PENDING (lookups) or a passing
 * exception (setup), and never reaches Dollr.
 */
class GuardedMobileMoneyTest {

    private static final String STATUS = "/dollr/v1/status/collection/r-1";
    private static final GuardSettings SETTINGS = new GuardSettings(4, Duration.ZERO, Duration.ofMinutes(1), 50, 4);

    private final CaptureServer server = new CaptureServer();
    private final AtomicReference<Reply> status = new AtomicReference<>();

    @AfterEach
    void stop() {
        server.close();
    }

    private GuardedMobileMoney guardedDollr() {
        server.on("/dollr/v1/jwt/client/obtain/token", r -> Reply.ok("{\"access_token\":\"t1\",\"expires_in\":60}"))
                .on(STATUS, r -> status.get());
        return new GuardedMobileMoney(new DollrConnector(new DollrProperties(server.url("/dollr/v1"), "client",
                "secret", Duration.ofSeconds(2), Duration.ofSeconds(3), null, Duration.ofSeconds(1), null),
                Clock.systemUTC(), d -> { }), SETTINGS);
    }

    @Test
    void dollrAnswering5xxOpensTheBreakerAndWhatItKeepsBackNeverReachesDollr() {
        GuardedMobileMoney dollr = guardedDollr();
        status.set(new Reply(503, "{\"detail\":\"Service Unavailable\"}"));
        for (int i = 0; i < 4; i++) {
            PaymentOutcome o = dollr.collectionStatus("r-1");
            assertThat(o.status()).isEqualTo(PaymentOutcome.Status.PENDING);
            assertThat(o.providerDown()).isTrue();
        }
        assertThat(dollr.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int asked = server.requests(STATUS).size();

        PaymentOutcome lookup = dollr.collectionStatus("r-1");
        assertThat(lookup.status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(lookup.isFinal()).isFalse();
        assertThat(lookup.decision()).isEqualTo(Decision.RETRY);
        assertThat(lookup.gatewayMessage()).contains("circuit open");

        PaymentOutcome collection = dollr.executeCollection("9", "7", "LRD", "r-2");
        assertThat(collection.status()).isEqualTo(PaymentOutcome.Status.NOT_SENT);
        assertThat(collection.decision()).isEqualTo(Decision.RETRY);
        // No wait named: the payment's own retry pause decides when it is tried again.
        assertThat(collection.retryAfter()).isZero();
        assertThat(lookup.retryAfter()).isEqualTo(Duration.ofMinutes(1));
        PaymentOutcome payout = dollr.executePayout("9", "7", "r-3");
        assertThat(payout.status()).isEqualTo(PaymentOutcome.Status.NOT_SENT);

        // A setup call kept back passes (the payment reads it as NOT_SENT) and is not itself "Dollr down".
        assertThatThrownBy(() -> dollr.createInvoice(new NewInvoice(1, "LRD", "o-1", null)))
                .isInstanceOfSatisfying(MobileMoneyException.class, e -> {
                    assertThat(e.passes()).isTrue();
                    assertThat(e.providerDown()).isFalse();
                });
        assertThat(server.requests(STATUS)).hasSize(asked);
        assertThat(server.requests("/dollr/v1/executions/collection")).isEmpty();
        assertThat(server.requests("/dollr/v1/executions/payout")).isEmpty();
        assertThat(server.requests("/dollr/v1/invoices/create")).isEmpty();
    }

    @Test
    void pendingProcessingThrottledUnknownAndUnreadableAnswersNeverOpenTheBreaker() {
        GuardedMobileMoney dollr = guardedDollr();
        for (Reply answer : new Reply[] {
                Reply.ok("{\"reference_id\":\"r-1\",\"status\":\"PENDING\"}"),
                Reply.ok("{\"reference_id\":\"r-1\",\"status\":\"PROCESSING\"}"),
                new Reply(404, "{\"detail\":\"not found\"}"),
                new Reply(429, "{\"detail\":\"slow down\"}", Map.of("Retry-After", "60")),
                Reply.ok("<html>gateway</html>")}) {
            status.set(answer);
            for (int i = 0; i < 5; i++) {
                PaymentOutcome o = dollr.collectionStatus("r-1");
                assertThat(o.status()).isEqualTo(PaymentOutcome.Status.PENDING);
                assertThat(o.providerDown()).isFalse();
            }
        }
        assertThat(dollr.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(dollr.breaker().getMetrics().getNumberOfFailedCalls()).isZero();
        // Every lookup reached Dollr: nothing was kept back.
        assertThat(server.requests(STATUS)).hasSize(25);
    }

    @Test
    void refusedSetupCallsDoNotCountButARefusedConnectionDoes() {
        GuardedMobileMoney dollr = guardedDollr();
        server.on("/dollr/v1/invoices/create", r -> new Reply(422, "{\"detail\":\"counterparty_id: not found\"}"));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> dollr.createInvoice(new NewInvoice(1, "LRD", "o-1", null)))
                    .isInstanceOfSatisfying(MobileMoneyException.class,
                            e -> assertThat(e.kind()).isEqualTo(MobileMoneyException.Kind.VALIDATION));
        }
        assertThat(dollr.breaker().getMetrics().getNumberOfFailedCalls()).isZero();

        server.close();
        for (int i = 0; i < 4; i++) {
            assertThat(dollr.executeCollection("9", "7", "LRD", "r-" + i).status())
                    .isEqualTo(PaymentOutcome.Status.NOT_SENT);
        }
        assertThat(dollr.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
