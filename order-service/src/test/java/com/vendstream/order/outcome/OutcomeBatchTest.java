package com.vendstream.order.outcome;

import com.vendstream.kit.deadletter.BatchFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.kit.events.Events;
import com.vendstream.order.ApiTestSupport;
import com.vendstream.order.OrderFixture;
import com.vendstream.order.order.Order;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.OrderTransitions;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Mono;

/**
 * Issue 13, item 3: vend outcomes folded a batch at a time ({@link OrderOutcomes#applyAll}) end exactly where
 * the same outcomes delivered one by one end (state, history, applied events, evidence, outbox, money), a
 * redelivered batch changes nothing, and an order moved by someone else between the batch's read and its
 * write is not given a second terminal state.
 */
class OutcomeBatchTest {

    private static final long AMOUNT = 50_000;

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
    void pendingThenSuccessInOneBatchCompletesAsOneByOne() {
        Document batched = sameAsOneByOne(List.of(id -> ApiTestSupport.pending(id, "r1", AMOUNT),
                id -> ApiTestSupport.succeeded(id, "r1", AMOUNT, "1234")));
        assertThat(batched.getString("state")).isEqualTo("COMPLETED");
        assertThat(states(batched)).endsWith("VEND_PENDING", "COMPLETED");
        assertThat(outboxTypes(batched)).containsOnlyOnce("OrderCompleted");
        assertThat(batched.get("vend", Document.class).getString("token")).isEqualTo("1234");
    }

    @Test
    void theSameSuccessTwiceInOneBatchCompletesOnce() {
        Document batched = sameAsOneByOne(List.of(id -> ApiTestSupport.succeeded(id, "r1", AMOUNT, "1234"),
                id -> ApiTestSupport.succeeded(id, "r1", AMOUNT, "1234")));
        assertThat(batched.getString("state")).isEqualTo("COMPLETED");
        assertThat(outboxTypes(batched)).containsOnlyOnce("OrderCompleted");
        assertThat(batched.getList("appliedEvents", String.class)).hasSize(1);
    }

    @Test
    void twoSuccessesInOneBatchCompleteOnceAndTheSecondIsOnlyRecorded() {
        // vend-service's answer and status-poller's, each with its own event id.
        Document batched = sameAsOneByOne(List.of(id -> ApiTestSupport.succeeded(id, "r1", AMOUNT, "1234"),
                id -> ApiTestSupport.succeeded(id, "r2", AMOUNT, "1234")));
        assertThat(batched.getString("state")).isEqualTo("COMPLETED");
        assertThat(outboxTypes(batched)).containsOnlyOnce("OrderCompleted");
        assertThat(batched.getList("appliedEvents", String.class)).hasSize(2);
        assertThat(batched.get("contradictions")).isNull();
    }

    @Test
    void aFailureThenALateSuccessInOneBatchRefundsOnceAndRecordsTheContradiction() {
        Document batched = sameAsOneByOne(List.of(id -> failed(id, "r1"),
                id -> ApiTestSupport.succeeded(id, "r1", AMOUNT, "1234")));
        assertThat(batched.getString("state")).isEqualTo("REFUNDED");
        assertThat(outboxTypes(batched)).containsOnlyOnce("OrderRefunded").doesNotContain("OrderCompleted");
        assertThat(batched.getList("contradictions", Document.class)).singleElement()
                .satisfies(c -> assertThat(c.getString("eventType")).isEqualTo("VendSucceeded"));
        assertThat(refunds(batched.getString("_id"))).isEqualTo(1);
        // Both orders were charged and both refunded: the wallet is whole again.
        assertThat(balance()).isEqualTo(1_000_000);
    }

    @Test
    void aSuccessThenALateFailureInOneBatchCompletesAndRecordsTheContradiction() {
        Document batched = sameAsOneByOne(List.of(id -> ApiTestSupport.succeeded(id, "r1", AMOUNT, "1234"),
                id -> failed(id, "r1"), id -> ApiTestSupport.pending(id, "r1", AMOUNT)));
        assertThat(batched.getString("state")).isEqualTo("COMPLETED");
        assertThat(batched.getList("contradictions", Document.class)).singleElement()
                .satisfies(c -> assertThat(c.getString("eventType")).isEqualTo("VendFailed"));
        assertThat(refunds(batched.getString("_id"))).isZero();
        assertThat(balance()).isEqualTo(1_000_000 - 2 * AMOUNT);
    }

    @Test
    void pendingUnresolvedThenALateSuccessInOneBatchCompletes() {
        Document batched = sameAsOneByOne(List.of(id -> ApiTestSupport.pending(id, "r1", AMOUNT),
                this::unresolved, id -> ApiTestSupport.succeeded(id, "r1", AMOUNT, "1234")));
        assertThat(states(batched)).endsWith("VEND_PENDING", "UNRESOLVED", "COMPLETED");
        assertThat(f.meters.counter("vendstream.order.unresolved", "provider", "vtpass").count()).isEqualTo(2);
    }

