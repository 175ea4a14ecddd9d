package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PendingReason;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.order.FakeGateway;
import com.vendstream.order.OrderFixture;
import com.vendstream.order.StuckWork;
import com.vendstream.order.outcome.OrderOutcomes;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import com.vendstream.order.payment.MobileMoneyPayments;
import com.vendstream.wallet.WalletLedger;
import com.vendstream.wallet.WalletLedger.DebitResult;
import com.vendstream.wallet.WalletLedger.Posting;
import com.vendstream.wallet.WalletLedger.TopUp;
import com.vendstream.wallet.WalletLedger.Transfer;
import com.vendstream.wallet.WalletTransfers;
import com.vendstream.wallet.Wallets;
import com.vendstream.schemas.envelope.Envelopes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Mono;

/**
 * Issue 12, item 4, order-service's part: a crash at each step of an order (and of a top-up) leaves a
 * state that a recovery path drives on, to exactly one terminal state, with the money conserved. Each
 * test builds the store state the crash leaves, then runs the recovery the service runs on its schedule.
 */
class OrderCrashRecoveryTest {

    private static final long OPENING = 1_000_000;
    private static final Duration RECOVERY_AFTER = Duration.ofSeconds(30);

    private final OrderFixture f = new OrderFixture();
    private final FakeGateway gateway = new FakeGateway();
    private final MobileMoneyPayments payments = f.mobileMoney(gateway);
    private final OrderPlacement momoPlacement = f.placement(payments);

