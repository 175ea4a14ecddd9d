package com.vendstream.order.payment;

import org.threeten.extra.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PaymentUnresolved;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.events.Resolution;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendRequested;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.order.OrderFixture;
import com.vendstream.order.api.OrderJson;
import com.vendstream.order.catalog.Catalog;
import com.vendstream.order.catalog.CatalogProperties;
import com.vendstream.order.order.Order;
import com.vendstream.order.order.OrderPlacement;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.outcome.OrderOutcomes;
import com.vendstream.providers.ServiceType;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.dollr.DollrConnector;
import com.vendstream.providers.dollr.DollrMobileMoney;
import com.vendstream.providers.dollr.DollrProperties;
import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.guard.GuardSettings;
import com.vendstream.providers.guard.GuardedMobileMoney;
import com.vendstream.providers.mobilemoney.MobileMoneyCustomers;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.pay4power.Pay4PowerConnector;
import com.vendstream.providers.pay4power.Pay4PowerProperties;
import com.vendstream.sandbox.ProviderSandboxApplication;
import com.vendstream.sandbox.core.CallRecord;
import com.vendstream.sandbox.core.Faults;
import com.vendstream.sandbox.core.SandboxTransaction;
import com.vendstream.sandbox.core.Scenario;
import com.vendstream.sandbox.core.Transactions;
import com.vendstream.schemas.envelope.Envelopes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;
import reactor.core.publisher.Mono;

/**
 * Mobile-money orders through the real Dollr adapter and connector against the provider sandbox's
 * Dollr over HTTP, with order-service's domain on an in-memory MongoDB and the catalogue from
 * order-service.yml. Status-poller's part (asking the status by reference and feeding its final
 * answer back) is played by the test.
 */
class MobileMoneySandboxTest {

    // Magic wallets of the Dollr sandbox (providers/PAY4POWER_DOLLR.md).
    static final String PROCESSING_THEN_COMPLETED = "231770000001";
    static final String INSUFFICIENT_FUNDS = "231770000002";
    static final String PAYOUT_PROCESSING_THEN_COMPLETED = "231770000005";
    static final String PAYOUT_FAILS = "231770000009";
    static final String COMPLETES = "231770000007";
    static final String PROCESSING_FOREVER = "231770000003";
    /** A Nigerian number: valid E.164, but no Dollr operator. */
    static final String NO_OPERATOR = "2349012345678";

    static ConfigurableApplicationContext sandbox;
    static String root;
    static DollrConnector dollr;
    static CallRecord record;
    static Transactions books;
    static Catalog catalog;

