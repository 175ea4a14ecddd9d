package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.order.OrderFixture;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The lifecycle table through the real store: each event in each state, against a stored order. */
class OrderLifecycleStoreTest {

    private final OrderFixture f = new OrderFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void anEventOutsideItsStatesLeavesTheStoredOrderAsItWasAndOneInsideMovesItAsTheTableSays() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 1_000_000, null);
        Order placed = f.placement.place(OrderFixture.airtime("m1", "ref-1", 50_000, "w"), false).order();
        MongoCollection<Document> orders = f.mongo.template.getCollection(OrderStore.COLLECTION).block();
        Document original = stored(orders, placed.orderId());
        int refused = 0;
        for (OrderState state : OrderState.values()) {
            for (OrderLifecycle event : OrderLifecycle.values()) {
                Document before = new Document(original).append("state", state.name());
                Mono.from(orders.replaceOne(new Document("_id", placed.orderId()), before)).block();
                before = stored(orders, placed.orderId());
                boolean allowed = event.from().contains(state);
                // An event that keeps each of its states is written for one of them: here another one, when refused.
                OrderState in = allowed ? state
                        : event.keepsState() && event.from().size() > 1 ? event.from().iterator().next() : null;
                boolean written = f.orders.transition(placed.orderId(), event, in, new Document(),
                        OrderLifecycleTableTest.outbox(event), "event-" + event, null);
                Document after = stored(orders, placed.orderId());
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

    private static Document stored(MongoCollection<Document> orders, String orderId) {
        return Mono.from(orders.find(new Document("_id", orderId)).first()).block();
    }
}