    @BeforeEach
    void wallet() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", OPENING, null);
    }

    @AfterEach
    void close() {
        f.close();
    }

    // ---- RECEIVED: stored, the charge interrupted ----

    /** Wallets that crash at the debit: before it lands, or right after. */
    private Wallets crashingAtTheDebit(boolean afterItLands) {
        return new Wallets(f.walletStore, new BCryptPasswordEncoder(4), f.clock, 5, Duration.ofMinutes(30), f.meters) {
            @Override
            public DebitResult debit(String walletId, String orderId, String currency, long amountMinor) {
                if (afterItLands) {
                    super.debit(walletId, orderId, currency, amountMinor);
                }
                throw new IllegalStateException("crash at the debit");
            }
        };
    }

    private Order crashDuringPlacement(String reference, boolean afterTheDebitLands) {
        OrderPlacement crashing = new OrderPlacement(f.orders, f.catalog,
                f.ledger(f.walletStore, crashingAtTheDebit(afterTheDebitLands)), f.merchants, f.relay, f.clock);
        assertThatThrownBy(() -> crashing.place(OrderFixture.airtime("m1", reference, 50_000, "w"), false))
                .hasMessageContaining("crash");
        Order left = f.orders.findByClientReference("m1", reference).orElseThrow();
        assertThat(left.state()).isEqualTo(OrderState.RECEIVED);
        age(left.orderId(), Duration.ofMinutes(1));
        return left;
    }

    @Test
    void aCrashAfterTheOrderWasStoredBeforeTheDebitIsChargedOnceByTheSweep() {
        Order left = crashDuringPlacement("r-1", false);
        assertThat(balance()).isEqualTo(OPENING);

        f.placement.recover(RECOVERY_AFTER);
        f.placement.recover(RECOVERY_AFTER);

        assertThat(state(left)).isEqualTo(OrderState.VENDING);
        assertThat(balance()).isEqualTo(OPENING - 50_000);
        assertThat(outboxTypes(left.orderId())).containsExactly("OrderAccepted", "VendRequested");
    }

    @Test
    void aCrashAfterTheDebitBeforeTheOrderMovedOnIsAcceptedWithoutASecondDebit() {
        Order left = crashDuringPlacement("r-2", true);
        assertThat(balance()).isEqualTo(OPENING - 50_000);

        f.placement.recover(RECOVERY_AFTER);

        assertThat(state(left)).isEqualTo(OrderState.VENDING);
        assertThat(balance()).isEqualTo(OPENING - 50_000);
        assertThat(postings()).filteredOn(p -> p.kind().equals("DEBIT")).hasSize(1);
        assertThat(outboxTypes(left.orderId())).containsExactly("OrderAccepted", "VendRequested");
    }

    // ---- VENDING / VEND_PENDING: waiting on vend-service and status-poller ----

    @Test
    void aCrashAfterAcceptanceBeforeTheRelayIsLeftToTheOutboxRelayNotPublishedTwice() {
        Order order = f.placement.place(OrderFixture.airtime("m1", "r-3", 50_000, "w"), false).order();
        age(order.orderId(), Duration.ofMinutes(11));

        assertThat(f.outcomes.remindVends()).isZero();

        assertThat(outboxTypes(order.orderId())).containsExactly("OrderAccepted", "VendRequested");
    }

    @Test
    void aVendRequestedRelayedButNeverClaimedIsPublishedAgainUntilAnOutcomeArrives() {
        Order order = f.placement.place(OrderFixture.airtime("m1", "r-4", 50_000, "w"), false).order();
        VendRequested first = (VendRequested) outbox(order.orderId()).get(1);
        // Relayed; then lost with the broker, or dead-lettered by vend-service while its store was down.
        relayed(order.orderId());
        age(order.orderId(), Duration.ofMinutes(9));
        assertThat(f.outcomes.remindVends()).as("within normal vend latency and the vend lease").isZero();

        age(order.orderId(), Duration.ofMinutes(11));
        Instant lastChange = f.orders.find(order.orderId()).orElseThrow().updatedAt();
        assertThat(f.outcomes.remindVends()).isEqualTo(1);

        List<SpecificRecord> again = outbox(order.orderId());
        assertThat(again).hasSize(1);
        VendRequested request = (VendRequested) again.get(0);
        assertThat(request.getEnvelope().getEventId()).as("the same event, so the claim recognises it")
                .isEqualTo(first.getEnvelope().getEventId());
        assertThat(request.getLine()).isEqualTo(first.getLine());
        assertThat(f.orders.find(order.orderId()).orElseThrow().updatedAt()).as("the order itself does not change")
                .isEqualTo(lastChange);

        // Not again at once; again after a longer pause (20 minutes after the first reminder).
        relayed(order.orderId());
        assertThat(f.outcomes.remindVends()).isZero();
        assertThat(outcomesAt(Duration.ofMinutes(19)).remindVends()).isZero();
        assertThat(outcomesAt(Duration.ofMinutes(21)).remindVends()).isEqualTo(1);

        // Still nothing after stuck-after: the stuck gauge says so.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new StuckWork(f.orders, f.ledger(transfers()), meters, Clock.offset(f.clock, Duration.ofHours(2)),
                Duration.ofHours(2)).measure();
        assertThat(meters.get("vendstream.order.stuck").tag("state", "VENDING").gauge().value()).isEqualTo(1);

        // vend-service's answer settles it: one terminal state, the money kept once, no more reminders.
        relayed(order.orderId());
        f.outcomes.apply(succeeded(order));
        assertThat(state(order)).isEqualTo(OrderState.COMPLETED);
        assertThat(outcomesAt(Duration.ofHours(3)).remindVends()).isZero();
        assertThat(balance()).isEqualTo(OPENING - 50_000);
    }

    @Test
    void aVendPendingWhoseRequeryWasNeverScheduledIsAskedAboutAgain() {
        Order order = f.placement.place(OrderFixture.airtime("m1", "r-5", 50_000, "w"), false).order();
        f.outcomes.apply(pending(order));
        assertThat(state(order)).isEqualTo(OrderState.VEND_PENDING);
        // status-poller never wrote its schedule (VendPending dead-lettered while its store was down).
        relayed(order.orderId());
        age(order.orderId(), Duration.ofMinutes(11));

        assertThat(f.outcomes.remindVends()).isEqualTo(1);

        // vend-service answers the repeated request with the same VendPending (status-poller then schedules it);
        // order-service has it already.
        assertThat(outboxTypes(order.orderId())).containsExactly("VendRequested");
        f.outcomes.apply(pending(order));
        assertThat(state(order)).isEqualTo(OrderState.VEND_PENDING);
        // status-poller's resolution settles it; a failure refunds exactly once.
        f.outcomes.apply(failed(order));
        assertThat(state(order)).isEqualTo(OrderState.REFUNDED);
        assertThat(balance()).isEqualTo(OPENING);
    }

    // ---- REFUNDING: a failed vend's money on its way back ----

    private Order refunding(String reference) {
        Order order = f.placement.place(OrderFixture.airtime("m1", reference, 50_000, "w"), false).order();
        // What a crash right after the move to REFUNDING leaves (OrderTransitions.startRefund's first step).
        f.orders.transition(order.orderId(), EnumSet.of(OrderState.VENDING), OrderState.REFUNDING,
                Fields.of("failureReason", "vend failed: DECLINED_BY_PROVIDER"), List.of(), "vend-failed-event");
        age(order.orderId(), Duration.ofMinutes(1));
        return order;
    }

    @Test
    void aCrashAfterRefundingBeforeTheCreditIsRefundedOnce() {
        Order order = refunding("r-6");

        f.outcomes.recover(RECOVERY_AFTER);
        f.outcomes.recover(RECOVERY_AFTER);

        assertThat(state(order)).isEqualTo(OrderState.REFUNDED);
        assertThat(balance()).isEqualTo(OPENING);
        assertThat(outboxTypes(order.orderId())).containsOnlyOnce("OrderRefunded");
    }

    @Test
    void aCrashAfterTheRefundCreditBeforeRefundedIsMarkedRefundedWithoutASecondCredit() {
        Order order = refunding("r-7");
        assertThat(f.wallets.refund("w", order.orderId(), "NGN", 50_000)).isEqualTo(WalletLedger.CreditResult.APPLIED);

        f.outcomes.recover(RECOVERY_AFTER);

        assertThat(state(order)).isEqualTo(OrderState.REFUNDED);
        assertThat(balance()).isEqualTo(OPENING);
        assertThat(postings()).filteredOn(p -> p.kind().equals("REFUND")).hasSize(1);
        assertThat(outboxTypes(order.orderId())).containsOnlyOnce("OrderRefunded");
    }

    // ---- mobile money: waiting on status-poller ----

    @Test
    void aCrashAfterAMobileMoneyOrderWasStoredBeforeItsCollectionStartsItOnceWithItsOwnReference() {
        Order order = momoPlacement.place(OrderFixture.momo("c-0"), false).order();
        // What a crash between the insert and the collection's start leaves: RECEIVED, its reference fixed,
        // nothing called, nothing queued.
        Mono.from(raw().updateOne(new Document("_id", order.orderId()), new Document("$set",
                new Document("state", "RECEIVED").append("outbox", List.of())).append("$unset",
                new Document("payment.collectedAt", "").append("payment.sendingUntil", ""))))
                .block();
        gateway.collections.clear();
        age(order.orderId(), Duration.ofMinutes(1));

        momoPlacement.recover(RECOVERY_AFTER);
        momoPlacement.recover(RECOVERY_AFTER);

        assertThat(state(order)).isEqualTo(OrderState.VENDING);
        assertThat(gateway.collections).containsOnlyKeys(order.paymentReference());
        assertThat(gateway.collections.get(order.paymentReference()).get()).isEqualTo(1);
        assertThat(outboxTypes(order.orderId())).containsExactly("PaymentCollected", "OrderAccepted", "VendRequested");
    }

    @Test
    void aCollectionFollowedButNeverScheduledIsAskedAboutAgainWithTheSamePaymentPending() {
        gateway.collectionAnswer = MobileMoneyGateway.Status.PENDING;
        Order order = momoPlacement.place(OrderFixture.momo("c-1"), false).order();
        assertThat(state(order)).isEqualTo(OrderState.AWAITING_PAYMENT);
        PaymentPending first = (PaymentPending) outbox(order.orderId()).get(0);
        // Relayed; status-poller dead-lettered it while its store was down: no schedule, no answer.
        relayed(order.orderId());
        agePayment(order.orderId(), "pendingAt", Duration.ofMinutes(11));

        momoPlacement.recover(RECOVERY_AFTER);

        List<SpecificRecord> again = outbox(order.orderId());
        assertThat(again).hasSize(1);
        PaymentPending pending = (PaymentPending) again.get(0);
        assertThat(pending.getEnvelope().getEventId()).isEqualTo(first.getEnvelope().getEventId());
        assertThat(pending.getEnvelope().getOccurredAt()).as("its deadline counts from the first hand-over")
                .isEqualTo(f.orders.payment(order.orderId()).orElseThrow().getDate("pendingAt").toInstant());
        assertThat(pending.getKind()).isEqualTo(PaymentKind.COLLECTION);
        assertThat(gateway.collections.get(order.paymentReference()).get()).as("never collected twice").isEqualTo(1);

        // status-poller's answer settles it.
        payments.apply(collected(order));
        assertThat(state(order)).isEqualTo(OrderState.VENDING);
    }

    @Test
    void aPayoutFollowedButNeverAnsweredIsAskedAboutAgain() {
        Order order = momoPlacement.place(OrderFixture.momo("c-2"), false).order();
        assertThat(state(order)).isEqualTo(OrderState.VENDING);
        gateway.payoutAnswer = MobileMoneyGateway.Status.PENDING;
        f.outcomes.apply(failed(order));
        Order refunding = f.orders.find(order.orderId()).orElseThrow();
        assertThat(refunding.state()).isEqualTo(OrderState.REFUNDING);
        assertThat(outboxTypes(order.orderId())).contains("PaymentPending");
        relayed(order.orderId());
        // The sweep follows it once by status (its "payout-follow")...
        age(order.orderId(), Duration.ofHours(2));
        f.outcomes.recover(RECOVERY_AFTER);
        assertThat(outboxTypes(order.orderId())).containsExactly("PaymentPending");
        relayed(order.orderId());
        // ... and, when status-poller still says nothing, asks again (it may have lost it), without paying twice.
        age(order.orderId(), Duration.ofHours(2));
        agePayment(order.orderId(), "payoutPendingAt", Duration.ofHours(2));
        f.outcomes.recover(RECOVERY_AFTER);

        List<SpecificRecord> again = outbox(order.orderId());
        assertThat(again).hasSize(1);
        assertThat(((PaymentPending) again.get(0)).getKind()).isEqualTo(PaymentKind.PAYOUT);
        assertThat(((PaymentPending) again.get(0)).getReferenceId()).isEqualTo(refunding.payoutReference());
        assertThat(gateway.payouts).hasSize(1);
        assertThat(gateway.payouts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(state(order)).isEqualTo(OrderState.REFUNDING);
    }

    // ---- top-ups ----

    /** Top-ups that crash at the credit: the float was debited, the customer not yet credited. */
    private WalletTransfers crashingAtTheCredit() {
        WalletTransfers crashing = new WalletTransfers(f.mongo.template, f.walletStore, f.walletOps, f.clock) {
            @Override
            protected Transfer credit(Transfer t) {
                throw new IllegalStateException("crash at the credit");
            }
        };
        crashing.ensureIndexes();
        return crashing;
    }

    @Test
    void theTopUpSweepFinishesEveryTransferACrashLeftDebitedInOneRun() {
        f.walletStore.createIfAbsent("customer", "m1", "CUSTOMER", "NGN", 0, null);
        WalletTransfers crashing = crashingAtTheCredit();
        for (int i = 0; i < 150; i++) {
            String reference = "t-" + i;
            assertThatThrownBy(() -> crashing.topUp(new TopUp("m1", reference, "w", "customer", 1_000, "NGN")))
                    .hasMessageContaining("crash");
        }

        assertThat(transfers().recover(Duration.ZERO)).isEqualTo(150);

        assertThat(balance()).isEqualTo(OPENING - 150_000);
        assertThat(f.walletStore.find("customer").orElseThrow().balanceMinor()).isEqualTo(150_000);
    }

    @Test
    void aTopUpTheSweepCannotFinishStaysOnTheStuckGaugeAlthoughTheSweepKeepsTouchingIt() {
        f.walletStore.createIfAbsent("customer", "m1", "CUSTOMER", "NGN", 0, null);
        WalletTransfers crashing = crashingAtTheCredit();
        assertThatThrownBy(() -> crashing.topUp(new TopUp("m1", "t-stuck", "w", "customer", 1_000, "NGN")))
                .hasMessageContaining("crash");
        // The credit keeps failing; an hour later the sweep tries it once more (and touches it).
        Clock later = Clock.offset(f.clock, Duration.ofHours(1));
        assertThat(new WalletTransfers(f.mongo.template, f.walletStore, f.walletOps, later) {
            @Override
            protected Transfer credit(Transfer t) {
                throw new IllegalStateException("still failing");
            }
        }.recover(RECOVERY_AFTER)).isZero();

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new StuckWork(f.orders, f.ledger(crashing), meters, later, Duration.ofMinutes(30)).measure();
        assertThat(meters.get("vendstream.wallet.topup.stuck").tag("state", "DEBITED").gauge().value()).isEqualTo(1);
    }

    // ---- helpers ----

    private OrderOutcomes outcomesAt(Duration later) {
        return new OrderOutcomes(f.orders, f.transitions, f.relay, f.meters, Clock.offset(f.clock, later));
    }

    private WalletTransfers transfers() {
        WalletTransfers transfers = new WalletTransfers(f.mongo.template, f.walletStore, f.walletOps, f.clock);
        transfers.ensureIndexes();
        return transfers;
    }

    private OrderState state(Order order) {
        return f.orders.find(order.orderId()).orElseThrow().state();
    }

    private long balance() {
        return f.walletStore.find("w").orElseThrow().balanceMinor();
    }

    private List<Posting> postings() {
        return f.walletStore.statement("w", null, null, 0, 100);
    }

    private MongoCollection<Document> raw() {
        return f.mongo.template.getCollection(OrderStore.COLLECTION).block();
    }

    private List<SpecificRecord> outbox(String orderId) {
        Document doc = Mono.from(raw().find(new Document("_id", orderId)).first()).block();
        List<SpecificRecord> events = new ArrayList<>();
        for (Document e : doc.getList("outbox", Document.class)) {
            events.add(EventCodec.decode(e.getString("type"), e.get("payload", Binary.class).getData()));
        }
        return events;
    }

    private List<String> outboxTypes(String orderId) {
        return outbox(orderId).stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    /** What the outbox relay does once it has published: the outbox is emptied. */
    private void relayed(String orderId) {
        Mono.from(raw().updateOne(new Document("_id", orderId),
                new Document("$set", new Document("outbox", List.of())))).block();
    }

    /** As if the order had been left alone for {@code ago} (its last change, and any sweep backoff). */
    private void age(String orderId, Duration ago) {
        Date then = Date.from(f.clock.instant().minus(ago));
        Mono.from(raw().updateOne(new Document("_id", orderId), new Document("$set",
                new Document("updatedAt", then)).append("$unset", new Document("recovery.nextAttemptAt", ""))))
                .block();
    }

    /** As if the payment had been handed to status-poller {@code ago} ({@code field}: pendingAt, payoutPendingAt). */
    private void agePayment(String orderId, String field, Duration ago) {
        age(orderId, ago);
        Mono.from(raw().updateOne(new Document("_id", orderId), new Document("$set",
                new Document("payment." + field, Date.from(f.clock.instant().minus(ago)))))).block();
    }

    private static Envelope envelope(Order order, Class<?> type, String source) {
        return Envelopes.create(Envelopes.eventId(order.orderId(), type.getSimpleName(), "ref-" + order.orderId()),
                type, order.orderId(), Instant.now(), LocalDate.now(), "m1", source, order.orderId(), null);
    }

    private static VendRef vend(Order order) {
        return new VendRef("vtpass", "ref-" + order.orderId(), null);
    }

    private static VendSucceeded succeeded(Order order) {
        return VendSucceeded.newBuilder().setEnvelope(envelope(order, VendSucceeded.class, "vend-service"))
                .setVend(vend(order)).setAmount(new Money(order.amountMinor(), order.currency())).setToken("1234")
                .setPins(List.of()).setReceipt(Map.of()).setResolvedBy(Resolution.VEND_CALL).build();
    }

    private static VendPending pending(Order order) {
        return VendPending.newBuilder().setEnvelope(envelope(order, VendPending.class, "vend-service"))
                .setVend(vend(order)).setAmount(new Money(order.amountMinor(), order.currency()))
                .setReason(PendingReason.TIMEOUT).setLine(OrderLine.newBuilder().setService(order.service())
                        .setBillerId(order.billerId()).setAccount(order.account())
                        .setAmount(new Money(order.amountMinor(), order.currency())).build()).build();
    }

    private static VendFailed failed(Order order) {
        return VendFailed.newBuilder().setEnvelope(envelope(order, VendFailed.class, "status-poller"))
                .setVend(vend(order)).setAmount(new Money(order.amountMinor(), order.currency()))
                .setReasonClass(FailureClass.DECLINED_BY_PROVIDER).setResolvedBy(Resolution.REQUERY).build();
    }

    private static PaymentCollected collected(Order order) {
        return PaymentCollected.newBuilder().setEnvelope(envelope(order, PaymentCollected.class, "status-poller"))
                .setProvider("dollr").setReferenceId(order.paymentReference())
                .setAmount(new Money(order.amountMinor(), order.currency())).build();
    }
}