    @Test
    void aRedeliveredBatchChangesNothing() {
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            orders.add(place("ref-" + i));
        }
        List<SpecificRecord> batch = List.of(
                ApiTestSupport.pending(orders.get(0).orderId(), "r1", AMOUNT),
                failed(orders.get(1).orderId(), "r1"),
                ApiTestSupport.succeeded(orders.get(0).orderId(), "r1", AMOUNT, "1234"),
                ApiTestSupport.succeeded(orders.get(1).orderId(), "r1", AMOUNT, "1234"),
                ApiTestSupport.succeeded(orders.get(2).orderId(), "r1", AMOUNT, "1234"),
                ApiTestSupport.pending(orders.get(3).orderId(), "r1", AMOUNT),
                ApiTestSupport.succeeded("ord_never_stored", "r1", AMOUNT, "1234"));
        f.outcomes.applyAll(batch);
        List<Document> before = orders.stream().map(o -> raw(o.orderId())).toList();
        long balance = balance();

        f.outcomes.applyAll(batch);

        assertThat(orders.stream().map(o -> raw(o.orderId())).toList()).isEqualTo(before);
        assertThat(balance()).isEqualTo(balance).isEqualTo(1_000_000 - 3 * AMOUNT);
        assertThat(before).extracting(d -> d.getString("state"))
                .containsExactly("COMPLETED", "REFUNDED", "COMPLETED", "VEND_PENDING");
    }

    /**
     * The point of batches: twenty orders' pending and success outcomes (forty events) cost one read of the
     * orders, one write and one relay per order, where one by one each event cost a read, an applied-event
     * check, an update and a relay.
     */
    @Test
    void aBatchReadsItsOrdersOnceAndWritesTheirChangesOnce() {
        List<SpecificRecord> batch = new ArrayList<>();
        List<Order> orders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Order order = place("ref-" + i);
            orders.add(order);
            batch.add(ApiTestSupport.pending(order.orderId(), "r1", AMOUNT));
        }
        orders.forEach(o -> batch.add(ApiTestSupport.succeeded(o.orderId(), "r1", AMOUNT, "1234")));
        Map<String, Integer> commands = new java.util.concurrent.ConcurrentHashMap<>();
        CommandListener counting = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.merge(event.getCommandName(), 1, Integer::sum);
            }
        };
        List<Object> relayed = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(f.mongo.uri)).addCommandListener(counting).build())) {
            OrderStore counted = new OrderStore(new ReactiveMongoTemplate(client, "vendstream"));
            OrderOutcomes outcomes = new OrderOutcomes(counted, new OrderTransitions(counted, f.wallets, f.clock),
                    (collection, id) -> relayed.add(id), f.meters, f.clock);
            outcomes.applyAll(batch);
            assertThat(commands).containsOnly(Map.entry("find", 1), Map.entry("update", 1));
            // One outbox relay per order, not per outcome.
            assertThat(relayed).containsExactlyInAnyOrderElementsOf(orders.stream().map(Order::orderId).toList());

            // Redelivered: one read finds every outcome applied; nothing is written or relayed.
            commands.clear();
            outcomes.applyAll(batch);
            assertThat(commands).containsOnly(Map.entry("find", 1));
            assertThat(relayed).hasSize(orders.size());
        }
        assertThat(orders).allSatisfy(o -> assertThat(raw(o.orderId()).getString("state")).isEqualTo("COMPLETED"));
    }

    /**
     * The batch reads an order awaiting its outcome; before it writes, the other outcome topic's consumer folds
     * a failure and refunds it. The batch's success must not complete the refunded order: its guard fails, and
     * it is recorded as the contradiction it now is, as one by one would.
     */
    @Test
    void anOrderMovedBetweenTheBatchReadAndItsWriteIsFoldedAgainNotCompletedTwice() {
        Order order = place("ref-raced");
        OrderStore racing = new OrderStore(f.mongo.template) {
            @Override
            public Map<String, Stored> findAll(Collection<String> orderIds) {
                Map<String, Stored> read = super.findAll(orderIds);
                orderIds.forEach(id -> f.outcomes.apply(failed(id, "other")));
                return read;
            }
        };
        OrderOutcomes batches = new OrderOutcomes(racing, new OrderTransitions(racing, f.wallets, f.clock), f.relay,
                f.meters, f.clock);

        batches.applyAll(List.of(ApiTestSupport.succeeded(order.orderId(), "r1", AMOUNT, "1234")));

        Document after = raw(order.orderId());
        assertThat(after.getString("state")).isEqualTo("REFUNDED");
        assertThat(states(after)).doesNotContain("COMPLETED");
        assertThat(outboxTypes(after)).doesNotContain("OrderCompleted");
        assertThat(after.getList("contradictions", Document.class)).singleElement()
                .satisfies(c -> assertThat(c.getString("stateAtArrival")).isIn("REFUNDING", "REFUNDED"));
        assertThat(balance()).isEqualTo(1_000_000);
    }

    /**
     * One stored order that cannot be read back (a state this code does not know) must not make its neighbours'
     * outcomes fail: the batch's one read fails, the batch is folded one by one, and the failure names that
     * order's own outcome, so only it is retried and dead-lettered.
     */
    @Test
    void anUnreadableOrderIsBlamedForItsOwnOutcomeNotItsNeighbours() {
        Order good = place("ref-good");
        Order broken = place("ref-broken");
        Mono.from(f.mongo.template.getCollection("orders").block().updateOne(new Document("_id", broken.orderId()),
                new Document("$set", new Document("state", "NOT_A_STATE")))).block();
        List<SpecificRecord> batch = List.of(ApiTestSupport.succeeded(good.orderId(), "r1", AMOUNT, "1234"),
                ApiTestSupport.succeeded(broken.orderId(), "r1", AMOUNT, "5678"));

        assertThatThrownBy(() -> f.outcomes.applyAll(batch))
                .isInstanceOfSatisfying(BatchFailed.class, e -> assertThat(e.index()).isEqualTo(1));
        assertThat(raw(good.orderId()).getString("state")).isEqualTo("COMPLETED");
        assertThat(f.meters.counter("vendstream.order.outcome.batch.fallback", "reason", "read").count())
                .isEqualTo(1);
    }

    /**
     * Folds the outcomes made by {@code script} into one order one by one and into another as one batch, checks
     * both end alike, and returns the batched order as stored.
     */
    private Document sameAsOneByOne(List<Function<String, SpecificRecord>> script) {
        Order single = place("ref-single");
        Order batched = place("ref-batched");
        List<SpecificRecord> oneByOne = script.stream().map(event -> event.apply(single.orderId())).toList();
        List<SpecificRecord> batch = script.stream().map(event -> event.apply(batched.orderId())).toList();
        oneByOne.forEach(f.outcomes::apply);
        f.outcomes.applyAll(batch);
        assertThat(summary(batched.orderId(), batch)).isEqualTo(summary(single.orderId(), oneByOne));
        return raw(batched.orderId());
    }

    /** What one by one and batched must agree on; applied events by their place in the script. */
    private Map<String, Object> summary(String orderId, List<SpecificRecord> script) {
        List<String> eventIds = script.stream().map(e -> Events.envelope(e).getEventId()).toList();
        Document d = raw(orderId);
        List<String> contradictions = d.getList("contradictions", Document.class, List.of()).stream()
                .map(c -> c.getString("eventType") + "@" + c.getString("stateAtArrival")).toList();
        return Map.of("state", d.getString("state"), "history", states(d),
                "applied", d.getList("appliedEvents", String.class, List.of()).stream()
                        .map(eventIds::indexOf).sorted().toList(),
                "contradictions", contradictions, "outbox", outboxTypes(d),
                "failureReason", String.valueOf(d.getString("failureReason")), "refunds", refunds(orderId),
                "vend", String.valueOf(d.get("vend")));
    }

    private Order place(String reference) {
        return f.placement.place(OrderFixture.airtime("m1", reference, AMOUNT, "w"), false).order();
    }

    private SpecificRecord failed(String orderId, String reference) {
        return ApiTestSupport.failed(orderId, "vtpass", reference, AMOUNT, FailureClass.DECLINED_BY_PROVIDER, "016",
                "failed");
    }

    private SpecificRecord unresolved(String orderId) {
        return VendUnresolved.newBuilder().setEnvelope(Envelopes.create(
                        Envelopes.eventId(orderId, "VendUnresolved", "x"), VendUnresolved.class, orderId, Instant.now(),
                        LocalDate.now(), "m1", "status-poller", orderId, null))
                .setVend(new VendRef("vtpass", "r1", null)).setAmount(new Money(AMOUNT, "NGN"))
                .setFirstPendingAt(Instant.now()).setRequeryCount(12).build();
    }

    private long refunds(String orderId) {
        return f.walletStore.statement("w", null, null, 0, 100).stream()
                .filter(p -> p.kind().equals("REFUND") && orderId.equals(p.orderId())).count();
    }

    private long balance() {
        return f.walletStore.find("w").orElseThrow().balanceMinor();
    }

    private Document raw(String orderId) {
        return Mono.from(f.mongo.template.getCollection("orders").block().find(new Document("_id", orderId)).first())
                .block();
    }

    private static List<String> states(Document order) {
        return order.getList("history", Document.class).stream().map(h -> h.getString("state")).toList();
    }

    private static List<String> outboxTypes(Document order) {
        List<String> types = new ArrayList<>();
        for (Document entry : order.getList("outbox", Document.class, List.of())) {
            SpecificRecord event = EventCodec.decode(entry.getString("type"), entry.get("payload", Binary.class).getData());
            types.add(event.getClass().getSimpleName());
        }
        return types;
    }
}
