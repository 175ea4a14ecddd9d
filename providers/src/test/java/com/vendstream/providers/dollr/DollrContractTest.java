package com.vendstream.providers.dollr;

import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.mobilemoney.MobileMoneyException;
import org.threeten.extra.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vendstream.providers.Decision;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeeBearer;
import com.vendstream.providers.dollr.MobileMoneyConnector.FeeQuery;
import com.vendstream.providers.dollr.MobileMoneyConnector.InvoiceItem;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewInvoice;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewParty;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewPaymentAccount;
import com.vendstream.providers.dollr.MobileMoneyConnector.NewPayoutSession;
import com.vendstream.providers.dollr.MobileMoneyConnector.OperationType;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.Scenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The Dollr connector against the sandbox's Dollr, over real HTTP. */
class DollrContractTest {

    static ConfigurableApplicationContext sandbox;
    static String root;
    static DollrConnector dollr;
    static CallRecord record;
    static final List<Duration> waits = new CopyOnWriteArrayList<>();
    static final DollrProperties.PayoutPasscode PASSCODE = new DollrProperties.PayoutPasscode("231880000100", null,
            "246810", "vendstream-test", "linux", "vendstream-dollr/1", "127.0.0.1");

    @BeforeAll
    static void start() {
        sandbox = ProviderSandboxApplication.start(0, Map.of(
                "vendstream.sandbox.dollr.token-minutes", "6",
                "vendstream.sandbox.dollr.pending-requeries", "2",
                "vendstream.sandbox.dollr.pending-after", "0s",
                "vendstream.sandbox.dollr.timeout-delay", "5s",
                "vendstream.sandbox.dollr.retry-after-seconds", "1"));
        root = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port");
        // The sleeper records each Retry-After the connector honours instead of holding the test thread.
        dollr = connector(Clock.systemUTC(), PASSCODE);
        record = sandbox.getBean(CallRecord.class);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static DollrConnector connector(Clock clock, DollrProperties.PayoutPasscode passcode) {
        return new DollrConnector(new DollrProperties(root + "/dollr/v1", "dollr-sandbox-client", "dollr-sandbox-secret",
                Duration.ofSeconds(2), Duration.ofSeconds(3), null, null, passcode), clock, waits::add);
    }

    /** Party, counterparty, invoice with one item, published, checkout session and collection account. */
    record Checkout(long invoiceId, String sessionId, String accountId) {
    }

    static Checkout checkout(DollrConnector c, String phone, String currency, long amountMinor) {
        long party = c.createParty(new NewParty("Test Payer", phone, null, "LR"));
        long counterparty = c.createCounterparty(party);
        long invoice = c.createInvoice(new NewInvoice(counterparty, currency, "order 42", FeeBearer.PAYER));
        c.addInvoiceItem(invoice, new InvoiceItem("Prepaid electricity", currency, 1, amountMinor));
        c.publishInvoice(invoice);
        String session = c.createCheckoutSession(invoice);
        String account = c.createPaymentAccount(OperationType.COLLECTION, new NewPaymentAccount("Test Payer wallet",
                "PAWAPAY", "ORANGE_MONEY_LBR", party, "LR", phone));
        return new Checkout(invoice, session, account);
    }

    static String payoutSession(DollrConnector c, String phone, long amountMinor, String[] accountOut) {
        long party = c.createParty(new NewParty("Refund Payee", phone, null, "LR"));
        c.createCounterparty(party);
        String account = c.createPaymentAccount(OperationType.PAYOUT, new NewPaymentAccount("Refund wallet",
                "PAWAPAY", "MTN_MOMO_LBR", party, "LR", phone));
        accountOut[0] = account;
        return c.createPayoutSession(new NewPayoutSession(account, amountMinor, "LRD"));
    }

    @Test
    void aCollectionRunsTheInvoiceFlowToCompletedAfterProcessingPolls() {
        assertThat(dollr.detectMmo("+231 770 000 001", OperationType.COLLECTION)).satisfies(m -> {
            assertThat(m.paymentMethod()).isEqualTo("ORANGE_MONEY_LBR");
            assertThat(m.gatewayProvider()).isEqualTo("PAWAPAY");
            assertThat(m.countryCode()).isEqualTo("LR");
        });
        assertThat(dollr.previewFees(new FeeQuery(10_000, "LRD", "LRD", "ORANGE_MONEY_LBR", OperationType.COLLECTION,
                "PAWAPAY", FeeBearer.PAYER))).satisfies(f -> {
            assertThat(f.feeMinor()).isEqualTo(100);
            assertThat(f.payerAmountMinor()).isEqualTo(10_100);
            assertThat(f.payeeAmountMinor()).isEqualTo(10_000);
        });
        Checkout c = checkout(dollr, "+231770000001", "LRD", 10_000);
        String reference = DollrConnector.newReference();
        PaymentOutcome first = dollr.executeCollection(c.sessionId(), c.accountId(), "LRD", reference);
        assertThat(first.status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(first.decision()).isEqualTo(Decision.REQUERY);
        assertThat(first.providerStatus()).isEqualTo("PROCESSING");

        PaymentOutcome done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> dollr.collectionStatus(reference), PaymentOutcome::isFinal);
        assertThat(done.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(done.payerAmountMinor()).isEqualTo(10_100);
        assertThat(done.feeMinor()).isEqualTo(100);
        assertThat(record.calls("dollr", "status", reference)).extracting(CallRecord.Call::answer)
                .containsExactly("PROCESSING", "PROCESSING", "COMPLETED");

        MobileMoneyConnector.Receipt receipt = dollr.receipt(c.invoiceId());
        assertThat(receipt.status()).isEqualTo("PAID");
        assertThat(receipt.subtotalMinor()).isEqualTo(10_000);
        assertThat(receipt.totalMinor()).isEqualTo(10_100);
        assertThat(receipt.items()).singleElement().satisfies(l -> assertThat(l.amountMinor()).isEqualTo(10_000));
        assertThat(record.vendCount("dollr", reference)).isEqualTo(1);
    }

    @Test
    void rwandanFrancsHaveNoMinorDigits() {
        Checkout c = checkout(dollr, "250780000123", "RWF", 5_000);
        PaymentOutcome outcome = dollr.executeCollection(c.sessionId(), c.accountId(), "RWF", DollrConnector.newReference());
        assertThat(outcome.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(outcome.payerAmountMinor()).isEqualTo(5_050);
        assertThat(outcome.feeMinor()).isEqualTo(50);
    }

    @Test
    void aFailedCollectionCarriesTheGatewayMessage() {
        Checkout c = checkout(dollr, "231770000002", "LRD", 2_500);
        PaymentOutcome outcome = dollr.executeCollection(c.sessionId(), c.accountId(), "LRD", DollrConnector.newReference());
        assertThat(outcome.status()).isEqualTo(PaymentOutcome.Status.FAILED);
        assertThat(outcome.decision()).isEqualTo(Decision.FAIL);
        assertThat(outcome.gatewayMessage()).containsIgnoringCase("insufficient funds");
    }

    @Test
    void aCollectionStuckInProcessingStaysPending() {
        Checkout c = checkout(dollr, "231770000003", "LRD", 2_500);
        String reference = DollrConnector.newReference();
        dollr.executeCollection(c.sessionId(), c.accountId(), "LRD", reference);
        for (int i = 0; i < 5; i++) {
            assertThat(dollr.collectionStatus(reference).status()).isEqualTo(PaymentOutcome.Status.PENDING);
        }
        assertThatThrownBy(() -> dollr.receipt(c.invoiceId())).isInstanceOfSatisfying(MobileMoneyException.class,
                e -> assertThat(e.kind()).isEqualTo(MobileMoneyException.Kind.VALIDATION));
    }

    @Test
    void aThrottledCollectionWaitsRetryAfterAndResendsTheSameReference() {
        Checkout c = checkout(dollr, "231770000004", "LRD", 1_000);
        String reference = DollrConnector.newReference();
        int before = waits.size();
        PaymentOutcome outcome = dollr.executeCollection(c.sessionId(), c.accountId(), "LRD", reference);
        assertThat(outcome.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(waits.subList(before, waits.size())).containsExactly(Duration.ofSeconds(1));
        assertThat(record.calls("dollr", "collection", reference)).extracting(CallRecord.Call::answer)
                .containsExactly("429", "COMPLETED");
        assertThat(record.vendCount("dollr", reference)).isEqualTo(1);
    }

    @Test
    void aReusedReferenceIsNeverExecutedTwice() {
        Checkout c = checkout(dollr, "231770000011", "LRD", 1_000);
        String reference = DollrConnector.newReference();
        assertThat(dollr.executeCollection(c.sessionId(), c.accountId(), "LRD", reference).status())
                .isEqualTo(PaymentOutcome.Status.COMPLETED);
        // The same payment again: its state, not a second execution.
        assertThat(dollr.executeCollection(c.sessionId(), c.accountId(), "LRD", reference).status())
                .isEqualTo(PaymentOutcome.Status.COMPLETED);
        // Another payment under the same reference: 422 duplicate, which means "ask", never "failed".
        Checkout other = checkout(dollr, "231770000012", "LRD", 1_000);
        PaymentOutcome duplicate = dollr.executeCollection(other.sessionId(), other.accountId(), "LRD", reference);
        assertThat(duplicate.status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(duplicate.decision()).isEqualTo(Decision.REQUERY);
        assertThat(record.vendCount("dollr", reference)).isEqualTo(1);
    }

    @Test
    void aTimeoutAfterExecutionIsPendingAndTheStatusFindsTheOneExecution() {
        Checkout c = checkout(dollr, "231770000021", "LRD", 1_000);
        String reference = DollrConnector.newReference();
        sandbox.getBean(Faults.class).arm("dollr", "collection", Scenario.TIMEOUT_AFTER_PROCESSING, 1);
        PaymentOutcome outcome = dollr.executeCollection(c.sessionId(), c.accountId(), "LRD", reference);
        assertThat(outcome.status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(outcome.decision()).isEqualTo(Decision.REQUERY);
        assertThat(dollr.collectionStatus(reference).status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(record.vendCount("dollr", reference)).isEqualTo(1);

        sandbox.getBean(Faults.class).arm("dollr", "collection", Scenario.SERVER_ERROR, 1);
        Checkout d = checkout(dollr, "231770000022", "LRD", 1_000);
        assertThat(dollr.executeCollection(d.sessionId(), d.accountId(), "LRD", DollrConnector.newReference()).status())
                .isEqualTo(PaymentOutcome.Status.PENDING);
        assertThat(dollr.collectionStatus(DollrConnector.newReference()).status()).isEqualTo(PaymentOutcome.Status.PENDING);
    }

    @Test
    void aPayoutCarriesThePasscodeAndCompletes() {
        String[] account = new String[1];
        String session = payoutSession(dollr, "231880000200", 7_500, account);
        String reference = DollrConnector.newReference();
        PaymentOutcome outcome = dollr.executePayout(session, account[0], reference);
        assertThat(outcome.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(outcome.payerAmountMinor()).isEqualTo(7_500);
        assertThat(dollr.payoutStatus(reference).status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(record.vendCount("dollr", reference)).isEqualTo(1);
    }

    @Test
    void aPayoutToAFailingWalletFailsAndAWrongPasscodeIsRefused() {
        String[] account = new String[1];
        String session = payoutSession(dollr, "231770000009", 7_500, account);
        PaymentOutcome failed = dollr.executePayout(session, account[0], DollrConnector.newReference());
        assertThat(failed.status()).isEqualTo(PaymentOutcome.Status.FAILED);
        assertThat(failed.gatewayMessage()).isNotBlank();

        DollrConnector wrong = connector(Clock.systemUTC(), new DollrProperties.PayoutPasscode("231880000100", null,
                "000000", "d", "linux", "ua", "127.0.0.1"));
        String other = payoutSession(wrong, "231880000300", 1_000, account);
        PaymentOutcome refused = wrong.executePayout(other, account[0], DollrConnector.newReference());
        assertThat(refused.status()).isEqualTo(PaymentOutcome.Status.FAILED);
        assertThat(refused.providerStatus()).isEqualTo("HTTP 403");

        DollrConnector none = connector(Clock.systemUTC(), null);
        assertThat(none.executePayout(other, account[0], DollrConnector.newReference()).providerStatus())
                .isEqualTo("NO PASSCODE");
    }

    @Test
    void theTokenLivesExpiresInMinutesAndIsRenewedAtThreeQuartersOfAShortLifetime() {
        MutableClock clock = MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC);
        DollrConnector timed = connector(clock, PASSCODE);
        timed.detectMmo("231880000001", OperationType.COLLECTION);
        clock.add(Duration.ofSeconds(50));
        timed.detectMmo("231880000001", OperationType.COLLECTION);
        // expires_in 6 (minutes): still fresh at 50 s, which it would not be were 6 read as seconds.
        assertThat(timed.tokenFetches()).isEqualTo(1);
        // "5 minutes before expiry" of a 6-minute token would renew on every call after the first minute.
        clock.add(Duration.ofSeconds(210));
        timed.detectMmo("231880000001", OperationType.COLLECTION);
        timed.detectMmo("231880000001", OperationType.COLLECTION);
        assertThat(timed.tokenFetches()).isEqualTo(1);
        clock.add(Duration.ofSeconds(15));
        timed.detectMmo("231880000001", OperationType.COLLECTION);
        assertThat(timed.tokenFetches()).isEqualTo(2);
    }

    @Test
    void concurrentCallersShareOneTokenRequest() throws Exception {
        DollrConnector shared = connector(Clock.systemUTC(), PASSCODE);
        int authBefore = record.calls("dollr", "auth", null).size();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return shared.detectMmo("231880000001", OperationType.COLLECTION).paymentMethod();
                }));
            }
            go.countDown();
            for (Future<String> f : results) {
                assertThat(f.get()).isEqualTo("MTN_MOMO_LBR");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(shared.tokenFetches()).isEqualTo(1);
        assertThat(record.calls("dollr", "auth", null)).hasSize(authBefore + 1);
    }

    @Test
    void aRevokedTokenIsRenewedOnceOn401() throws Exception {
        DollrConnector fresh = connector(Clock.systemUTC(), PASSCODE);
        fresh.detectMmo("231880000001", OperationType.COLLECTION);
        HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(root + "/sandbox/admin/dollr/tokens/revoke")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(200);
        Checkout c = checkout(fresh, "231770000031", "LRD", 1_000);
        assertThat(fresh.executeCollection(c.sessionId(), c.accountId(), "LRD", DollrConnector.newReference()).status())
                .isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(fresh.tokenFetches()).isEqualTo(2);
    }

    @Test
    void aThrottledTokenEndpointIsRetriedHonouringItsRetryAfter() {
        sandbox.getBean(Faults.class).arm("dollr", "auth", Scenario.TOO_MANY_REQUESTS, 2);
        DollrConnector fresh = connector(Clock.systemUTC(), PASSCODE);
        int before = waits.size();
        int authBefore = record.calls("dollr", "auth", null).size();

        assertThat(fresh.detectMmo("231880000001", OperationType.COLLECTION).paymentMethod()).isEqualTo("MTN_MOMO_LBR");

        // Each 429 from the token endpoint came with Retry-After: 1, and TokenCache waited exactly that.
        assertThat(waits.subList(before, waits.size())).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(record.calls("dollr", "auth", null).subList(authBefore, authBefore + 3))
                .extracting(CallRecord.Call::answer)
                .containsExactly("fault:TOO_MANY_REQUESTS", "fault:TOO_MANY_REQUESTS", "200");
        assertThat(fresh.tokenFetches()).isEqualTo(1);
    }

    @Test
    void anExecutionWithoutATokenForNowIsNotSentAndTheSameReferenceCompletesOnceTheTokenEndpointRecovers() {
        Checkout c = checkout(dollr, "231770000041", "LRD", 1_000);
        String reference = DollrConnector.newReference();
        Faults faults = sandbox.getBean(Faults.class);
        faults.armRate("dollr", "auth", Scenario.TOO_MANY_REQUESTS, 1.0);
        DollrConnector fresh = connector(Clock.systemUTC(), PASSCODE);
        try {
            PaymentOutcome notSent = fresh.executeCollection(c.sessionId(), c.accountId(), "LRD", reference);
            assertThat(notSent.status()).isEqualTo(PaymentOutcome.Status.NOT_SENT);
            assertThat(notSent.decision()).isEqualTo(Decision.RETRY);
            assertThat(notSent.retryAfter()).isPositive();
            assertThatThrownBy(() -> fresh.detectMmo("231880000001", OperationType.COLLECTION))
                    .isInstanceOfSatisfying(MobileMoneyException.class, e -> {
                        // The token endpoint's 429 is Dollr's rate limit, not Dollr being down.
                        assertThat(e.kind()).isEqualTo(MobileMoneyException.Kind.THROTTLED);
                        assertThat(e.passes()).isTrue();
                        assertThat(e.providerDown()).isFalse();
                    });
            assertThat(notSent.throttled()).isTrue();
            assertThat(record.calls("dollr", "collection", reference)).isEmpty();
        } finally {
            faults.disarm("dollr", "auth");
        }
        PaymentOutcome done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> fresh.executeCollection(c.sessionId(), c.accountId(), "LRD", reference),
                        o -> o.status() != PaymentOutcome.Status.NOT_SENT);
        assertThat(done.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        assertThat(record.vendCount("dollr", reference)).isEqualTo(1);
    }

    @Test
    void refusedCredentialsAreADefiniteFailureOfTheExecution() {
        Checkout c = checkout(dollr, "231770000042", "LRD", 1_000);
        DollrConnector wrong = new DollrConnector(new DollrProperties(root + "/dollr/v1", "x", "y", null, null, null, null,
                PASSCODE), Clock.systemUTC(), waits::add);
        String reference = DollrConnector.newReference();
        PaymentOutcome refused = wrong.executeCollection(c.sessionId(), c.accountId(), "LRD", reference);
        assertThat(refused.status()).isEqualTo(PaymentOutcome.Status.FAILED);
        assertThat(refused.decision()).isEqualTo(Decision.FAIL);
        assertThat(refused.providerStatus()).isEqualTo("CREDENTIALS REFUSED");
        assertThat(record.calls("dollr", "collection", reference)).isEmpty();
    }

    @Test
    void wrongCredentialsAndABadInputAreClearErrors() {
        DollrConnector wrong = new DollrConnector(new DollrProperties(root + "/dollr/v1", "x", "y", null, null, null, null,
                null));
        assertThatThrownBy(() -> wrong.detectMmo("231880000001", OperationType.COLLECTION)).isInstanceOfSatisfying(MobileMoneyException.class,
                e -> assertThat(e.kind()).isEqualTo(MobileMoneyException.Kind.UNAUTHORIZED));
        assertThat(wrong.collectionStatus(DollrConnector.newReference()).status()).isEqualTo(PaymentOutcome.Status.PENDING);
        assertThatThrownBy(() -> dollr.detectMmo("441234567890", OperationType.COLLECTION)).isInstanceOfSatisfying(MobileMoneyException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(MobileMoneyException.Kind.VALIDATION);
                    // Callers log these messages: the phone in the query and in Dollr's detail stays out.
                    assertThat(e.getMessage()).contains("mmo-provider-info").doesNotContain("441234567890", "234567890");
                });
    }
}