    @BeforeAll
    static void start() throws IOException {
        sandbox = ProviderSandboxApplication.start(0, Map.of(
                "vendstream.sandbox.dollr.pending-requeries", "2",
                "vendstream.sandbox.dollr.pending-after", "0s",
                "vendstream.sandbox.latency.default", "5ms"));
        root = "http://localhost:" + sandbox.getEnvironment().getProperty("local.server.port");
        dollr = new DollrConnector(new DollrProperties(root + "/dollr/v1", "dollr-sandbox-client", "dollr-sandbox-secret",
                Duration.ofSeconds(2), Duration.ofSeconds(5), null, null,
                new DollrProperties.PayoutPasscode("231880000100", null, "246810", "vendstream-test", "linux",
                        "vendstream", "127.0.0.1")));
        record = sandbox.getBean(CallRecord.class);
        books = sandbox.getBean(Transactions.class);
        catalog = catalogFromOrderServiceYml();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** The catalogue as deployed, so the LONESTAR biller itself is under test. */
    static Catalog catalogFromOrderServiceYml() throws IOException {
        var sources = new YamlPropertySourceLoader().load("order-service", new ClassPathResource("order-service.yml"));
        return new Catalog(new Binder(ConfigurationPropertySources.from(sources))
                .bind("vendstream.catalog", CatalogProperties.class).get());
    }

    private final OrderFixture f = new OrderFixture();
    private final MobileMoneyCustomerStore customers = new MobileMoneyCustomerStore(f.mongo.template);
    private final DollrMobileMoney gateway = new DollrMobileMoney(dollr, customers, DollrMobileMoney.Settings.defaults(),
            f.clock);
    private final MobileMoneyPayments payments = new MobileMoneyPayments(f.orders, gateway, f.relay, f.meters, f.clock);
    private final OrderPlacement placement = new OrderPlacement(f.orders, catalog, f.wallets, f.merchants, f.relay,
            f.clock, payments);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    {
        f.transitions.usePayouts(payments);
    }

    @BeforeEach
    void freshCallRecord() {
        // Only the call record: a full reset would also revoke the connector's token and add 401s to the record.
        record.reset();
        logs.start();
        OUR_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).addAppender(logs));
    }

    @AfterEach
    void close() {
        OUR_LOGGERS.forEach(name -> ((Logger) LoggerFactory.getLogger(name)).detachAppender(logs));
        f.close();
    }

    /** order-service and the connectors; the sandbox, playing the provider, may log what it likes. */
    private static final List<String> OUR_LOGGERS = List.of("com.vendstream.order", "com.vendstream.providers");

    @Test
    void aCollectionThatCompletesAfterProcessingLeadsToTheVend() {
        Order order = place("r1", PROCESSING_THEN_COMPLETED, 10_000);
        String reference = order.paymentReference();

        assertThat(order.state()).isEqualTo(OrderState.AWAITING_PAYMENT);
        assertThat(outboxTypes(order)).containsExactly("PaymentPending");
        assertThat(record.calls("dollr", "collection", reference)).extracting(CallRecord.Call::answer)
                .containsExactly("PROCESSING");

        // status-poller's part: ask by our reference until final, then feed the answer back (twice: redelivery).
        PaymentOutcome done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> dollr.collectionStatus(reference), PaymentOutcome::isFinal);
        assertThat(done.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        PaymentCollected collected = collected(order, reference, done.feeMinor());
        payments.apply(collected);
        payments.apply(collected);

        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.VENDING);
        assertThat(outboxTypes(after)).containsExactly("PaymentPending", "PaymentCollected", "OrderAccepted",
                "VendRequested");
        VendRequested vend = (VendRequested) outbox(after).get(3);
        assertThat(vend.getLine().getBillerId()).isEqualTo("LONESTAR");
        assertThat(vend.getLine().getAmount()).isEqualTo(new Money(10_000L, "LRD"));
        // Fee borne by the merchant: the customer paid exactly the order amount, once.
        SandboxTransaction tx = books.find("dollr", reference);
        assertThat(tx.amountMinor()).isEqualTo(10_000);
        assertThat(tx.currency()).isEqualTo("LRD");
        assertThat(record.vendCount("dollr", reference)).isEqualTo(1);
        assertThat(record.calls("dollr", "collection", null)).hasSize(1);
        assertNoPhoneLogged(PROCESSING_THEN_COMPLETED);
    }

    @Test
    void aFailedCollectionRejectsTheOrderWithoutAVend() {
        Order order = place("r1", INSUFFICIENT_FUNDS, 10_000);

        assertThat(order.state()).isEqualTo(OrderState.REJECTED);
        assertThat(order.rejectionCode()).isEqualTo("PAYMENT_FAILED");
        assertThat(order.rejectionMessage()).contains("Payer has insufficient funds");
        assertThat(outboxTypes(order)).containsExactly("PaymentFailed", "OrderRejected").doesNotContain("VendRequested");
        assertThat(((PaymentFailed) outbox(order).get(0)).getReason()).isEqualTo("Payer has insufficient funds");
        assertThat(record.calls("dollr", "collection", order.paymentReference())).extracting(CallRecord.Call::answer)
                .containsExactly("FAILED");
    }

    @Test
    void aFailedVendIsPaidBackByExactlyOnePayoutEvenWhenTheFailureIsRedelivered() {
        Order order = place("r1", PAYOUT_PROCESSING_THEN_COMPLETED, 25_050);
        assertThat(order.state()).isEqualTo(OrderState.VENDING);

        VendFailed failed = vendFailed(order);
        f.outcomes.apply(failed);
        f.outcomes.apply(failed);
        f.outcomes.recover(Duration.ZERO);

        Order refunding = f.orders.find(order.orderId()).orElseThrow();
        String payout = refunding.payoutReference();
        assertThat(refunding.state()).isEqualTo(OrderState.REFUNDING);
        assertThat(outbox(refunding)).filteredOn(e -> e instanceof PaymentPending p && p.getKind() == PaymentKind.PAYOUT)
                .isNotEmpty().allSatisfy(e -> assertThat(((PaymentPending) e).getReferenceId()).isEqualTo(payout));
        assertThat(record.calls("dollr", "payout", payout)).extracting(CallRecord.Call::answer)
                .containsExactly("PROCESSING");

        PaymentOutcome done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> dollr.payoutStatus(payout), PaymentOutcome::isFinal);
        assertThat(done.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        PayoutSucceeded succeeded = PayoutSucceeded.newBuilder().setEnvelope(envelope(order, PayoutSucceeded.class, payout))
                .setProvider("dollr").setReferenceId(payout).setAmount(new Money(25_050L, "LRD")).build();
        payments.apply(succeeded);
        payments.apply(succeeded);
        f.outcomes.apply(failed);
        f.outcomes.recover(Duration.ZERO);

        Order refunded = f.orders.find(order.orderId()).orElseThrow();
        assertThat(refunded.state()).isEqualTo(OrderState.REFUNDED);
        assertThat(outboxTypes(refunded)).containsOnlyOnce("PayoutSucceeded", "OrderRefunded");
        assertThat(record.calls("dollr", "payout", null)).hasSize(1);
        assertThat(record.vendCount("dollr", payout)).isEqualTo(1);
        // Paid back what was collected (fee borne by the merchant), to the payer's wallet.
        SandboxTransaction tx = books.find("dollr", payout);
        assertThat(tx.operation()).isEqualTo("payout");
        assertThat(tx.amountMinor()).isEqualTo(books.find("dollr", order.paymentReference()).amountMinor())
                .isEqualTo(25_050);
        assertThat(tx.account()).isEqualTo(PAYOUT_PROCESSING_THEN_COMPLETED);
        // The payout reused the customer's party from the collection.
        assertThat(record.calls("dollr", "party", null)).hasSize(1);
    }

    @Test
    void aPayoutTheWalletRefusesLeavesTheOrderRefundingWithPayoutFailed() {
        Order order = place("r1", PAYOUT_FAILS, 10_000);
        f.outcomes.apply(vendFailed(order));
        f.outcomes.recover(Duration.ZERO);

        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.REFUNDING);
        assertThat(outbox(after)).filteredOn(PayoutFailed.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((PayoutFailed) e).getReason()).isEqualTo("Payee wallet could not receive funds"));
        assertThat(f.meters.counter("vendstream.order.payout_failed", "provider", "dollr").count()).isEqualTo(1.0);
        assertThat(record.calls("dollr", "payout", null)).extracting(CallRecord.Call::answer).containsExactly("FAILED");
    }

    @Test
    void aCustomerWhoPaysTwiceIsSetUpAtDollrOnce() {
        Order first = place("r1", COMPLETES, 10_000);
        Order second = place("r2", COMPLETES, 20_000);

        assertThat(List.of(first.state(), second.state())).containsOnly(OrderState.VENDING);
        assertThat(record.calls("dollr", "predict-mmo", null)).hasSize(1);
        assertThat(record.calls("dollr", "party", null)).hasSize(1);
        assertThat(record.calls("dollr", "counterparty", null)).hasSize(1);
        assertThat(record.calls("dollr", "payment-account", null)).hasSize(1);
        assertThat(record.calls("dollr", "invoice", null)).hasSize(2);
        assertThat(record.calls("dollr", "collection", null)).hasSize(2);
        assertThat(customers.count()).isEqualTo(1);
        assertThat(customers.find(MobileMoneyCustomers.key("dollr", COMPLETES)).orElseThrow().collectionAccountId())
                .isEqualTo(String.valueOf(books.find("dollr", second.paymentReference()).details().get("account_id")));
        // The fee preview is off by default.
        assertThat(record.calls("dollr", "predict-fees", null)).isEmpty();
    }

    @Test
    void aStoredCustomerDollrNoLongerKnowsIsSetUpAgainOnce() {
        // Ids Dollr does not know (a party deleted there, or a sandbox that restarted with empty books).
        customers.insertIfAbsent(new MobileMoneyCustomers.Customer(MobileMoneyCustomers.key("dollr", COMPLETES),
                987_654, 987_655, "ORANGE_MONEY_LBR", "ORANGE_MONEY_LBR", "LR", "987656", null), f.clock.instant());

        Order order = place("stale-1", COMPLETES, 10_000);

        assertThat(order.state()).isIn(OrderState.AWAITING_PAYMENT, OrderState.VENDING);
        assertThat(record.calls("dollr", "invoice", null)).hasSize(2);
        assertThat(record.calls("dollr", "party", null)).hasSize(1);
        assertThat(record.calls("dollr", "collection", null)).hasSize(1);
        MobileMoneyCustomers.Customer fresh = customers.find(MobileMoneyCustomers.key("dollr", COMPLETES)).orElseThrow();
        assertThat(fresh.partyId()).isNotEqualTo(987_654L);
        assertThat(fresh.collectionAccountId()).isNotEqualTo("987656");
    }

    @Test
    void customersSetUpConcurrentlyEndWithOneStoredCustomerThatEveryPaymentUses() throws Exception {
        // Both first payments of a new customer pass the lookup and create a party before either stores it.
        RacingConnector racing = new RacingConnector(dollr, 2);
        DollrMobileMoney racingGateway = new DollrMobileMoney(racing, customers, DollrMobileMoney.Settings.defaults(),
                f.clock);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<MobileMoneyGateway.Result>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String orderId = "order-" + i;
                Callable<MobileMoneyGateway.Result> pay = () -> racingGateway.collect(MobileMoneyPayments.newReference(), orderId,
                        COMPLETES, 10_000, "LRD", "AIRTIME LONESTAR");
                results.add(pool.submit(pay));
            }
            for (Future<MobileMoneyGateway.Result> r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS).status()).isEqualTo(MobileMoneyGateway.Status.COMPLETED);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(record.calls("dollr", "party", null)).hasSize(2);
        assertThat(customers.count()).isEqualTo(1);
        MobileMoneyCustomers.Customer stored = customers.find(MobileMoneyCustomers.key("dollr", COMPLETES)).orElseThrow();
        // The losing party is left unused: both invoices went to the stored customer.
        assertThat(racing.invoicedCounterparties).hasSize(2).containsOnly(stored.counterpartyId());
    }

    @Test
    void anUnsupportedNumberFailsThePaymentWithoutAPartyOrAnExecution() {
        Order order = place("r1", NO_OPERATOR, 10_000);

        assertThat(order.state()).isEqualTo(OrderState.REJECTED);
        assertThat(order.rejectionCode()).isEqualTo("PAYMENT_FAILED");
        assertThat(order.rejectionMessage()).contains("not executed", "No mobile money operator")
                .doesNotContain(NO_OPERATOR);
        assertThat(outboxTypes(order)).containsExactly("PaymentFailed", "OrderRejected");
        assertThat(record.calls("dollr", "predict-mmo", null)).hasSize(1);
        assertThat(record.calls("dollr", "party", null)).isEmpty();
        assertThat(record.calls("dollr", "collection", null)).isEmpty();
        assertThat(customers.count()).isZero();
        assertNoPhoneLogged(NO_OPERATOR);
    }

    // ---- item 11: a local authentication failure never becomes a rejection or a refund while the order can wait

    /** A connector with its own token cache, whose token-endpoint waits are recorded, not slept. */
    private static DollrConnector freshConnector(String secret) {
        return new DollrConnector(new DollrProperties(root + "/dollr/v1", "dollr-sandbox-client", secret,
                Duration.ofSeconds(2), Duration.ofSeconds(5), null, null,
                new DollrProperties.PayoutPasscode("231880000100", null, "246810", "vendstream-test", "linux",
                        "vendstream", "127.0.0.1")), java.time.Clock.systemUTC(), d -> { });
    }

    /** Payments over {@code connector} whose retry decisions read {@code clock}: 1 s pauses, 15 min to give up. */
    private MobileMoneyPayments paymentsOver(MobileMoneyConnector connector, MutableClock clock) {
        MobileMoneyPayments p = new MobileMoneyPayments(f.orders, new DollrMobileMoney(connector, customers,
                DollrMobileMoney.Settings.defaults(), f.clock), f.relay, f.meters, clock,
                new MobileMoneyPayments.Retry(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(15), null));
        f.transitions.usePayouts(p);
        return p;
    }

    private Order placeWith(MobileMoneyPayments p, String clientReference, String phone, long amountMinor) {
        OrderPlacement.Result result = new OrderPlacement(f.orders, catalog, f.wallets, f.merchants, f.relay, f.clock, p)
                .place(new OrderRequest("m1", clientReference, null, ServiceCategory.AIRTIME, "LONESTAR", null, phone,
                        phone, amountMinor, "LRD", 1, PaymentMethod.MOBILE_MONEY, null, null, phone, "api"), true);
        assertThat(result.outcome()).isEqualTo(OrderPlacement.Outcome.CREATED);
        return result.order();
    }

    private Document payment(Order order) {
        return f.orders.payment(order.orderId()).orElseThrow();
    }

    private void throttleDollrTokens() {
        sandbox.getBean(Faults.class).armRate("dollr", "auth", Scenario.TOO_MANY_REQUESTS, 1.0);
    }

    private void recoverDollrTokens() {
        sandbox.getBean(Faults.class).disarm("dollr", "auth");
    }

    @Test
    void aThrottledTokenEndpointLeavesTheOrderWaitingAndItCompletesOnceTheEndpointRecovers() {
        MutableClock clock = MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC);
        MobileMoneyPayments p = paymentsOver(freshConnector("dollr-sandbox-secret"), clock);
        throttleDollrTokens();
        Order order;
        try {
            order = placeWith(p, "throttled-1", "231770000051", 10_000);

            assertThat(order.state()).isEqualTo(OrderState.AWAITING_PAYMENT);
            assertThat(outbox(order)).isEmpty();
            Document notSent = payment(order).get("notSent", Document.class);
            assertThat(notSent.getInteger("attempts")).isEqualTo(1);
            assertThat(notSent.getDate("retryAt").toInstant()).isAfter(clock.instant());
            assertThat(notSent.getString("reason")).contains("unavailable").doesNotContain("231770000051");
            // A sweep before the pause is over sends nothing.
            p.recover(f.orders.find(order.orderId()).orElseThrow());
            assertThat(payment(order).get("notSent", Document.class).getInteger("attempts")).isEqualTo(1);
            assertThat(record.calls("dollr", "collection", null)).isEmpty();
        } finally {
            recoverDollrTokens();
        }
        // The endpoint answers again (the connector's own hold on the token endpoint ends within its Retry-After).
        awaitCollectedWhenSentAgain(clock, () -> p.recover(f.orders.find(order.orderId()).orElseThrow()), order);
        assertThat(f.meters.counter("vendstream.order.payment_not_sent", "provider", "dollr", "kind", "collection")
                .count()).isGreaterThanOrEqualTo(1);
    }

    /**
     * A collection the providers' guard keeps back (Dollr's circuit open) was never sent: the order waits
     * with its NOT SENT marker, nothing is paid back, and the sweep sends the same reference once the circuit
     * lets calls through again; Dollr executes it once.
     */
    @Test
    void aCollectionTheGuardKeepsBackWaitsAndIsSentOnceTheCircuitClosesNeverRefunded() {
        MutableClock clock = MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC);
        GuardedMobileMoney guarded = new GuardedMobileMoney(freshConnector("dollr-sandbox-secret"),
                GuardSettings.defaults());
        MobileMoneyPayments p = paymentsOver(guarded, clock);
        guarded.breaker().transitionToOpenState();
        Order order = placeWith(p, "kept-back-1", "231770000052", 10_000);

        assertThat(order.state()).isEqualTo(OrderState.AWAITING_PAYMENT);
        assertThat(outbox(order)).isEmpty();
        Document notSent = payment(order).get("notSent", Document.class);
        assertThat(notSent.getInteger("attempts")).isEqualTo(1);
        assertThat(notSent.getString("reason")).contains("circuit open");
        assertThat(notSent.getDate("retryAt").toInstant()).isAfter(clock.instant());
        // The order's own pause (1 s here) passes while the circuit is still open: kept back again, nothing sent.
        clock.add(Duration.ofSeconds(2));
        p.recover(f.orders.find(order.orderId()).orElseThrow());
        assertThat(payment(order).get("notSent", Document.class).getInteger("attempts")).isEqualTo(2);
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.AWAITING_PAYMENT);
        assertThat(record.calls("dollr", null, null)).isEmpty();

        guarded.breaker().transitionToClosedState();
        awaitCollectedWhenSentAgain(clock, () -> p.recover(f.orders.find(order.orderId()).orElseThrow()), order);
        // Never paid back: no payout was asked for.
        assertThat(record.calls("dollr", "payout", null)).isEmpty();
    }

    @Test
    void aCollectionThatCannotStartBeforeTheGiveUpTimeIsRejectedWithAClearReason() {
        MutableClock clock = MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC);
        MobileMoneyPayments p = paymentsOver(freshConnector("dollr-sandbox-secret"), clock);
        throttleDollrTokens();
        try {
            Order order = placeWith(p, "throttled-2", "231770000052", 10_000);
            assertThat(order.state()).isEqualTo(OrderState.AWAITING_PAYMENT);

            clock.add(Duration.ofMinutes(16));
            p.recover(f.orders.find(order.orderId()).orElseThrow());

            Order rejected = f.orders.find(order.orderId()).orElseThrow();
            assertThat(rejected.state()).isEqualTo(OrderState.REJECTED);
            assertThat(rejected.rejectionCode()).isEqualTo("PAYMENT_FAILED");
            assertThat(rejected.rejectionMessage()).contains("could not be started within PT15M", "unavailable");
            assertThat(outboxTypes(rejected)).containsExactly("PaymentFailed", "OrderRejected");
            assertThat(record.calls("dollr", "collection", null)).isEmpty();
        } finally {
            recoverDollrTokens();
        }
    }

    @Test
    void refusedCredentialsRejectTheCollectionAtOnce() {
        MobileMoneyPayments p = paymentsOver(freshConnector("wrong-secret"), MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC));

        Order order = placeWith(p, "refused-1", "231770000053", 10_000);

        assertThat(order.state()).isEqualTo(OrderState.REJECTED);
        assertThat(order.rejectionCode()).isEqualTo("PAYMENT_FAILED");
        assertThat(order.rejectionMessage()).contains("refused", "UNAUTHORIZED");
        assertThat(record.calls("dollr", "collection", null)).isEmpty();
    }

    @Test
    void aPayoutThatCannotBeSentForNowStaysRefundingAndIsSentLaterNeverMarkedDone() throws Exception {
        MutableClock clock = MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC);
        MobileMoneyPayments p = paymentsOver(freshConnector("dollr-sandbox-secret"), clock);
        Order order = placeWith(p, "payout-later-1", PAYOUT_PROCESSING_THEN_COMPLETED, 10_000);
        assertThat(order.state()).isEqualTo(OrderState.VENDING);

        // Every token is revoked and the token endpoint is throttled when the vend fails.
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(root + "/sandbox/admin/dollr/tokens/revoke"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        throttleDollrTokens();
        try {
            f.outcomes.apply(vendFailed(order));
            Order refunding = f.orders.find(order.orderId()).orElseThrow();
            assertThat(refunding.state()).isEqualTo(OrderState.REFUNDING);
            assertThat(outboxTypes(refunding)).doesNotContain("PayoutSucceeded", "OrderRefunded", "PayoutFailed");
            assertThat(payment(refunding).get("payoutNotSent", Document.class).getDate("retryAt")).isNotNull();
            // Sweeps before the pause is over send nothing and change nothing.
            f.outcomes.recover(Duration.ZERO);
            assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.REFUNDING);
            assertThat(record.calls("dollr", "payout", null)).isEmpty();
        } finally {
            recoverDollrTokens();
        }
        String payout = f.orders.find(order.orderId()).orElseThrow().payoutReference();
        // The sweep runs on the same moved clock: the order's own backoff (30 s, doubling) passes with it.
        OrderOutcomes sweeps = new OrderOutcomes(f.orders, f.transitions, f.relay, f.meters, clock);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            clock.add(Duration.ofMinutes(1));
            sweeps.recover(Duration.ZERO);
            return !record.calls("dollr", "payout", payout).isEmpty();
        });
        assertThat(record.calls("dollr", "payout", null)).extracting(CallRecord.Call::answer)
                .containsExactly("PROCESSING");

        PaymentOutcome done = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> dollr.payoutStatus(payout), PaymentOutcome::isFinal);
        assertThat(done.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        p.apply(PayoutSucceeded.newBuilder().setEnvelope(envelope(order, PayoutSucceeded.class, payout))
                .setProvider("dollr").setReferenceId(payout).setAmount(new Money(10_000L, "LRD")).build());
        Order refunded = f.orders.find(order.orderId()).orElseThrow();
        assertThat(refunded.state()).isEqualTo(OrderState.REFUNDED);
        assertThat(outboxTypes(refunded)).containsOnlyOnce("PayoutSucceeded", "OrderRefunded");
        assertThat(record.vendCount("dollr", payout)).isEqualTo(1);
    }

    // ---- item 13: a collection that stays PROCESSING past its deadline

    private PaymentUnresolved unresolved(Order order) {
        return PaymentUnresolved.newBuilder()
                .setEnvelope(envelope(order, PaymentUnresolved.class, order.paymentReference())).setProvider("dollr")
                .setKind(PaymentKind.COLLECTION).setReferenceId(order.paymentReference())
                .setAmount(new Money(order.amountMinor(), "LRD")).setFirstPendingAt(Instant.now().minusSeconds(1800))
                .setRequeryCount(60).setLastProviderStatus("PENDING")
                .setRequeryUntil(Instant.now().plus(Duration.ofHours(72))).build();
    }

    @Test
    void aCollectionStillProcessingPastItsDeadlineIsPaymentUnresolvedAndALateCompletionVendsOnce() {
        Order order = place("stuck-1", PROCESSING_FOREVER, 10_000);
        assertThat(outboxTypes(order)).containsExactly("PaymentPending");

        payments.apply(unresolved(order));
        payments.apply(unresolved(order));

        Order waiting = f.orders.find(order.orderId()).orElseThrow();
        assertThat(waiting.state()).isEqualTo(OrderState.PAYMENT_UNRESOLVED);
        assertThat(OrderJson.OrderView.of(waiting).state()).isEqualTo("PAYMENT_UNRESOLVED");
        assertThat(OrderState.UNSETTLED).contains(OrderState.PAYMENT_UNRESOLVED);
        assertThat(f.meters.counter("vendstream.order.payment_unresolved", "provider", "dollr", "kind", "COLLECTION")
                .count()).isEqualTo(1.0);
        // Recovery leaves it alone: only an answer or a person settles it.
        placement.recover(Duration.ZERO);
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.PAYMENT_UNRESOLVED);

        // The wallet operator completes it late; status-poller's slow requery finds it.
        books.find("dollr", order.paymentReference()).resolve(Scenario.Status.SUCCEEDED);
        PaymentOutcome late = dollr.collectionStatus(order.paymentReference());
        assertThat(late.status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        PaymentCollected collected = collected(order, order.paymentReference(), null);
        payments.apply(collected);
        payments.apply(collected);

        Order vending = f.orders.find(order.orderId()).orElseThrow();
        assertThat(vending.state()).isEqualTo(OrderState.VENDING);
        assertThat(outboxTypes(vending)).containsExactly("PaymentPending", "PaymentCollected", "OrderAccepted",
                "VendRequested");
        assertThat(record.vendCount("dollr", order.paymentReference())).isEqualTo(1);
    }

    @Test
    void anUnresolvedCollectionThatFailsLateIsRejectedWithNothingToPayBack() {
        Order order = place("stuck-2", PROCESSING_FOREVER, 10_000);
        payments.apply(unresolved(order));
        books.find("dollr", order.paymentReference()).resolve(Scenario.Status.FAILED);
        PaymentOutcome late = dollr.collectionStatus(order.paymentReference());
        assertThat(late.status()).isEqualTo(PaymentOutcome.Status.FAILED);

        payments.apply(PaymentFailed.newBuilder()
                .setEnvelope(envelope(order, PaymentFailed.class, order.paymentReference())).setProvider("dollr")
                .setReferenceId(order.paymentReference()).setAmount(new Money(10_000L, "LRD"))
                .setReason(late.gatewayMessage()).build());

        Order rejected = f.orders.find(order.orderId()).orElseThrow();
        assertThat(rejected.state()).isEqualTo(OrderState.REJECTED);
        assertThat(rejected.rejectionCode()).isEqualTo("PAYMENT_FAILED");
        assertThat(outboxTypes(rejected)).containsExactly("PaymentPending", "PaymentFailed", "OrderRejected")
                .doesNotContain("VendRequested");
        assertThat(rejected.payoutReference()).isNull();
        assertThat(record.calls("dollr", "payout", null)).isEmpty();
    }

    @Test
    void aPersonWhoFindsAnUnresolvedCollectionCollectedSendsItToTheVendOnce() {
        Order order = place("stuck-4", PROCESSING_FOREVER, 10_000);
        payments.apply(unresolved(order));
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.PAYMENT_UNRESOLVED);

        assertThat(payments.settle(order.orderId(), true, "debit seen in the Dollr dashboard", "decision-5")).isTrue();
        assertThat(payments.settle(order.orderId(), true, "debit seen in the Dollr dashboard", "decision-5")).isFalse();
        assertThat(payments.settle(order.orderId(), false, "second thoughts", "decision-6")).isFalse();

        Order vending = f.orders.find(order.orderId()).orElseThrow();
        assertThat(vending.state()).isEqualTo(OrderState.VENDING);
        assertThat(outboxTypes(vending)).containsExactly("PaymentPending", "PaymentCollected", "OrderAccepted",
                "VendRequested");
        org.bson.Document payment = f.orders.payment(order.orderId()).orElseThrow();
        assertThat(payment.getDate("collectedAt")).isNotNull();
        assertThat(payment.containsKey("sendingUntil") ? payment.get("sendingUntil") : null).isNull();
        assertThat(f.orders.hasApplied(order.orderId(), "decision-5")).isTrue();
        assertThat(f.orders.hasApplied(order.orderId(), "decision-6")).isFalse();
        assertThat(f.orders.enteredAt(order.orderId(), OrderState.VENDING)).isNotNull();
        // Settled on a person's word: no second collection, and the vend is requested once.
        assertThat(record.calls("dollr", "collection", order.paymentReference())).hasSize(1);
    }

    @Test
    void aPersonCanSettleAnUnresolvedCollectionOnce() {
        Order order = place("stuck-3", PROCESSING_FOREVER, 10_000);
        assertThat(payments.settle(order.orderId(), true, "checked in the Dollr dashboard", "decision-1")).isFalse();
        payments.apply(unresolved(order));

        assertThat(payments.settle(order.orderId(), false, "operator confirms no debit", "decision-2")).isTrue();
        assertThat(payments.settle(order.orderId(), true, "second thoughts", "decision-3")).isFalse();

        Order rejected = f.orders.find(order.orderId()).orElseThrow();
        assertThat(rejected.state()).isEqualTo(OrderState.REJECTED);
        assertThat(rejected.rejectionMessage()).contains("operator confirms no debit");
        assertThat(outboxTypes(rejected)).containsExactly("PaymentPending", "PaymentFailed", "OrderRejected");

        // The decision was wrong: the operator completes the debit later and status-poller's hourly query finds
        // it. The customer's money is paid back by one payout of the same amount; the order stays REJECTED.
        books.find("dollr", order.paymentReference()).resolve(Scenario.Status.SUCCEEDED);
        assertThat(dollr.collectionStatus(order.paymentReference()).status()).isEqualTo(PaymentOutcome.Status.COMPLETED);
        payments.apply(collected(order, order.paymentReference(), null));
        assertThat(payments.settle(order.orderId(), true, "too late", "decision-4")).isFalse();

        Order paidBack = f.orders.find(order.orderId()).orElseThrow();
        assertThat(paidBack.state()).isEqualTo(OrderState.REJECTED);
        assertThat(paidBack.paidBackAfterRejectionAt()).isNotNull();
        assertThat(outboxTypes(paidBack)).containsExactly("PaymentPending", "PaymentFailed", "OrderRejected",
                "PaymentCollected", "PayoutSucceeded").doesNotContain("VendRequested", "OrderRefunded");
        assertThat(record.calls("dollr", "payout", null)).extracting(CallRecord.Call::reference)
                .containsExactly(paidBack.payoutReference());
        assertThat(books.find("dollr", paidBack.payoutReference()).amountMinor())
                .isEqualTo(books.find("dollr", order.paymentReference()).amountMinor()).isEqualTo(10_000);
        assertThat(f.meters.counter("vendstream.order.contradictions", "type", "PaymentCollected").count())
                .isEqualTo(1.0);
    }

    // ---- a collection call held up for longer than recovery-after

    @Test
    void aCollectionHeldUpByAThrottledDollrPastRecoveryAfterIsNotFollowedAndIsSentAgain() throws Exception {
        MutableClock clock = MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC);
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        // The token cache waits out the token endpoint's Retry-After inline: the first wait lasts until released.
        DollrConnector slow = new DollrConnector(new DollrProperties(root + "/dollr/v1", "dollr-sandbox-client",
                "dollr-sandbox-secret", Duration.ofSeconds(2), Duration.ofSeconds(5), null, null,
                new DollrProperties.PayoutPasscode("231880000100", null, "246810", "vendstream-test", "linux",
                        "vendstream", "127.0.0.1")), java.time.Clock.systemUTC(), d -> {
            if (first.getAndSet(false)) {
                waiting.countDown();
                resume.await(30, TimeUnit.SECONDS);
            }
        });
        MobileMoneyPayments p = paymentsOver(slow, clock);
        OrderPlacement sweeper = new OrderPlacement(f.orders, catalog, f.wallets, f.merchants, f.relay, clock, p);
        OrderPlacement otherInstance = new OrderPlacement(f.orders, catalog, f.wallets, f.merchants, f.relay, clock, p);
        throttleDollrTokens();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Order order;
        try {
            Future<Order> placed = pool.submit(() -> placeWith(p, "held-1", "231770000054", 10_000));
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            order = f.orders.findByClientReference("m1", "held-1").orElseThrow();
            assertThat(order.state()).isEqualTo(OrderState.AWAITING_PAYMENT);

            // The call has been under way for longer than recovery-after (30 s); both instances sweep.
            clock.add(Duration.ofMinutes(1));
            sweeper.recover(Duration.ofSeconds(30));
            otherInstance.recover(Duration.ofSeconds(30));
            assertThat(payment(order).get("pendingAt")).isNull();
            assertThat(outboxTypes(order)).doesNotContain("PaymentPending");

            resume.countDown();
            assertThat(placed.get(30, TimeUnit.SECONDS).state()).isEqualTo(OrderState.AWAITING_PAYMENT);
            assertThat(payment(order).get("notSent", Document.class).getInteger("attempts")).isEqualTo(1);
            assertThat(payment(order).get("pendingAt")).isNull();
        } finally {
            resume.countDown();
            recoverDollrTokens();
            pool.shutdownNow();
        }
        // Dollr answers again: the sweep sends the same reference and the collection completes.
        awaitCollectedWhenSentAgain(clock, () -> sweeper.recover(Duration.ofSeconds(30)), order);
    }

    /**
     * Moves the clock and sweeps until the collection that was not sent has been sent again and completed:
     * its own reference only, executed once at Dollr.
     */
    private void awaitCollectedWhenSentAgain(MutableClock clock, Runnable sweep, Order order) {
        Order done = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            clock.add(Duration.ofSeconds(2));
            sweep.run();
            return f.orders.find(order.orderId()).orElseThrow();
        }, o -> o.state() != OrderState.AWAITING_PAYMENT);
        assertThat(done.state()).isEqualTo(OrderState.VENDING);
        assertThat(outboxTypes(done)).containsExactly("PaymentCollected", "OrderAccepted", "VendRequested");
        assertThat(record.calls("dollr", "collection", null)).extracting(CallRecord.Call::reference)
                .containsOnly(order.paymentReference());
        assertThat(record.vendCount("dollr", order.paymentReference())).isEqualTo(1);
    }

    // ---- customers' numbers in the providers' messages

    @Test
    void aProviderMessageQuotingThePayersNumberReachesNoMerchantFacingCopy() {
        String payer = "231770000008";
        List<String> copies = List.of(payer, "77 000 0008", "0770000008", "770000008");
        // Wallet operators quote the MSISDN in their texts, in any format.
        Delegating quoting = new Delegating(dollr) {
            @Override
            public PaymentOutcome executeCollection(String sessionId, String accountId, String currency,
                                                    String referenceId) {
                return new PaymentOutcome(PaymentOutcome.Status.FAILED, referenceId, "Debit of " + payer
                        + " refused: wallet +231 77 000 0008 (0770000008) has insufficient funds", null, null,
                        com.vendstream.providers.Decision.FAIL, "FAILED");
            }

            @Override
            public PaymentOutcome executePayout(String sessionId, String accountId, String referenceId) {
                return new PaymentOutcome(PaymentOutcome.Status.FAILED, referenceId, "Payee " + COMPLETES
                        + " wallet frozen", null, null, com.vendstream.providers.Decision.FAIL, "FAILED");
            }
        };
        MobileMoneyPayments p = paymentsOver(quoting, MutableClock.of(Instant.now(), java.time.ZoneOffset.UTC));

        // The collection's FAILED answer.
        Order rejected = placeWith(p, "quoted-1", payer, 10_000);
        assertThat(rejected.state()).isEqualTo(OrderState.REJECTED);
        assertThat(rejected.rejectionMessage()).contains("insufficient funds");
        assertNoCopyShown(rejected, copies);

        // status-poller's PaymentFailed, its reason quoting the number.
        Order followed = place("quoted-2", PROCESSING_FOREVER, 10_000);
        payments.apply(PaymentFailed.newBuilder()
                .setEnvelope(envelope(followed, PaymentFailed.class, followed.paymentReference())).setProvider("dollr")
                .setReferenceId(followed.paymentReference()).setAmount(new Money(10_000L, "LRD"))
                .setReason("Customer 231770000003 (0770000003) did not approve").build());
        Order declined = f.orders.find(followed.orderId()).orElseThrow();
        assertThat(declined.state()).isEqualTo(OrderState.REJECTED);
        assertNoCopyShown(declined, List.of(PROCESSING_FOREVER, "0770000003"));

        // A payout's FAILED answer (the vend failed; the refund goes through the quoting connector).
        Order vended = place("quoted-3", COMPLETES, 10_000);
        assertThat(vended.state()).isEqualTo(OrderState.VENDING);
        f.outcomes.apply(vendFailed(vended));
        Order refunding = f.orders.find(vended.orderId()).orElseThrow();
        assertThat(refunding.state()).isEqualTo(OrderState.REFUNDING);
        assertThat(outboxTypes(refunding)).contains("PayoutFailed");
        assertThat(payment(refunding).getString("payoutFailure")).contains("wallet frozen").doesNotContain(COMPLETES);
        assertNoCopyShown(refunding, List.of(COMPLETES));
    }

    /** The order as a merchant is shown it, and every event it emits but the vend request, hold no copy. */
    private void assertNoCopyShown(Order stored, List<String> copies) {
        Order order = f.orders.find(stored.orderId()).orElseThrow();
        String shown = OrderJson.OrderView.of(order).toString();
        List<String> events = outbox(order).stream().filter(e -> !(e instanceof VendRequested))
                .map(Object::toString).toList();
        for (String copy : copies) {
            assertThat(shown).doesNotContain(copy);
            assertThat(events).allSatisfy(e -> assertThat(e).doesNotContain(copy));
        }
        assertThat(outbox(order)).isNotEmpty();
    }

    @Test
    void pay4PowersSandboxVendsLonestarAirtimeToALiberianNumber() {
        Pay4PowerConnector p4p = new Pay4PowerConnector(new Pay4PowerProperties(root + "/pay4power/api/v2.1/b2b",
                "p4p-sandbox-client", "p4p-sandbox-secret", Pay4PowerProperties.AuthMode.CLIENT_CREDENTIALS,
                Duration.ofSeconds(2), Duration.ofSeconds(5), null, null));
        String reference = p4p.newReference();

        VendOutcome outcome = p4p.vend(new VendCommand(reference, ServiceType.AIRTIME, "LONESTAR", null,
                PROCESSING_THEN_COMPLETED, PROCESSING_THEN_COMPLETED, 10_000, "LRD", 1, null, null));

        assertThat(outcome).isInstanceOf(VendOutcome.Succeeded.class);
        assertThat(record.calls("pay4power", "vend", reference)).extracting(CallRecord.Call::answer).containsExactly("200");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Order place(String clientReference, String phone, long amountMinor) {
        OrderPlacement.Result result = placement.place(new OrderRequest("m1", clientReference, null, ServiceCategory.AIRTIME,
                "LONESTAR", null, phone, phone, amountMinor, "LRD", 1, PaymentMethod.MOBILE_MONEY, null, null, phone,
                "api"), true);
        assertThat(result.outcome()).isEqualTo(OrderPlacement.Outcome.CREATED);
        return result.order();
    }

    /** status-poller's PaymentCollected for an order's collection. */
    private static PaymentCollected collected(Order order, String reference, Long feeMinor) {
        return PaymentCollected.newBuilder().setEnvelope(envelope(order, PaymentCollected.class, reference))
                .setProvider("dollr").setReferenceId(reference).setAmount(new Money(order.amountMinor(), "LRD"))
                .setFee(feeMinor == null ? null : new Money(feeMinor, "LRD")).build();
    }

    private static VendFailed vendFailed(Order order) {
        return VendFailed.newBuilder().setEnvelope(envelope(order, VendFailed.class, null))
                .setVend(new VendRef("pay4power", "ref", null)).setAmount(new Money(order.amountMinor(), "LRD"))
                .setReasonClass(FailureClass.DECLINED_BY_PROVIDER).setResolvedBy(Resolution.VEND_CALL).build();
    }

    private static Envelope envelope(Order order, Class<?> type, String discriminator) {
        return Envelopes.create(Envelopes.eventId(order.orderId(), type.getSimpleName(), discriminator), type,
                order.orderId(), Instant.now(), LocalDate.now(), "m1", "status-poller", order.orderId(), null);
    }

    private List<SpecificRecord> outbox(Order order) {
        Document raw = Mono.from(f.mongo.template.getCollection("orders").block()
                .find(new Document("_id", order.orderId())).first()).block();
        List<SpecificRecord> events = new ArrayList<>();
        for (Document entry : raw.getList("outbox", Document.class)) {
            events.add(EventCodec.decode(entry.getString("type"), entry.get("payload", Binary.class).getData()));
        }
        return events;
    }

    private List<String> outboxTypes(Order order) {
        return outbox(order).stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    private void assertNoPhoneLogged(String phone) {
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains(phone));
    }

    /** The real connector, every call passed through; tests override what they script. */
    static class Delegating implements MobileMoneyConnector {
        final MobileMoneyConnector real;

        Delegating(MobileMoneyConnector real) {
            this.real = real;
        }

        @Override public String id() { return real.id(); }
        @Override public String accessToken() { return real.accessToken(); }
        @Override public long createParty(NewParty party) { return real.createParty(party); }
        @Override public long createCounterparty(long partyId) { return real.createCounterparty(partyId); }
        @Override public long createInvoice(NewInvoice invoice) { return real.createInvoice(invoice); }
        @Override public void addInvoiceItem(long invoiceId, InvoiceItem item) { real.addInvoiceItem(invoiceId, item); }
        @Override public void publishInvoice(long invoiceId) { real.publishInvoice(invoiceId); }
        @Override public FeePreview previewFees(FeeQuery query) { return real.previewFees(query); }
        @Override public MmoInfo detectMmo(String phone, OperationType use) { return real.detectMmo(phone, use); }
        @Override public String createCheckoutSession(long invoiceId) { return real.createCheckoutSession(invoiceId); }
        @Override public String createPaymentAccount(OperationType type, NewPaymentAccount account) {
            return real.createPaymentAccount(type, account);
        }
        @Override public PaymentOutcome executeCollection(String sessionId, String accountId, String currency,
                                                          String referenceId) {
            return real.executeCollection(sessionId, accountId, currency, referenceId);
        }
        @Override public String createPayoutSession(NewPayoutSession session) { return real.createPayoutSession(session); }
        @Override public PaymentOutcome executePayout(String sessionId, String accountId, String referenceId) {
            return real.executePayout(sessionId, accountId, referenceId);
        }
        @Override public PaymentOutcome collectionStatus(String referenceId) { return real.collectionStatus(referenceId); }
        @Override public PaymentOutcome payoutStatus(String referenceId) { return real.payoutStatus(referenceId); }
        @Override public Receipt receipt(long invoiceId) { return real.receipt(invoiceId); }
    }

    /** The real connector, holding each caller after its party is created until {@code parties} callers got there. */
    static final class RacingConnector extends Delegating {
        private final CyclicBarrier together;
        final List<Long> invoicedCounterparties = new CopyOnWriteArrayList<>();

        RacingConnector(MobileMoneyConnector real, int parties) {
            super(real);
            this.together = new CyclicBarrier(parties);
        }

        @Override
        public long createCounterparty(long partyId) {
            try {
                together.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the other caller never created its party", e);
            }
            return real.createCounterparty(partyId);
        }

        @Override
        public long createInvoice(NewInvoice invoice) {
            invoicedCounterparties.add(invoice.counterpartyId());
            return real.createInvoice(invoice);
        }
    }
}
