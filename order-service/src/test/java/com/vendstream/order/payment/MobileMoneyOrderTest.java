package com.vendstream.order.payment;

import org.threeten.extra.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.PaymentUnresolved;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.events.Resolution;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.order.FakeGateway;
import com.vendstream.order.OrderFixture;
import com.vendstream.order.api.OrderJson;
import com.vendstream.order.order.BlockedReason;
import com.vendstream.order.order.Order;
import com.vendstream.order.order.OrderPlacement;
import com.vendstream.order.order.OrderRequest;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.OrderTransitions;
import com.vendstream.order.outcome.OrderOutcomes;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Orders paid by mobile money: vend only after a completed collection; a failed vend is paid back once. */
class MobileMoneyOrderTest {

    private final OrderFixture f = new OrderFixture();

    private final FakeGateway gateway = new FakeGateway();
    private final MobileMoneyPayments payments = new MobileMoneyPayments(f.orders, gateway, f.relay, f.meters, f.clock);
    private final OrderPlacement placement = new OrderPlacement(f.orders, f.catalog, f.wallets, f.merchants, f.relay,
            f.clock, payments);

    {
        f.transitions.usePayouts(payments);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static OrderRequest momo(String reference, String phone) {
        return new OrderRequest("m1", reference, null, ServiceCategory.AIRTIME, "MTN", null, "08011111111", null,
                50_000, "NGN", 1, PaymentMethod.MOBILE_MONEY, null, null, phone, "api");
    }

    @Test
    void aCompletedCollectionLeadsToTheVendWithAUuidV4Reference() {
        Order order = placement.place(momo("r1", "231770000001"), false).order();
        assertThat(order.state()).isEqualTo(OrderState.VENDING);
        assertThat(UUID.fromString(order.paymentReference()).version()).isEqualTo(4);
        assertThat(gateway.collections).containsOnlyKeys(order.paymentReference());
    }

    @Test
    void aFailedCollectionRejectsTheOrder() {
        gateway.collectionAnswer = MobileMoneyGateway.Status.FAILED;
        Order order = placement.place(momo("r1", "231770000002"), true).order();
        assertThat(order.state()).isEqualTo(OrderState.REJECTED);
        assertThat(order.rejectionCode()).isEqualTo("PAYMENT_FAILED");
    }

    @Test
    void aPendingCollectionWaitsForStatusPollersAnswer() {
        gateway.collectionAnswer = MobileMoneyGateway.Status.PENDING;
        Order order = placement.place(momo("r1", "231770000003"), false).order();
        assertThat(order.state()).isEqualTo(OrderState.AWAITING_PAYMENT);
        PaymentCollected collected = PaymentCollected.newBuilder()
                .setEnvelope(envelope(order, PaymentCollected.class)).setProvider("dollr")
                .setReferenceId(order.paymentReference()).setAmount(new Money(50_000L, "NGN")).build();
        payments.apply(collected);
        payments.apply(collected);
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.VENDING);
        assertThat(gateway.collections.get(order.paymentReference()).get()).isEqualTo(1);
    }

    @Test
    void aFailedVendIsPaidBackByOnePayout() {
        Order order = placement.place(momo("r1", "231770000001"), false).order();
        VendFailed failed = VendFailed.newBuilder().setEnvelope(envelope(order, VendFailed.class))
                .setVend(new VendRef("vtpass", "ref", null)).setAmount(new Money(50_000L, "NGN"))
                .setReasonClass(FailureClass.DECLINED_BY_PROVIDER).setResolvedBy(Resolution.VEND_CALL).build();
        f.outcomes.apply(failed);
        f.outcomes.apply(failed);
        f.outcomes.recover(java.time.Duration.ZERO);
        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.REFUNDED);
        assertThat(gateway.payouts).hasSize(1);
        assertThat(gateway.payouts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(UUID.fromString(after.payoutReference()).version()).isEqualTo(4);
    }

