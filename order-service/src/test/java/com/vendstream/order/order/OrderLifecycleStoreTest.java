package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.PaymentPending;
import com.vendstream.kit.outbox.Outbox;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.order.OrderFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The lifecycle table through the real store: each event in each state, against a stored order. */
class OrderLifecycleStoreTest {

    private final OrderFixture f = new OrderFixture();
    private final MongoCollection<Document> orders = f.mongo.template.getCollection(OrderStore.COLLECTION).block();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void anEventOutsideItsStatesLeavesTheStoredOrderAsItWasAndOneInsideMovesItAsTheTableSays() {
        String orderId = placed();
        Document original = stored(orderId);
        int refused = 0;
        for (OrderState state : OrderState.values()) {
            for (OrderLifecycle event : OrderLifecycle.values()) {
                boolean allowed = event.from().contains(state);
                Document before = storedAs(original, state, payment -> {
                    if (allowed) {
                        event.requires(state).forEach(r -> meet(payment, r));
                    }
                });
                // An event that keeps each of its states is written for one of them: here another one, when refused.
                OrderState in = allowed ? state
                        : event.keepsState() && event.from().size() > 1 ? event.from().iterator().next() : null;
                boolean written = f.orders.transition(orderId, event, in, Fields.none(),
                        OrderLifecycleTableTest.outbox(event), "event-" + event,
                        OrderLifecycleTableTest.requiredGuard(event, in == null ? event.from().iterator().next() : in));
                Document after = stored(orderId);
                if (allowed) {
                    assertThat(written).as("%s in %s", event, state).isTrue();
                    assertThat(after.getString("state")).as("%s in %s", event, state)
                            .isEqualTo(event.next(state).orElseThrow().name());
                    assertThat(after.getList("appliedEvents", String.class)).contains("event-" + event);
                } else {
                    assertThat(written).as("%s in %s", event, state).isFalse();
                    assertThat(after).as("%s in %s", event, state).isEqualTo(before);
                    refused++;
                }
            }
        }
        assertThat(refused).isPositive();
    }

    @Test
    void anEventWhoseRequirementDoesNotHoldLeavesTheStoredOrderAsItWasWhateverTheCallerPassed() {
        String orderId = placed();
        Document original = stored(orderId);
        int refused = 0;
        for (OrderLifecycle event : OrderLifecycle.values()) {
            for (OrderState state : event.from()) {
                for (OrderLifecycle.Requirement unmet : event.requires(state)) {
                    Document before = storedAs(original, state, payment -> {
                        event.requires(state).stream().filter(r -> r != unmet).forEach(r -> meet(payment, r));
                        fail(payment, unmet);
                    });
                    // The caller passes only what the row cannot check itself (its own clock's terms).
                    boolean written = f.orders.transition(orderId, event, state, Fields.none(),
                            OrderLifecycleTableTest.outbox(event), "event-" + event,
                            OrderLifecycleTableTest.requiredGuard(event, state));
                    assertThat(written).as("%s in %s without %s", event, state, unmet).isFalse();
                    assertThat(stored(orderId)).as("%s in %s without %s", event, state, unmet).isEqualTo(before);
                    refused++;
                }
            }
        }
        // Among them every payout of a REJECTED order with nothing collected after the rejection.
        assertThat(refused).isGreaterThanOrEqualTo(OrderLifecycle.values().length / 2);
    }

