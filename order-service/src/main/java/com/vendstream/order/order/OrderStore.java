package com.vendstream.order.order;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.ServiceCategory;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.kit.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Orders in MongoDB, one document each. Every state change is a compare-and-set on the current
 * state that also appends the events it must publish to the document's outbox, so a change and its
 * events can never be separated by a crash.
 */
public class OrderStore {

    public static final String COLLECTION = "orders";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public OrderStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        MongoCollection<Document> c = collection();
        // One order per merchant and client reference: the API's idempotency key.
        Mono.from(c.createIndex(Indexes.ascending("merchantId", "clientReference"), new IndexOptions().unique(true)
                .name("merchant_client_reference"))).block(TIMEOUT);
        Mono.from(c.createIndex(Indexes.ascending("merchantId", "createdAt"))).block(TIMEOUT);
        Mono.from(c.createIndex(Indexes.ascending("state", "updatedAt"))).block(TIMEOUT);
    }

    /** Inserts a new order; false when the merchant already used this client reference. */
    public boolean insert(Document order) {
        return Documents.insertIfAbsent(collection(), order, TIMEOUT);
    }

    public Optional<Order> find(String orderId) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", orderId)).first()).block(TIMEOUT))
                .map(OrderStore::toOrder);
    }

    public Optional<Order> findByClientReference(String merchantId, String clientReference) {
        return Optional.ofNullable(Mono.from(collection()
                        .find(new Document("merchantId", merchantId).append("clientReference", clientReference)).first())
                .block(TIMEOUT)).map(OrderStore::toOrder);
    }

    public boolean hasField(String orderId, String field) {
        return Mono.from(collection().countDocuments(new Document("_id", orderId)
                .append(field, new Document("$ne", null)))).block(TIMEOUT) > 0;
    }

    /** The order's {@code payment} sub-document as stored (mobile-money retry markers live there). */
    public Optional<Document> payment(String orderId) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", orderId))
                        .projection(new Document("payment", 1)).first()).block(TIMEOUT))
                .map(d -> d.get("payment", Document.class));
    }

    public boolean hasApplied(String orderId, String eventId) {
        return Mono.from(collection().countDocuments(new Document("_id", orderId).append("appliedEvents", eventId)))
                .block(TIMEOUT) > 0;
    }

    /**
     * Moves an order from one of {@code from} to {@code to}, setting {@code fields} and queueing
     * {@code events}. When {@code eventId} is given the change also records it as applied and
     * happens only if it was not applied before. Returns false if the order was not in a state the
     * change allows (someone else moved it first, or the event was already applied).
     */
    public boolean transition(String orderId, Collection<OrderState> from, OrderState to, Document fields,
                              List<Document> events, String eventId) {
        Document filter = new Document("_id", orderId)
                .append("state", new Document("$in", from.stream().map(Enum::name).toList()));
        if (eventId != null) {
            filter.append("appliedEvents", new Document("$ne", eventId));
        }
        Instant now = Instant.now();
        Document set = new Document(fields).append("state", to.name()).append("updatedAt", Date.from(now));
        Document push = new Document("history", new Document("state", to.name()).append("at", Date.from(now))
                .append("cause", eventId));
        if (events != null && !events.isEmpty()) {
            push.putAll(Outbox.push(events));
        }
        if (eventId != null) {
            push.append("appliedEvents", eventId);
        }
        Document update = new Document("$set", set).append("$push", push);
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /** Sets fields only if {@code field} is not set yet (a reference generated once, before its call). */
    public boolean setOnce(String orderId, String field, Object value) {
        return Mono.from(collection().updateOne(new Document("_id", orderId).append(field, null),
                new Document("$set", new Document(field, value)))).block(TIMEOUT).getModifiedCount() == 1;
    }

    /** Records an event as seen without changing state (e.g. a stale or contradictory outcome). */
    public void note(String orderId, String eventId, Document fields) {
        Document update = new Document("$addToSet", new Document("appliedEvents", eventId));
        if (fields != null && !fields.isEmpty()) {
            update.append("$push", fields);
        }
        Mono.from(collection().updateOne(new Document("_id", orderId), update)).block(TIMEOUT);
    }

    /** How many orders sit in each not-yet-settled state, untouched since {@code updatedBefore}. */
    public java.util.Map<OrderState, Long> countStuck(Instant updatedBefore) {
        java.util.Map<OrderState, Long> counts = new java.util.EnumMap<>(OrderState.class);
        List<String> open = OrderState.UNSETTLED.stream().map(Enum::name).toList();
        Flux.from(collection().aggregate(List.of(
                new Document("$match", new Document("state", new Document("$in", open))
                        .append("updatedAt", new Document("$lt", Date.from(updatedBefore)))),
                new Document("$group", new Document("_id", "$state").append("n", new Document("$sum", 1))))))
                .toIterable().forEach(d -> counts.put(OrderState.valueOf(d.getString("_id")),
                        ((Number) d.get("n")).longValue()));
        return counts;
    }

    /** Orders left in a non-final working state by a crash, for the recovery sweep. */
    public List<Order> stuck(OrderState state, Instant updatedBefore, int limit) {
        return Flux.from(collection().find(new Document("state", state.name())
                        .append("updatedAt", new Document("$lt", Date.from(updatedBefore)))).limit(limit))
                .map(OrderStore::toOrder).collectList().block(TIMEOUT);
    }

    public List<Order> history(String merchantId, OrderState state, Instant from, Instant to, int page, int size) {
        Document filter = new Document("merchantId", merchantId);
        if (state != null) {
            filter.append("state", state.name());
        }
        com.vendstream.kit.mongo.Documents.within(filter, "createdAt", from, to);
        return Flux.from(collection().find(filter).sort(new Document("createdAt", -1)).skip(page * size).limit(size))
                .map(OrderStore::toOrder).collectList().block(TIMEOUT);
    }

    public long count(Document filter) {
        return Mono.from(collection().countDocuments(filter)).block(TIMEOUT);
    }

    static Order toOrder(Document d) {
        Document line = d.get("line", Document.class);
        Document payment = d.get("payment", Document.class);
        Document vend = d.get("vend", Document.class);
        Document rejection = d.get("rejection", Document.class);
        Map<String, String> receipt = new LinkedHashMap<>();
        if (vend != null && vend.get("receipt") instanceof Document r) {
            r.forEach((k, v) -> receipt.put(k, String.valueOf(v)));
        }
        List<String> pins = vend == null ? List.of() : new ArrayList<>(vend.getList("pins", String.class, List.of()));
        return new Order(d.getString("_id"), d.getString("merchantId"), d.getString("clientReference"),
                d.getString("fingerprint"), OrderState.valueOf(d.getString("state")),
                ServiceCategory.valueOf(line.getString("service")), line.getString("billerId"),
                line.getString("itemId"), line.getString("account"), line.getString("customerPhone"),
                line.getLong("amountMinor"), line.getString("currency"), line.getInteger("quantity", 1),
                PaymentMethod.valueOf(payment.getString("method")), payment.getString("walletId"),
                vend == null ? null : vend.getString("provider"),
                vend == null ? null : vend.getString("providerReference"),
                vend == null ? null : vend.getString("token"), vend == null ? null : vend.getString("units"), pins,
                receipt, rejection == null ? null : rejection.getString("code"),
                rejection == null ? null : rejection.getString("message"), d.getString("failureReason"),
                d.getDate("createdAt").toInstant(), d.getDate("updatedAt").toInstant(),
                LocalDate.parse(d.getString("businessDate")), d.getString("correlationId"), d.getString("channel"),
                payment.getString("payerPhone"), payment.getString("referenceId"), payment.getString("payoutReference"),
                d.getString("subMerchantId"));
    }
}
