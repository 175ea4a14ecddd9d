package com.vendstream.poller.payment.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.poller.payment.PaymentStatusPort.PaymentStatus;
import com.vendstream.poller.payment.PaymentStatusPort.Status;
import com.vendstream.providers.dollr.DollrConnector;
import com.vendstream.providers.dollr.DollrProperties;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedMobileMoney;
import com.vendstream.providers.dollr.MobileMoneyConnector.InvoiceItem;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeeBearer;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewInvoice;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewParty;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewPaymentAccount;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewPayoutSession;
import com.vendstream.providers.dollr.MobileMoneyConnector.OperationType;
import com.vendstream.sandbox.ProviderSandboxApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.springframework.context.ConfigurableApplicationContext;

/** The poller's status lookups through the real Dollr connector against the provider sandbox. */
class MobileMoneyStatusSandboxTest {

    static ConfigurableApplicationContext sandbox;
    static String root;
    static DollrConnector dollr;
    static MobileMoneyStatus status;
    static final List<Duration> waits = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        sandbox = ProviderSandboxApplication.start(0, Map.of(
                "vendstream.sandbox.dollr.pending-requeries", "2",
                "vendstream.sandbox.dollr.pending-after", "0s",
                "vendstream.sandbox.dollr.retry-after-seconds", "1"));
        root = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port");
        dollr = new DollrConnector(new DollrProperties(root + "/dollr/v1", "dollr-sandbox-client",
                "dollr-sandbox-secret", Duration.ofSeconds(2), Duration.ofSeconds(2), null, null,
                new DollrProperties.PayoutPasscode("231880000100", null, "246810", "poller-test", "linux",
                        "vendstream-test", "127.0.0.1")), Clock.systemUTC(), waits::add);
        status = new MobileMoneyStatus(dollr);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static String collect(String phone, long amountMinor) {
        long party = dollr.createParty(new NewParty("Payer", phone, null, "LR"));
        long counterparty = dollr.createCounterparty(party);
        long invoice = dollr.createInvoice(new NewInvoice(counterparty, "LRD", "order", FeeBearer.PAYEE));
        dollr.addInvoiceItem(invoice, new InvoiceItem("Airtime", "LRD", 1, amountMinor));
        dollr.publishInvoice(invoice);
        String session = dollr.createCheckoutSession(invoice);
        String account = dollr.createPaymentAccount(OperationType.COLLECTION, new NewPaymentAccount("wallet",
                "PAWAPAY", "ORANGE_MONEY_LBR", party, "LR", phone));
        String reference = DollrConnector.newReference();
        dollr.executeCollection(session, account, "LRD", reference);
        return reference;
    }

    private static String payout(String phone, long amountMinor) {
        long party = dollr.createParty(new NewParty("Payee", phone, null, "LR"));
        dollr.createCounterparty(party);
        String account = dollr.createPaymentAccount(OperationType.PAYOUT, new NewPaymentAccount("wallet",
                "PAWAPAY", "MTN_MOMO_LBR", party, "LR", phone));
        String session = dollr.createPayoutSession(new NewPayoutSession(account, amountMinor, "LRD"));
        String reference = DollrConnector.newReference();
        dollr.executePayout(session, account, reference);
        return reference;
    }

    @Test
    void aProcessingCollectionIsPendingUntilItCompletes() {
        String reference = collect("231770000001", 10_000);
        assertThat(status.collectionStatus(reference, null).status()).isEqualTo(Status.PENDING);
        PaymentStatus done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.collectionStatus(reference, null), s -> s.status() != Status.PENDING);
        assertThat(done.status()).isEqualTo(Status.COMPLETED);
        assertThat(done.throttled()).isFalse();
        // The wallet operator's transaction id from Dollr's ExecutionResponse travels on.
        assertThat(done.providerTransactionId()).isNotBlank();
    }

    @Test
    void aDeclinedCollectionIsFailedWithTheGatewayReason() {
        String reference = collect("231770000002", 2_500);
        PaymentStatus failed = status.collectionStatus(reference, null);
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.message()).containsIgnoringCase("insufficient funds");
    }

    @Test
    void anUnknownReferenceIsPendingNeverFailed() {
        assertThat(status.collectionStatus(DollrConnector.newReference(), null).status()).isEqualTo(Status.PENDING);
        assertThat(status.payoutStatus(DollrConnector.newReference(), null).status()).isEqualTo(Status.PENDING);
    }

    @Test
    void payoutsAreLookedUpByTheirOwnReference() {
        String ok = payout("231770000005", 1_000);
        assertThat(await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.payoutStatus(ok, null), s -> s.status() != Status.PENDING).status())
                .isEqualTo(Status.COMPLETED);
        String refused = payout("231770000009", 1_000);
        assertThat(await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.payoutStatus(refused, null), s -> s.status() != Status.PENDING).status())
                .isEqualTo(Status.FAILED);
    }

    @Test
    void aThrottledLookupIsPendingAndFlaggedSoThePollerBacksOff() throws Exception {
        String reference = collect("231770000001", 10_000);
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(root
                        + "/sandbox/admin/faults?provider=dollr&operation=status&kind=TOO_MANY_REQUESTS&times=5"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        try {
            PaymentStatus throttled = status.collectionStatus(reference, null);
            assertThat(throttled.status()).isEqualTo(Status.PENDING);
            assertThat(throttled.throttled()).isTrue();
        } finally {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(root
                            + "/sandbox/admin/faults?provider=dollr&operation=status")).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    /**
     * Dollr answering 5xx opens the lookups' breaker; a lookup it then keeps back is PENDING (no answer, asked
     * again later), even for a collection Dollr has completed: a lookup never reads as a final state it did
     * not get from Dollr.
     */
    @Test
    void aLookupTheGuardKeepsBackLeavesThePaymentPending() throws Exception {
        String reference = collect("231770000001", 10_000);
        assertThat(await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> status.collectionStatus(reference, null), s -> s.status() != Status.PENDING).status())
                .isEqualTo(Status.COMPLETED);
        GuardedMobileMoney guarded = new GuardedMobileMoney(dollr,
                new GuardSettings(8, Duration.ZERO, Duration.ofMinutes(1), 50, 4));
        MobileMoneyStatus guardedStatus = new MobileMoneyStatus(guarded);
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(root
                        + "/sandbox/admin/faults?provider=dollr&operation=status&kind=SERVER_ERROR&times=4"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        try {
            for (int i = 0; i < 4; i++) {
                assertThat(guardedStatus.collectionStatus(reference, null).status()).isEqualTo(Status.PENDING);
            }
        } finally {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(root
                            + "/sandbox/admin/faults?provider=dollr&operation=status")).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
        assertThat(guarded.breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        PaymentStatus keptBack = guardedStatus.collectionStatus(reference, null);
        assertThat(keptBack.status()).isEqualTo(Status.PENDING);
        assertThat(keptBack.message()).contains("circuit open");
        // Kept back by our guard, not throttled by Dollr: asked again after the circuit's wait.
        assertThat(keptBack.throttled()).isFalse();
        assertThat(keptBack.keptBackFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(guardedStatus.payoutStatus(reference, null).status()).isEqualTo(Status.PENDING);
        // Unguarded, Dollr answers: the collection is complete; the kept-back lookups said nothing about it.
        assertThat(status.collectionStatus(reference, null).status()).isEqualTo(Status.COMPLETED);
    }
}