    @Test
    void theSameEventWrittenTwiceChangesTheOrderOnce() {
        String orderId = placed();
        Mono.from(orders.updateOne(new Document("_id", orderId),
                new Document("$set", new Document("state", OrderState.REFUNDING.name())))).block();
        int history = stored(orderId).getList("history", Document.class).size();
        List<OutboxEntry> pending = OrderLifecycleTableTest.outbox(OrderLifecycle.PAYOUT_PENDING);

        assertThat(f.orders.transition(orderId, OrderLifecycle.PAYOUT_PENDING, OrderState.REFUNDING,
                Fields.of("payment.payoutPendingAt", Instant.now()), pending, "status-1", null)).isTrue();
        Document once = stored(orderId);
        assertThat(f.orders.transition(orderId, OrderLifecycle.PAYOUT_PENDING, OrderState.REFUNDING,
                Fields.of("payment.payoutPendingAt", Instant.now()), pending, "status-1", null)).isFalse();

        Document after = stored(orderId);
        assertThat(after).isEqualTo(once);
        assertThat(after.getList("history", Document.class)).hasSize(history + 1);
        assertThat(after.getList("appliedEvents", String.class)).containsOnlyOnce("status-1");
        assertThat(after.getList(Outbox.FIELD, Document.class)).extracting(d -> d.getString("type"))
                .containsOnlyOnce(PaymentPending.class.getName());
    }

    @Test
    void aRequirementOnAFieldTheWriteAlsoGuardsKeepsBothConditions() {
        // The placed order has no payout reference. A write guarded on a refused reference (retryPayout's) must
        // not match it because a requirement of no reference names the same field: both conditions hold, or none.
        String orderId = placed();
        Document onTheRefused = OrderStore.require(new Document("_id", orderId).append("payment.payoutReference",
                "refused"), OrderStore.terms(OrderLifecycle.Requirement.NO_PAYOUT_REFERENCE, Instant.now()));
        assertThat(Mono.from(orders.find(onTheRefused).first()).block()).isNull();

        Document onNoneOrTheRefused = OrderStore.require(new Document("_id", orderId).append("payment.payoutReference",
                new Document("$in", Arrays.asList(null, "refused"))),
                OrderStore.terms(OrderLifecycle.Requirement.NO_PAYOUT_REFERENCE, Instant.now()));
        assertThat(Mono.from(orders.find(onNoneOrTheRefused).first()).block()).isNotNull();
    }

    private String placed() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 1_000_000, null);
        return f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order().orderId();
    }

    /** Stores {@code original} again in {@code state}, its payment changed by {@code payment}; returns it as stored. */
    private Document storedAs(Document original, OrderState state, Consumer<Document> payment) {
        Document order = new Document(original).append("state", state.name());
        Document changed = new Document(original.get("payment", Document.class));
        payment.accept(changed);
        order.put("payment", changed);
        Mono.from(orders.replaceOne(new Document("_id", original.getString("_id")), order)).block();
        return stored(original.getString("_id"));
    }

    /** Sets the order's payment so that {@code r} holds. */
    private static void meet(Document payment, OrderLifecycle.Requirement r) {
        switch (r) {
            case OPEN_RETURN -> payment.put("collectedAfterRejection", new Document("at", new Date()));
            case MOBILE_MONEY -> payment.put("method", "MOBILE_MONEY");
            case RETRY_WAITING -> payment.put("notSent", new Document("retryAt", new Date()));
            default -> { } // the others hold while their field is unset, as on the placed order
        }
    }

    /** Sets the order's payment so that {@code r} does not hold. */
    private static void fail(Document payment, OrderLifecycle.Requirement r) {
        Date soon = Date.from(Instant.now().plus(Duration.ofHours(1)));
        switch (r) {
            // An ordinary rejected order: nothing collected after the rejection, so nothing to pay back.
            case OPEN_RETURN -> payment.remove("collectedAfterRejection");
            case NO_PAYOUT_REFERENCE -> payment.put("payoutReference", "taken");
            case MOBILE_MONEY -> payment.put("method", "WALLET");
            case NO_LATE_COLLECTION -> payment.put("collectedAfterRejection", new Document("at", new Date()));
            case RETRY_WAITING -> payment.remove("notSent");
            case NO_RETRY_WAITING -> payment.put("notSent", new Document("retryAt", new Date()));
            case NOT_FOLLOWED -> payment.put("pendingAt", new Date());
            case NO_CALL_IN_FLIGHT -> payment.put("sendingUntil", soon);
        }
    }

    private Document stored(String orderId) {
        return Mono.from(orders.find(new Document("_id", orderId)).first()).block();
    }
}