    @Test
    void anUnresolvedVendDecidedNotDeliveredByTwoOperatorsIsPaidBackByOnePayout() {
        Order order = placement.place(momo("r1", "231770000001"), false).order();
        f.outcomes.apply(VendUnresolved.newBuilder().setEnvelope(envelope(order, VendUnresolved.class))
                .setVend(new VendRef("vtpass", "ref", null)).setAmount(new Money(50_000L, "NGN"))
                .setFirstPendingAt(Instant.now()).setRequeryCount(3).build());
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.UNRESOLVED);
        VendFailed manual = VendFailed.newBuilder(failed(order)).setReasonClass(FailureClass.OTHER)
                .setProviderCode("MANUAL_NOT_DELIVERED").setResolvedBy(Resolution.MANUAL).build();
        f.outcomes.apply(manual);
        f.outcomes.apply(manual);
        f.outcomes.recover(Duration.ZERO);

        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.REFUNDED);
        assertThat(gateway.payouts).hasSize(1);
        assertThat(gateway.payouts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(outboxTypes(after)).containsOnlyOnce("OrderRefunded").doesNotContain("OrderCompleted");
    }

    @Test
    void aCollectionNotSentWaitsItsPauseAndIsSentAgainWithTheSameReferenceByOneSweeper() {
        MutableClock clock = MutableClock.of(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), java.time.ZoneOffset.UTC);
        MobileMoneyPayments waiting = new MobileMoneyPayments(f.orders, gateway, f.relay, f.meters, clock,
                new MobileMoneyPayments.Retry(java.time.Duration.ofSeconds(30), java.time.Duration.ofMinutes(5),
                        java.time.Duration.ofMinutes(15), null));
        gateway.collectionAnswer = MobileMoneyGateway.Status.NOT_SENT;
        gateway.retryAfter = java.time.Duration.ofSeconds(90);
        Order order = new OrderPlacement(f.orders, f.catalog, f.wallets, f.merchants, f.relay, f.clock, waiting)
                .place(momo("r1", "231770000001"), false).order();

        assertThat(order.state()).isEqualTo(OrderState.AWAITING_PAYMENT);
        org.bson.Document notSent = f.orders.payment(order.orderId()).orElseThrow().get("notSent", org.bson.Document.class);
        // The gateway's Retry-After (90 s) outweighs the first pause (30 s).
        assertThat(notSent.getDate("retryAt").toInstant()).isEqualTo(clock.instant().plusSeconds(90));

        clock.add(java.time.Duration.ofSeconds(60));
        waiting.recover(f.orders.find(order.orderId()).orElseThrow());
        assertThat(gateway.collections.get(order.paymentReference()).get()).isEqualTo(1);

        clock.add(java.time.Duration.ofSeconds(31));
        Order due = f.orders.find(order.orderId()).orElseThrow();
        waiting.recover(due);
        // A second sweeper holding the same snapshot finds the attempt claimed.
        waiting.recover(due);
        assertThat(gateway.collections.get(order.paymentReference()).get()).isEqualTo(2);
        assertThat(f.orders.payment(order.orderId()).orElseThrow().get("notSent", org.bson.Document.class)
                .getInteger("attempts")).isEqualTo(2);

        gateway.collectionAnswer = MobileMoneyGateway.Status.COMPLETED;
        clock.add(java.time.Duration.ofSeconds(91));
        waiting.recover(f.orders.find(order.orderId()).orElseThrow());
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.VENDING);
        assertThat(gateway.collections).containsOnlyKeys(order.paymentReference());
        assertThat(gateway.collections.get(order.paymentReference()).get()).isEqualTo(3);
    }

    @Test
    void aPayoutNotSentStaysRefundingAndIsNeverGivenUp() {
        MutableClock clock = MutableClock.of(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), java.time.ZoneOffset.UTC);
        MobileMoneyPayments waiting = new MobileMoneyPayments(f.orders, gateway, f.relay, f.meters, clock);
        f.transitions.usePayouts(waiting);
        Order order = new OrderPlacement(f.orders, f.catalog, f.wallets, f.merchants, f.relay, f.clock, waiting)
                .place(momo("r1", "231770000001"), false).order();
        gateway.payoutAnswer = MobileMoneyGateway.Status.NOT_SENT;
        f.outcomes.apply(VendFailed.newBuilder().setEnvelope(envelope(order, VendFailed.class))
                .setVend(new VendRef("vtpass", "ref", null)).setAmount(new Money(50_000L, "NGN"))
                .setReasonClass(FailureClass.DECLINED_BY_PROVIDER).setResolvedBy(Resolution.VEND_CALL).build());

        // The sweep and the payment run on the same moved clock, so both pauses pass with it.
        OrderOutcomes sweeps = new OrderOutcomes(f.orders, f.transitions, f.relay, f.meters, clock);
        clock.add(java.time.Duration.ofHours(2));
        sweeps.recover(java.time.Duration.ZERO);
        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.REFUNDING);
        assertThat(gateway.payouts.get(after.payoutReference()).get()).isEqualTo(2);

        gateway.payoutAnswer = MobileMoneyGateway.Status.COMPLETED;
        clock.add(java.time.Duration.ofHours(2));
        sweeps.recover(java.time.Duration.ZERO);
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.REFUNDED);
        assertThat(gateway.payouts).containsOnlyKeys(after.payoutReference());
    }

    @Test
    void withoutAMobileMoneyGatewayAFailedOrderStaysRefundingAndNoWalletIsCredited() {
        Order order = placement.place(momo("r1", "231770000001"), false).order();
        // The service now runs without a mobile-money gateway: nothing can pay this order back.
        OrderTransitions noPayouts = new OrderTransitions(f.orders, f.wallets, f.clock);
        OrderOutcomes outcomes = new OrderOutcomes(f.orders, noPayouts, f.relay, f.meters, f.clock);
        outcomes.apply(failed(order));
        new OrderOutcomes(f.orders, noPayouts, f.relay, f.meters, later(Duration.ofHours(1)))
                .recover(Duration.ZERO);

        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.REFUNDING);
        assertThat(outboxTypes(after)).doesNotContain("OrderRefunded");
        assertThat(f.orders.countBlocked()).containsExactly(
                new OrderStore.Blocked(OrderState.REFUNDING, BlockedReason.NO_MOBILE_MONEY, 1));

        // Configured again: the next due sweep pays it back by payout.
        new OrderOutcomes(f.orders, f.transitions, f.relay, f.meters, later(Duration.ofHours(3))).recover(Duration.ZERO);
        Order refunded = f.orders.find(order.orderId()).orElseThrow();
        assertThat(refunded.state()).isEqualTo(OrderState.REFUNDED);
        assertThat(gateway.payouts).containsOnlyKeys(refunded.payoutReference());
        assertThat(f.orders.countBlocked()).isEmpty();
    }

    /** A mobile-money order whose vend failed and whose first payout the gateway refused. */
    private Order refundingWithARefusedPayout() {
        gateway.payoutAnswer = MobileMoneyGateway.Status.FAILED;
        Order order = placement.place(momo("r1", "231770000001"), false).order();
        f.outcomes.apply(failed(order));
        return f.orders.find(order.orderId()).orElseThrow();
    }

    @Test
    void aRefusedPayoutKeepsTheOrderRefundingUntilAnotherPayoutUnderANewReferenceCompletes() {
        Order refused = refundingWithARefusedPayout();
        assertThat(refused.state()).isEqualTo(OrderState.REFUNDING);
        assertThat(outboxTypes(refused)).contains("PayoutFailed").doesNotContain("OrderRefunded");
        assertThat(f.orders.countBlocked()).containsExactly(
                new OrderStore.Blocked(OrderState.REFUNDING, BlockedReason.PAYOUT_FAILED, 1));

        // Not tried again before its backoff passes.
        f.outcomes.recover(Duration.ZERO);
        assertThat(gateway.payouts).containsOnlyKeys(refused.payoutReference());

        gateway.payoutAnswer = MobileMoneyGateway.Status.COMPLETED;
        new OrderOutcomes(f.orders, f.transitions, f.relay, f.meters, later(Duration.ofHours(1))).recover(Duration.ZERO);
        Order refunded = f.orders.find(refused.orderId()).orElseThrow();
        assertThat(refunded.state()).isEqualTo(OrderState.REFUNDED);
        assertThat(refunded.payoutReference()).isNotEqualTo(refused.payoutReference());
        assertThat(gateway.payouts).containsOnlyKeys(refused.payoutReference(), refunded.payoutReference());
        assertThat(gateway.payouts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(outboxTypes(refunded)).containsOnlyOnce("OrderRefunded", "PayoutSucceeded");

        // A late answer about the refused payout changes nothing.
        PayoutFailed late = PayoutFailed.newBuilder().setEnvelope(envelope(refused, PayoutFailed.class))
                .setProvider("dollr").setReferenceId(refused.payoutReference()).setAmount(new Money(50_000L, "NGN"))
                .setReason("declined").build();
        payments.apply(late);
        assertThat(f.orders.find(refused.orderId()).orElseThrow().state()).isEqualTo(OrderState.REFUNDED);
    }

    // ---- a collection call that outlasts recovery-after (a throttled gateway) ---------------------------

    /** Payments and their sweep on one clock the test moves: 30 s first pause, 15 min give-up, 10 min in flight. */
    private MobileMoneyPayments paymentsOn(MutableClock clock) {
        MobileMoneyPayments p = new MobileMoneyPayments(f.orders, gateway, f.relay, f.meters, clock,
                MobileMoneyPayments.Retry.defaults());
        f.transitions.usePayouts(p);
        return p;
    }

    private OrderPlacement sweeperOn(MutableClock clock, MobileMoneyPayments p) {
        return new OrderPlacement(f.orders, f.catalog, f.wallets, f.merchants, f.relay, clock, p);
    }

    /** Places an order whose collection call is held at the gateway; returns once the call is under way. */
    private Future<Order> placeHeld(ExecutorService pool, MobileMoneyPayments p, String reference) throws Exception {
        gateway.release = new CountDownLatch(1);
        Future<Order> placed = pool.submit(() -> new OrderPlacement(f.orders, f.catalog, f.wallets, f.merchants,
                f.relay, f.clock, p).place(momo(reference, "231770000001"), false).order());
        assertThat(gateway.entered.await(10, TimeUnit.SECONDS)).isTrue();
        return placed;
    }

    @Test
    void aCollectionCallOutlastingRecoveryAfterIsNotFollowedAndIsSentAgainWhenItComesBackNotSent() throws Exception {
        MutableClock clock = MutableClock.of(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), java.time.ZoneOffset.UTC);
        MobileMoneyPayments p = paymentsOn(clock);
        gateway.collectionAnswer = MobileMoneyGateway.Status.NOT_SENT;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Order> placed = placeHeld(pool, p, "held-1");
            Order inFlight = f.orders.findByClientReference("m1", "held-1").orElseThrow();

            // The call has been under way for more than recovery-after (30 s): two instances sweep.
            clock.add(Duration.ofMinutes(1));
            sweeperOn(clock, p).recover(Duration.ofSeconds(30));
            sweeperOn(clock, p).recover(Duration.ofSeconds(30));
            assertThat(f.orders.hasField(inFlight.orderId(), "payment.pendingAt")).isFalse();
            assertThat(outboxTypes(inFlight)).doesNotContain("PaymentPending");
            assertThat(gateway.collections.get(inFlight.paymentReference()).get()).isEqualTo(1);

            gateway.release.countDown();
            Order notSent = placed.get(30, TimeUnit.SECONDS);
            assertThat(notSent.state()).isEqualTo(OrderState.AWAITING_PAYMENT);
        } finally {
            gateway.release.countDown();
            pool.shutdownNow();
        }
        Order order = f.orders.findByClientReference("m1", "held-1").orElseThrow();
        assertThat(f.orders.payment(order.orderId()).orElseThrow().get("notSent", Document.class)
                .getInteger("attempts")).isEqualTo(1);

        // Past its pause the sweep sends it again, same reference, and it completes.
        gateway.release = null;
        gateway.collectionAnswer = MobileMoneyGateway.Status.COMPLETED;
        clock.add(Duration.ofSeconds(31));
        sweeperOn(clock, p).recover(Duration.ofSeconds(30));
        Order vending = f.orders.find(order.orderId()).orElseThrow();
        assertThat(vending.state()).isEqualTo(OrderState.VENDING);
        assertThat(gateway.collections).containsOnlyKeys(order.paymentReference());
        assertThat(gateway.collections.get(order.paymentReference()).get()).isEqualTo(2);
        assertThat(outboxTypes(vending)).containsExactly("PaymentCollected", "OrderAccepted", "VendRequested");
    }

    @Test
    void aNotSentCollectionThatWasFollowedIsSentAgainAndStatusPollersDeadlineDoesNotMakeItUnresolved()
            throws Exception {
        MutableClock clock = MutableClock.of(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), java.time.ZoneOffset.UTC);
        MobileMoneyPayments p = paymentsOn(clock);
        gateway.collectionAnswer = MobileMoneyGateway.Status.NOT_SENT;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Order order;
        try {
            Future<Order> placed = placeHeld(pool, p, "held-2");
            order = f.orders.findByClientReference("m1", "held-2").orElseThrow();
            // Held for longer than it is taken to be in flight (as a call whose process died): followed by status.
            clock.add(Duration.ofMinutes(11));
            sweeperOn(clock, p).recover(Duration.ofSeconds(30));
            assertThat(outboxTypes(order)).containsExactly("PaymentPending");
            gateway.release.countDown();
            assertThat(placed.get(30, TimeUnit.SECONDS).state()).isEqualTo(OrderState.AWAITING_PAYMENT);
        } finally {
            gateway.release.countDown();
            pool.shutdownNow();
        }
        // Not sent: never "followed" any more (status-poller finds nothing at the gateway for this reference).
        assertThat(f.orders.hasField(order.orderId(), "payment.pendingAt")).isFalse();
        // status-poller's deadline passes: a reference the gateway never received is not made PAYMENT_UNRESOLVED.
        p.apply(unresolved(order, PaymentKind.COLLECTION, order.paymentReference()));
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.AWAITING_PAYMENT);

        gateway.release = null;
        gateway.collectionAnswer = MobileMoneyGateway.Status.COMPLETED;
        clock.add(Duration.ofSeconds(31));
        sweeperOn(clock, p).recover(Duration.ofSeconds(30));
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.VENDING);
        assertThat(gateway.collections.get(order.paymentReference()).get()).isEqualTo(2);
        // status-poller, still following the reference, now finds it completed: nothing more happens.
        p.apply(collected(order));
        Order vending = f.orders.find(order.orderId()).orElseThrow();
        assertThat(vending.state()).isEqualTo(OrderState.VENDING);
        assertThat(outboxTypes(vending)).containsOnlyOnce("PaymentCollected", "VendRequested");
        assertThat(f.meters.find("vendstream.order.contradictions").counters()).isEmpty();
    }

    // ---- late answers that contradict the order ------------------------------------------------------

    @Test
    void aCollectionCompletedAfterTheOrderWasRejectedIsPaidBackByOnePayoutAndTheOrderStaysRejected() {
        gateway.collectionAnswer = MobileMoneyGateway.Status.FAILED;
        Order order = placement.place(momo("late-1", "231770000002"), false).order();
        assertThat(order.state()).isEqualTo(OrderState.REJECTED);

        // The operator debited the customer after all; status-poller's answer is delivered twice.
        PaymentCollected late = collected(order);
        payments.apply(late);
        payments.apply(late);

        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.REJECTED);
        assertThat(after.payoutReference()).isNotNull().isNotEqualTo(order.paymentReference());
        assertThat(gateway.payouts).containsOnlyKeys(after.payoutReference());
        assertThat(gateway.payouts.get(after.payoutReference()).get()).isEqualTo(1);
        assertThat(outboxTypes(after)).containsExactly("PaymentFailed", "OrderRejected", "PaymentCollected",
                "PayoutSucceeded");
        PayoutSucceeded paidBack = (PayoutSucceeded) outbox(after).get(3);
        assertThat(paidBack.getAmount()).isEqualTo(new Money(50_000L, "NGN"));
        assertThat(after.collectedAfterRejectionAt()).isNotNull();
        assertThat(after.paidBackAfterRejectionAt()).isNotNull();
        OrderJson.OrderView view = OrderJson.OrderView.of(after);
        assertThat(view.state()).isEqualTo("REJECTED");
        assertThat(view.collectedAfterRejection().state()).isEqualTo("PAID_BACK");
        assertThat(f.meters.counter("vendstream.order.contradictions", "type", "PaymentCollected").count())
                .isEqualTo(1.0);
        assertThat(f.meters.counter("vendstream.order.collected_after_rejection", "provider", "dollr").count())
                .isEqualTo(1.0);
        assertThat(raw(order).getList("contradictions", Document.class)).singleElement()
                .satisfies(c -> assertThat(c.getString("stateAtArrival")).isEqualTo("REJECTED"));
        // Nothing left for the sweep.
        new OrderPlacement(f.orders, f.catalog, f.wallets, f.merchants, f.relay, later(Duration.ofHours(2)), payments)
                .recover(Duration.ZERO);
        assertThat(gateway.payouts).hasSize(1);
    }

    @Test
    void aRefusedPayBackOfALateCollectionIsRetriedByTheSweepUntilConfirmed() {
        gateway.collectionAnswer = MobileMoneyGateway.Status.FAILED;
        gateway.payoutAnswer = MobileMoneyGateway.Status.FAILED;
        Order order = placement.place(momo("late-2", "231770000002"), false).order();
        payments.apply(collected(order));

        Order refused = f.orders.find(order.orderId()).orElseThrow();
        assertThat(refused.state()).isEqualTo(OrderState.REJECTED);
        assertThat(refused.paidBackAfterRejectionAt()).isNull();
        assertThat(OrderJson.OrderView.of(refused).collectedAfterRejection().state()).isEqualTo("PAYING_BACK");
        assertThat(f.orders.countBlocked()).containsExactly(
                new OrderStore.Blocked(OrderState.REJECTED, BlockedReason.PAYOUT_FAILED, 1));

        // The sweep tries again under a new reference once the backoff passed; the payout is pending...
        gateway.payoutAnswer = MobileMoneyGateway.Status.PENDING;
        new OrderPlacement(f.orders, f.catalog, f.wallets, f.merchants, f.relay, later(Duration.ofHours(1)), payments)
                .recover(Duration.ofSeconds(30));
        Order pending = f.orders.find(order.orderId()).orElseThrow();
        assertThat(pending.payoutReference()).isNotEqualTo(refused.payoutReference());
        assertThat(gateway.payouts).containsOnlyKeys(refused.payoutReference(), pending.payoutReference());

        // ...until status-poller confirms it.
        payments.apply(PayoutSucceeded.newBuilder().setEnvelope(envelope(order, PayoutSucceeded.class))
                .setProvider("dollr").setReferenceId(pending.payoutReference()).setAmount(new Money(50_000L, "NGN"))
                .build());
        Order paidBack = f.orders.find(order.orderId()).orElseThrow();
        assertThat(paidBack.state()).isEqualTo(OrderState.REJECTED);
        assertThat(paidBack.paidBackAfterRejectionAt()).isNotNull();
        assertThat(outboxTypes(paidBack)).containsExactly("PaymentFailed", "OrderRejected", "PaymentCollected",
                "PayoutFailed", "PaymentPending", "PayoutSucceeded").doesNotContain("OrderRefunded");
        assertThat(f.orders.countBlocked()).isEmpty();
        new OrderPlacement(f.orders, f.catalog, f.wallets, f.merchants, f.relay, later(Duration.ofHours(3)), payments)
                .recover(Duration.ZERO);
        assertThat(gateway.payouts).hasSize(2);
    }

    @Test
    void aPaymentFailedForAnOrderAlreadyVendingIsKeptAsAContradictionAndChangesNothing() {
        Order order = placement.place(momo("late-3", "231770000001"), false).order();
        assertThat(order.state()).isEqualTo(OrderState.VENDING);

        payments.apply(PaymentFailed.newBuilder().setEnvelope(envelope(order, PaymentFailed.class))
                .setProvider("dollr").setReferenceId(order.paymentReference()).setAmount(new Money(50_000L, "NGN"))
                .setReason("reversed by the operator").build());

        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.VENDING);
        assertThat(outboxTypes(after)).doesNotContain("PaymentFailed", "OrderRejected");
        assertThat(f.meters.counter("vendstream.order.contradictions", "type", "PaymentFailed").count()).isEqualTo(1.0);
        assertThat(raw(order).getList("contradictions", Document.class)).singleElement()
                .satisfies(c -> assertThat(c.getString("stateAtArrival")).isEqualTo("VENDING"));
        assertThat(gateway.payouts).isEmpty();
    }

    @Test
    void anUnresolvedAnswerAboutAnEarlierRefusedPayoutDoesNotMarkTheCurrentOne() {
        Order refused = refundingWithARefusedPayout();
        gateway.payoutAnswer = MobileMoneyGateway.Status.PENDING;
        new OrderOutcomes(f.orders, f.transitions, f.relay, f.meters, later(Duration.ofHours(1))).recover(Duration.ZERO);
        Order current = f.orders.find(refused.orderId()).orElseThrow();
        assertThat(current.payoutReference()).isNotEqualTo(refused.payoutReference());

        payments.apply(unresolved(refused, PaymentKind.PAYOUT, refused.payoutReference()));
        assertThat(f.orders.hasField(refused.orderId(), "payment.payoutUnresolved")).isFalse();
        assertThat(raw(refused).getList("appliedEvents", String.class))
                .contains(Envelopes.eventId(refused.orderId(), "PaymentUnresolved", refused.payoutReference()));

        payments.apply(unresolved(refused, PaymentKind.PAYOUT, current.payoutReference()));
        assertThat(f.orders.payment(refused.orderId()).orElseThrow().get("payoutUnresolved", Document.class)
                .getString("referenceId")).isEqualTo(current.payoutReference());
        assertThat(f.orders.find(refused.orderId()).orElseThrow().state()).isEqualTo(OrderState.REFUNDING);
    }

    private static PaymentCollected collected(Order order) {
        return PaymentCollected.newBuilder().setEnvelope(envelope(order, PaymentCollected.class))
                .setProvider("dollr").setReferenceId(order.paymentReference())
                .setAmount(new Money(order.amountMinor(), order.currency())).setProviderTransactionId("tx-late").build();
    }

    private static PaymentUnresolved unresolved(Order order, PaymentKind kind, String reference) {
        return PaymentUnresolved.newBuilder()
                .setEnvelope(Envelopes.create(Envelopes.eventId(order.orderId(), "PaymentUnresolved", reference),
                        PaymentUnresolved.class, order.orderId(), Instant.now(), LocalDate.now(), "m1", "status-poller",
                        order.orderId(), null))
                .setProvider("dollr").setKind(kind).setReferenceId(reference)
                .setAmount(new Money(order.amountMinor(), order.currency())).setFirstPendingAt(Instant.now())
                .setRequeryCount(40).setLastProviderStatus("PENDING").setRequeryUntil(Instant.now().plusSeconds(3600))
                .build();
    }

    private Document raw(Order order) {
        return Mono.from(f.mongo.template.getCollection(OrderStore.COLLECTION).block()
                .find(new Document("_id", order.orderId())).first()).block();
    }

    private List<SpecificRecord> outbox(Order order) {
        return raw(order).getList("outbox", Document.class).stream()
                .map(e -> EventCodec.decode(e.getString("type"), e.get("payload", Binary.class).getData())).toList();
    }

    private Clock later(Duration by) {
        return Clock.offset(f.clock, by);
    }

    private static VendFailed failed(Order order) {
        return VendFailed.newBuilder().setEnvelope(envelope(order, VendFailed.class))
                .setVend(new VendRef("vtpass", "ref", null)).setAmount(new Money(50_000L, "NGN"))
                .setReasonClass(FailureClass.DECLINED_BY_PROVIDER).setResolvedBy(Resolution.VEND_CALL).build();
    }

    private List<String> outboxTypes(Order order) {
        return outbox(order).stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    @Test
    void aPhoneThatIsNotE164IsRefusedBeforeAnyCall() {
        OrderPlacement.Result result = placement.place(momo("r1", "+231-77"), false);
        assertThat(result.outcome()).isEqualTo(OrderPlacement.Outcome.INVALID);
        assertThat(gateway.collections).isEmpty();
    }

    private static Envelope envelope(Order order, Class<?> type) {
        return Envelopes.create(Envelopes.eventId(order.orderId(), type.getSimpleName(), null), type, order.orderId(),
                Instant.now(), LocalDate.now(), "m1", "status-poller", order.orderId(), null);
    }
}
