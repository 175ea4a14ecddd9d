package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendRef;
import com.vendstream.order.FakeGateway;
import com.vendstream.order.OrderFixture;
import com.vendstream.order.StuckWork;
import com.vendstream.order.outcome.OrderOutcomes;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import com.vendstream.order.payment.MobileMoneyPayments;
import com.vendstream.wallet.WalletTransfers;
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
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Item 17 of issue 11: the recovery sweeps reach every order that can move, however many cannot, and
 * report those that cannot (by state and reason) instead of trying them again on every run.
 */
class RecoverySweepTest {

    private static final int CANNOT_MOVE = 150;

    private final OrderFixture f = new OrderFixture();
    private final FakeGateway gateway = new FakeGateway();
    private final MobileMoneyPayments payments = f.mobileMoney(gateway);
    private final OrderPlacement momoPlacement = f.placement(payments);

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void oneRefundThatCanMoveIsReachedBehind150WhosePayoutIsRefused() {
        gateway.payoutAnswer = MobileMoneyGateway.Status.FAILED;
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < CANNOT_MOVE; i++) {
            Order order = momoPlacement.place(OrderFixture.momo("m-" + i), false).order();
            f.outcomes.apply(vendFailed(order));
            refused.add(order.orderId());
        }
        // A wallet order a crash left REFUNDING before its credit: the only one that can move, and the newest.
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 100_000, null);
        Order movable = f.placement.place(OrderFixture.airtime("m1", "w-1", 5_000, "w"), false).order();
        f.orders.transition(movable.orderId(), EnumSet.of(OrderState.VENDING), OrderState.REFUNDING,
                Fields.of("failureReason", "vend failed"), List.of(), null);
        Instant now = f.clock.instant();
        refused.forEach(id -> age(id, now.minus(Duration.ofMinutes(20))));
        age(movable.orderId(), now.minus(Duration.ofMinutes(10)));
        int payoutsBefore = gateway.payouts.size();

        // An hour on, every refused payout is due for another try; one sweep reaches them all and the refund.
        Clock later = Clock.offset(f.clock, Duration.ofHours(1));
        OrderOutcomes sweeper = new OrderOutcomes(f.orders, f.transitions, f.relay, f.meters, later);
        assertThat(sweeper.recover(Duration.ofSeconds(30))).isEqualTo(1);

        assertThat(f.orders.find(movable.orderId()).orElseThrow().state()).isEqualTo(OrderState.REFUNDED);
        assertThat(f.walletStore.find("w").orElseThrow().balanceMinor()).isEqualTo(100_000);
        assertThat(refused).allSatisfy(id ->
                assertThat(f.orders.find(id).orElseThrow().state()).isEqualTo(OrderState.REFUNDING));
        // Each refused payout was tried once more, under a new reference.
        assertThat(gateway.payouts).hasSize(payoutsBefore + CANNOT_MOVE);
        assertThat(gateway.payouts.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));

        // Deferred: the next sweep at the same time leaves them alone.
        assertThat(sweeper.recover(Duration.ofSeconds(30))).isZero();
        assertThat(gateway.payouts).hasSize(payoutsBefore + CANNOT_MOVE);

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new StuckWork(f.orders, f.ledger(transfers()), meters, later, Duration.ofHours(2)).measure();
        assertThat(meters.get("vendstream.order.blocked").tag("state", "REFUNDING").tag("reason", "PAYOUT_FAILED")
                .gauge().value()).isEqualTo(CANNOT_MOVE);
        assertThat(meters.find("vendstream.order.blocked").gauges()).hasSize(1);
    }

    @Test
    void aCollectionLeftWithoutACallIsFoundBehind150ThatStatusPollerFollows() {
        gateway.collectionAnswer = MobileMoneyGateway.Status.PENDING;
        List<String> followed = new ArrayList<>();
        for (int i = 0; i < CANNOT_MOVE; i++) {
            Order order = momoPlacement.place(OrderFixture.momo("p-" + i), false).order();
            assertThat(order.state()).isEqualTo(OrderState.AWAITING_PAYMENT);
            followed.add(order.orderId());
        }
        // A crash after AWAITING_PAYMENT was stored and before the collection's answer: no pendingAt.
        Order lost = momoPlacement.place(OrderFixture.momo("lost"), false).order();
        Mono.from(raw().updateOne(new Document("_id", lost.orderId()), new Document("$unset",
                new Document("payment.pendingAt", "")))).block();
        Instant now = f.clock.instant();
        followed.forEach(id -> age(id, now.minus(Duration.ofMinutes(20))));
        age(lost.orderId(), now.minus(Duration.ofMinutes(10)));

        momoPlacement.recover(Duration.ofSeconds(30));

        assertThat(f.orders.hasField(lost.orderId(), "payment.pendingAt")).isTrue();
        assertThat(raw(lost.orderId()).getList("appliedEvents", String.class))
                .anyMatch(id -> id.startsWith("collection-follow:" + lost.paymentReference()));
    }

    @Test
    void aMobileMoneyOrderNoGatewayCanCollectIsReportedAndTheWalletOrderBehindItIsCharged() {
        Order momo = momoPlacement.place(OrderFixture.momo("no-gateway"), false).order();
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 100_000, null);
        Order wallet = f.placement.place(OrderFixture.airtime("m1", "w-1", 5_000, "w"), false).order();
        // Both as a crash leaves them: stored, not charged. The service restarted without a mobile-money gateway.
        for (String id : List.of(momo.orderId(), wallet.orderId())) {
            Mono.from(raw().updateOne(new Document("_id", id),
                    new Document("$set", new Document("state", "RECEIVED")))).block();
        }
        age(momo.orderId(), f.clock.instant().minus(Duration.ofMinutes(20)));
        age(wallet.orderId(), f.clock.instant().minus(Duration.ofMinutes(10)));

        f.placement.recover(Duration.ofSeconds(30));

        assertThat(f.orders.find(wallet.orderId()).orElseThrow().state()).isEqualTo(OrderState.VENDING);
        assertThat(f.orders.find(momo.orderId()).orElseThrow().state()).isEqualTo(OrderState.RECEIVED);
        assertThat(f.orders.countBlocked()).containsExactly(new OrderStore.Blocked(OrderState.RECEIVED,
                BlockedReason.NO_MOBILE_MONEY, 1));
    }

    private WalletTransfers transfers() {
        WalletTransfers transfers = new WalletTransfers(f.mongo.template, f.walletStore, f.walletOps, f.clock);
        transfers.ensureIndexes();
        return transfers;
    }

    private static VendFailed vendFailed(Order order) {
        Envelope envelope = Envelopes.create(Envelopes.eventId(order.orderId(), "VendFailed", null), VendFailed.class,
                order.orderId(), Instant.now(), LocalDate.now(), "m1", "vend-service", order.orderId(), null);
        return VendFailed.newBuilder().setEnvelope(envelope).setVend(new VendRef("vtpass", "ref", null))
                .setAmount(new Money(order.amountMinor(), order.currency()))
                .setReasonClass(FailureClass.DECLINED_BY_PROVIDER).setResolvedBy(Resolution.VEND_CALL).build();
    }

    private com.mongodb.reactivestreams.client.MongoCollection<Document> raw() {
        return f.mongo.template.getCollection(OrderStore.COLLECTION).block();
    }

    private Document raw(String orderId) {
        return Mono.from(raw().find(new Document("_id", orderId)).first()).block();
    }

    /** Sets when the order last changed, as if it had been left alone since then. */
    private void age(String orderId, Instant updatedAt) {
        Mono.from(raw().updateOne(new Document("_id", orderId),
                new Document("$set", new Document("updatedAt", Date.from(updatedAt))))).block();
    }
}
