package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.events.EventCodec;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.order.OrderFixture;
import com.vendstream.order.order.OrderPlacement.Outcome;
import com.vendstream.order.outcome.OrderOutcomes;
import com.vendstream.wallet.WalletStore;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Invariants 3, 4 and 5 on order-service's side: one terminal state, one refund, idempotent placement. */
class OrderLifecycleTest {

    private final OrderFixture f = new OrderFixture();

    @BeforeEach
    void wallet() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 1_000_000, null);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aPlacedOrderIsChargedAndQueuesOrderAcceptedAndVendRequested() {
        OrderPlacement.Result result = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false);
        assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
        assertThat(result.order().state()).isEqualTo(OrderState.VENDING);
        assertThat(balance()).isEqualTo(950_000);
        assertThat(outboxTypes(result.order().orderId())).containsExactly("OrderAccepted", "VendRequested");
    }

    @Test
    void theSameReferenceReplaysAndADifferentBodyConflicts() {
        Order first = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order();
        OrderPlacement.Result again = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false);
        assertThat(again.outcome()).isEqualTo(Outcome.REPLAYED);
        assertThat(again.order().orderId()).isEqualTo(first.orderId());
        OrderPlacement.Result different = f.placement.place(OrderFixture.airtime("m1", "ref-1", 60_000, "w"), false);
        assertThat(different.outcome()).isEqualTo(Outcome.CONFLICT);
        assertThat(balance()).isEqualTo(950_000);
        // The same client reference belongs to each merchant separately.
        f.walletStore.createIfAbsent("w2", "m2", "MERCHANT", "NGN", 1_000_000, null);
        assertThat(f.placement.place(OrderFixture.airtime("m2", "ref-1", 50_000, "w2"), false).outcome())
                .isEqualTo(Outcome.CREATED);
    }

    @Test
    void concurrentPlacementsWithOneReferenceMakeOneOrderAndOneDebit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<OrderPlacement.Result>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> f.placement.place(OrderFixture.airtime("m1", "same-ref", 50_000, "w"), false));
        }
        List<String> ids = new ArrayList<>();
        for (var r : pool.invokeAll(calls)) {
            ids.add(r.get().order().orderId());
        }
        pool.shutdown();
        assertThat(ids).containsOnly(ids.get(0));
        assertThat(balance()).isEqualTo(950_000);
    }

    @Test
    void anAmountOutsideTheItemRulesIsInvalidAndChargesNothing() {
        OrderPlacement.Result result = f.placement.place(OrderFixture.airtime("m1", "ref-low", 1_000, "w"), false);
        assertThat(result.outcome()).isEqualTo(Outcome.INVALID);
        assertThat(result.rejection().reason().name()).isEqualTo("AMOUNT_OUT_OF_RANGE");
        assertThat(balance()).isEqualTo(1_000_000);
    }

    @Test
    void insufficientFundsRejectsTheOrderWithAnEvent() {
        OrderPlacement.Result result = f.placement.place(OrderFixture.airtime("m1", "ref-big", 900_000, "w"), true);
        OrderPlacement.Result tooBig = f.placement.place(OrderFixture.airtime("m1", "ref-big2", 200_000, "w"), true);
        assertThat(result.order().state()).isEqualTo(OrderState.VENDING);
        assertThat(tooBig.order().state()).isEqualTo(OrderState.REJECTED);
        assertThat(tooBig.order().rejectionCode()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(outboxTypes(tooBig.order().orderId())).containsExactly("OrderRejected");
    }

    @Test
    void aFailedVendRefundsExactlyOnceUnderRedeliveryAndConcurrency() throws Exception {
        Order order = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order();
        VendFailed failed = failed(order);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Callable<Object>> deliveries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            deliveries.add(() -> {
                f.outcomes.apply(failed);
                return null;
            });
        }
        pool.invokeAll(deliveries);
        pool.shutdown();
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.REFUNDED);
        assertThat(balance()).isEqualTo(1_000_000);
        assertThat(outboxTypes(order.orderId())).containsOnlyOnce("OrderRefunded").doesNotContain("OrderCompleted");
    }

    @Test
    void aRefundIsRefundedOnlyOnceItsCreditIsAppliedToTheWalletItCameFrom() {
        Order order = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order();
        // The wallet document is gone (restored from an older backup later, say): there is nothing to credit.
        MongoCollection<Document> wallets = f.mongo.template.getCollection(WalletStore.WALLETS).block();
        Document wallet = Mono.from(wallets.findOneAndDelete(new Document("_id", "w"))).block();
        f.outcomes.apply(failed(order));

        Order refunding = f.orders.find(order.orderId()).orElseThrow();
        assertThat(refunding.state()).isEqualTo(OrderState.REFUNDING);
        assertThat(outboxTypes(order.orderId())).doesNotContain("OrderRefunded");
        assertThat(f.orders.countBlocked()).containsExactly(
                new OrderStore.Blocked(OrderState.REFUNDING, BlockedReason.WALLET_CREDIT_REFUSED, 1));

        // Back again: the next due sweep credits it, once.
        Mono.from(wallets.insertOne(wallet)).block();
        OrderOutcomes later = new OrderOutcomes(f.orders, f.transitions, f.relay, f.meters,
                Clock.offset(f.clock, Duration.ofHours(1)));
        later.recover(Duration.ZERO);
        later.recover(Duration.ZERO);
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.REFUNDED);
        assertThat(balance()).isEqualTo(1_000_000);
        assertThat(outboxTypes(order.orderId())).containsOnlyOnce("OrderRefunded");
        assertThat(f.walletStore.statement("w", null, null, 0, 10)).filteredOn(p -> p.kind().equals("REFUND"))
                .hasSize(1);
    }

    @Test
    void aSuccessAfterARefundIsRecordedAsAContradictionNotASecondTerminalState() {
        Order order = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order();
        f.outcomes.apply(failed(order));
        f.outcomes.apply(succeeded(order, "late"));
        Order after = f.orders.find(order.orderId()).orElseThrow();
        assertThat(after.state()).isEqualTo(OrderState.REFUNDED);
        assertThat(raw(order.orderId()).getList("contradictions", Document.class)).hasSize(1);
        assertThat(f.meters.counter("vendstream.order.contradictions", "type", "VendSucceeded").count()).isEqualTo(1);
        assertThat(balance()).isEqualTo(1_000_000);
    }

    @Test
    void anUnresolvedOrderHoldsTheMoneyUntilALateAnswerCompletesIt() {
        Order order = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order();
        f.outcomes.apply(unresolved(order));
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.UNRESOLVED);
        assertThat(balance()).isEqualTo(950_000);
        f.outcomes.apply(succeeded(order, "requery"));
        Order done = f.orders.find(order.orderId()).orElseThrow();
        assertThat(done.state()).isEqualTo(OrderState.COMPLETED);
        assertThat(done.token()).isEqualTo("1234-5678");
        assertThat(balance()).isEqualTo(950_000);
    }

    @Test
    void anUnresolvedOrderDecidedDeliveredByTwoOperatorsCompletesOnceKeepingTheMoneyAndALaterFailureIsFlagged() {
        Order order = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order();
        f.outcomes.apply(unresolved(order));
        VendSucceeded manual = manual(succeeded(order, "ref"));
        f.outcomes.apply(manual);
        f.outcomes.apply(manual);

        Order done = f.orders.find(order.orderId()).orElseThrow();
        assertThat(done.state()).isEqualTo(OrderState.COMPLETED);
        assertThat(done.token()).isEqualTo("1234-5678");
        assertThat(balance()).isEqualTo(950_000);
        assertThat(outboxTypes(order.orderId())).containsOnlyOnce("OrderCompleted").doesNotContain("OrderRefunded");

        // The provider (or vend-service) saying later that it failed is flagged, never refunded.
        f.outcomes.apply(failed(order));
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.COMPLETED);
        assertThat(raw(order.orderId()).getList("contradictions", Document.class)).hasSize(1);
        assertThat(f.meters.counter("vendstream.order.contradictions", "type", "VendFailed").count()).isEqualTo(1);
        assertThat(balance()).isEqualTo(950_000);
    }

    @Test
    void anUnresolvedOrderDecidedNotDeliveredByTwoOperatorsIsRefundedOnceAndALaterSuccessIsFlagged() {
        Order order = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order();
        f.outcomes.apply(unresolved(order));
        VendFailed manual = VendFailed.newBuilder(failed(order)).setReasonClass(FailureClass.OTHER)
                .setProviderCode("MANUAL_NOT_DELIVERED").setProviderMessage("not delivered")
                .setResolvedBy(Resolution.MANUAL).build();
        f.outcomes.apply(manual);
        f.outcomes.apply(manual);

        Order refunded = f.orders.find(order.orderId()).orElseThrow();
        assertThat(refunded.state()).isEqualTo(OrderState.REFUNDED);
        assertThat(refunded.failureReason()).startsWith("vend not delivered: decided manually");
        assertThat(balance()).isEqualTo(1_000_000);
        assertThat(outboxTypes(order.orderId())).containsOnlyOnce("OrderRefunded").doesNotContain("OrderCompleted");
        assertThat(f.walletStore.statement("w", null, null, 0, 10)).filteredOn(p -> p.kind().equals("REFUND"))
                .hasSize(1);

        f.outcomes.apply(succeeded(order, "late"));
        assertThat(f.orders.find(order.orderId()).orElseThrow().state()).isEqualTo(OrderState.REFUNDED);
        assertThat(raw(order.orderId()).getList("contradictions", Document.class)).hasSize(1);
        assertThat(balance()).isEqualTo(1_000_000);
    }

    /** The same event as status-poller publishes for two operators' decision (resolvedBy MANUAL). */
    private static VendSucceeded manual(VendSucceeded s) {
        return VendSucceeded.newBuilder(s).setResolvedBy(Resolution.MANUAL).build();
    }

    private Envelope envelope(Order order, Class<?> type, String discriminator) {
        return Envelopes.create(Envelopes.eventId(order.orderId(), type.getSimpleName(), discriminator), type,
                order.orderId(), Instant.now(), LocalDate.now(), "m1", "vend-service", order.orderId(), null);
    }

    private VendFailed failed(Order order) {
        return VendFailed.newBuilder().setEnvelope(envelope(order, VendFailed.class, "x"))
                .setVend(new VendRef("vtpass", "ref", null)).setAmount(new Money(50_000L, "NGN"))
                .setReasonClass(FailureClass.DECLINED_BY_PROVIDER).setProviderCode("016").setProviderMessage("failed")
                .setResolvedBy(Resolution.VEND_CALL).build();
    }

    private VendSucceeded succeeded(Order order, String discriminator) {
        return VendSucceeded.newBuilder().setEnvelope(envelope(order, VendSucceeded.class, discriminator))
                .setVend(new VendRef("vtpass", "ref", "tx1")).setAmount(new Money(50_000L, "NGN"))
                .setToken("1234-5678").setUnits("12 kWh").setPins(List.of()).setReceipt(Map.of())
                .setResolvedBy(Resolution.REQUERY).build();
    }

    private VendUnresolved unresolved(Order order) {
        return VendUnresolved.newBuilder().setEnvelope(envelope(order, VendUnresolved.class, "x"))
                .setVend(new VendRef("vtpass", "ref", null)).setAmount(new Money(50_000L, "NGN"))
                .setFirstPendingAt(Instant.now()).setRequeryCount(12).build();
    }

    private long balance() {
        return f.walletStore.find("w").orElseThrow().balanceMinor();
    }

    private Document raw(String orderId) {
        return Mono.from(f.mongo.template.getCollection("orders").block().find(new Document("_id", orderId)).first())
                .block();
    }

    private List<String> outboxTypes(String orderId) {
        List<String> types = new ArrayList<>();
        for (Document entry : raw(orderId).getList("outbox", Document.class)) {
            SpecificRecord event = EventCodec.decode(entry.getString("type"), entry.get("payload", Binary.class).getData());
            types.add(event.getClass().getSimpleName());
        }
        return types;
    }
}
