package com.vendstream.order.order;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.PaymentMethod;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.ServiceCategory;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.kit.outbox.Outbox;
import com.vendstream.kit.outbox.OutboxEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
    /** The recovery sweep's bookkeeping in an order it could not move: attempts, reason, last and next attempt. */
    static final String RECOVERY = "recovery";
    /** A collection found completed on an order already rejected: {at, referenceId, ..., returnedAt once paid back}. */
    public static final String COLLECTED_AFTER_REJECTION = "payment.collectedAfterRejection";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Reminders in an order waiting on another service: {count, lastAt, nextAt} ({@link #remind}). */
    static final String REMINDER = RECOVERY + ".reminder";
    /** By default an order waiting on another service is asked about after 10 minutes untouched. */
    public static final Backoff REMINDERS = new Backoff(Duration.ofMinutes(10), Duration.ofHours(1));

    private final ReactiveMongoTemplate mongo;
    private final Backoff backoff;
    private final Backoff reminders;

    public OrderStore(ReactiveMongoTemplate mongo) {
        this(mongo, Backoff.DEFAULT, REMINDERS);
    }

    /**
     * @param backoff   how long an order the recovery sweep could not move is left alone ({@link #defer})
     * @param reminders when an order waiting on another service is asked about ({@link #remind}): first once it
     *                  has been untouched for {@code reminders.first()}, then after each doubling pause
     */
    public OrderStore(ReactiveMongoTemplate mongo, Backoff backoff, Backoff reminders) {
        this.mongo = mongo;
        this.backoff = backoff;
        this.reminders = reminders;
    }

    /** How long an order may wait on another service, untouched, before the event it waits on is published again. */
    public Duration remindAfter() {
        return reminders.first();
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
        // The few rejected orders whose late collection is paid back, among all rejected ones: the sweep's query.
        Mono.from(c.createIndex(Indexes.ascending(COLLECTED_AFTER_REJECTION + ".at"), new IndexOptions().sparse(true)
                .name("collected_after_rejection"))).block(TIMEOUT);
    }

    /** Inserts a new order; false when the merchant already used this client reference. */
    public boolean insert(Document order) {
        return Documents.insertIfAbsent(collection(), order, TIMEOUT);
    }

    /**
     * Stores a new order from its request, in one insert: RECEIVED and marked authorised when {@code rejection}
     * is null (its checks and its payer's authorisation passed), otherwise REJECTED with it and the events
     * {@code rejected} makes of the stored order queued. {@code paymentReference} is a collection's reference,
     * generated before any call. Empty when the merchant already used this client reference.
     */
    public Optional<Order> insert(String orderId, OrderRequest r, Instant now, LocalDate businessDate,
                                  String paymentReference, Rejection rejection,
                                  Function<Order, List<OutboxEntry>> rejected) {
        Document line = new Document("service", r.service().name()).append("billerId", r.billerId())
                .append("itemId", r.itemId()).append("account", r.account()).append("customerPhone", r.customerPhone())
                .append("amountMinor", r.amountMinor()).append("currency", r.currency())
                .append("quantity", r.quantity());
        Document payment = new Document("method", r.paymentMethod().name()).append("walletId", r.walletId())
                .append("payerPhone", r.payerPhone()).append("referenceId", paymentReference)
                .append("payoutReference", null);
        if (rejection == null) {
            payment.append("authorisedAt", Date.from(now));
        }
        OrderState state = rejection == null ? OrderState.RECEIVED : OrderState.REJECTED;
        Document doc = new Document("_id", orderId).append("merchantId", r.merchantId())
                .append("clientReference", r.clientReference()).append("subMerchantId", r.subMerchantId())
                .append("fingerprint", r.fingerprint()).append("state", state.name())
                .append("line", line).append("payment", payment).append("channel", r.channel())
                .append("createdAt", Date.from(now)).append("updatedAt", Date.from(now))
                .append("businessDate", businessDate.toString())
                .append("correlationId", orderId).append("appliedEvents", List.of())
                .append("history", List.of(new Document("state", state.name()).append("at", Date.from(now))))
                .append("outbox", List.of());
        if (rejection != null) {
            doc.append("rejection", document(rejection.fields()));
            doc.put("outbox", stored(rejected.apply(toOrder(doc))));
        }
        return insert(doc) ? Optional.of(toOrder(doc)) : Optional.empty();
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
        return exists(new Document("_id", orderId).append(field, new Document("$ne", null)));
    }

    /**
     * Whether an order matches: a find of one id, not countDocuments, which the embedded store answers as an
     * aggregation by reading every order; a find with an {@code _id} term it answers from the {@code _id} index.
     */
    private boolean exists(Document filter) {
        return Mono.from(collection().find(filter).projection(new Document("_id", 1)).first()).block(TIMEOUT) != null;
    }

    /** The order's {@code payment} sub-document as stored (mobile-money retry markers live there). */
    public Optional<Document> payment(String orderId) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", orderId))
                        .projection(new Document("payment", 1)).first()).block(TIMEOUT))
                .map(d -> d.get("payment", Document.class));
    }

    /**
     * A payment not sent, waiting to be sent again ({@code payment.notSent}, {@code payment.payoutNotSent}):
     * since the first failure, the attempts so far, when it is tried next (null once claimed) and why.
     */
    public record NotSent(Instant since, int attempts, Instant retryAt, String reason) {
    }

    /** The order's not-sent marker under {@code field} ({@code payment.notSent} or {@code payment.payoutNotSent}). */
    public Optional<NotSent> notSent(String orderId, String field) {
        return payment(orderId).map(p -> p.get(field.substring(field.indexOf('.') + 1), Document.class))
                .map(d -> new NotSent(instant(d, "since"), d.getInteger("attempts", 0), instant(d, "retryAt"),
                        d.getString("reason")));
    }

    /** A time kept in the order's {@code payment} sub-document ({@code pendingAt}, {@code payoutPendingAt}). */
    public Optional<Instant> paymentTime(String orderId, String name) {
        return payment(orderId).map(p -> instant(p, name));
    }

    public boolean hasApplied(String orderId, String eventId) {
        return exists(new Document("_id", orderId).append("appliedEvents", eventId));
    }

    /**
     * Writes a lifecycle event: moves the order from one of the states the table allows the event in to the
     * state it leads to, setting {@code fields} and queueing {@code events}, only while the order meets the
     * row's requirements. When {@code eventId} is given the change also records it as applied and happens only
     * if it was not applied before. Returns false if the order was not in a state the event allows, or no longer
     * met a requirement (someone else moved it first, or the event was already applied).
     */
    public boolean transition(String orderId, OrderLifecycle event, Fields fields, List<OutboxEntry> events,
                              String eventId) {
        return transition(orderId, event, fields, events, eventId, null);
    }

    /**
     * As {@link #transition(String, OrderLifecycle, Fields, List, String)}, with the caller's time {@code asOf}
     * for the row's requirements on the caller's clock (no collection call under way by then); null for a row
     * without one (a time given there is refused: it would guard nothing).
     */
    public boolean transition(String orderId, OrderLifecycle event, Fields fields, List<OutboxEntry> events,
                              String eventId, Instant asOf) {
        return write(new Transition(orderId, event, null, fields, events, eventId, asOf));
    }

    /**
     * As {@link #transition(String, OrderLifecycle, Fields, List, String, Instant)}, only while the order is
     * in {@code in} (one of the event's states): for an event that keeps each of its states, or a change worked
     * out from the order as read.
     */
    public boolean transition(String orderId, OrderLifecycle event, OrderState in, Fields fields,
                              List<OutboxEntry> events, String eventId, Instant asOf) {
        return write(new Transition(orderId, event, in, fields, events, eventId, asOf));
    }

    /**
     * A move named by its states rather than its event, for tests that build what a crash leaves: written as
     * the one lifecycle event that makes it with these fields and events, so even here nothing the table does
     * not have can be written.
     */
    boolean transition(String orderId, Collection<OrderState> from, OrderState to, Fields fields,
                       List<OutboxEntry> events, String eventId) {
        OrderState in = from.size() == 1 ? from.iterator().next() : null;
        List<OrderLifecycle> matching = Arrays.stream(OrderLifecycle.values())
                .filter(e -> e.from().containsAll(from) && (in != null || e.from().equals(Set.copyOf(from))))
                .filter(e -> from.stream().allMatch(s -> e.next(s).orElse(null) == to))
                .filter(e -> e.emits().equals(Transition.types(events)))
                .filter(e -> fields.paths().stream().allMatch(e::mayRecord)).toList();
        if (matching.size() != 1) {
            throw new IllegalArgumentException((matching.isEmpty() ? "No lifecycle event" : "More than one of "
                    + matching) + " moves " + from + " to " + to + " with these fields and events: name the event");
        }
        return write(new Transition(orderId, matching.get(0), in, fields, events, eventId, null));
    }

    /** Until when a collection call may still be under way; null once its answer is recorded. */
    public static final String SENDING_UNTIL = "payment.sendingUntil";
    private static final String RETRY_AT = "payment.notSent.retryAt";

    /**
     * The query terms of a lifecycle row's requirement on an order, {@code at} the caller's time (used only by
     * one on the caller's clock).
     */
    public static Document terms(OrderLifecycle.Requirement requirement, Instant at) {
        return switch (requirement) {
            case OPEN_RETURN -> openReturn();
            case NO_PAYOUT_REFERENCE -> new Document("payment.payoutReference", null);
            case MOBILE_MONEY -> new Document("payment.method", PaymentMethod.MOBILE_MONEY.name());
            case NO_LATE_COLLECTION -> new Document(COLLECTED_AFTER_REJECTION, null);
            case RETRY_WAITING -> new Document(RETRY_AT, new Document("$ne", null));
            case NO_RETRY_WAITING -> new Document(RETRY_AT, null);
            case NOT_FOLLOWED -> new Document("payment.pendingAt", null);
            case NO_CALL_IN_FLIGHT -> noCallInFlight(at);
        };
    }

    /**
     * Adds a requirement's {@code terms} to a write's {@code filter} so that both hold: a term on a key the filter
     * already has goes under {@code $and} rather than replacing the filter's own condition on it.
     */
    static Document require(Document filter, Document terms) {
        terms.forEach((key, value) -> {
            if (filter.containsKey(key)) {
                List<Object> all = new ArrayList<>(filter.getList("$and", Object.class, List.of()));
                all.add(new Document(key, value));
                filter.put("$and", all);
            } else {
                filter.put(key, value);
            }
        });
        return filter;
    }

    /** Query terms for an order with no collection call that may still be under way at {@code at}. */
    static Document noCallInFlight(Instant at) {
        return new Document("$or", List.of(new Document(SENDING_UNTIL, null),
                new Document(SENDING_UNTIL, new Document("$lte", Date.from(at)))));
    }

    /** Writes one guarded change; false when its guard no longer held. */
    public boolean write(Write write) {
        UpdateOneModel<Document> change = write.model(Instant.now());
        return Mono.from(collection().updateOne(change.getFilter(), change.getUpdate())).block(TIMEOUT)
                .getModifiedCount() == 1;
    }

    /** A guarded change of one order that can be written alone or with others ({@link #writeAll}). */
    public sealed interface Write permits Transition, Note {
        UpdateOneModel<Document> model(Instant now);
    }

    /**
     * A lifecycle event of one order as a {@link Write}: from the states the table allows it in (or only
     * {@code in}, one of them, when given) to the state it leads to there, guarded by the row's requirements
     * (one on the caller's clock judged at {@code asOf}, the caller's time). Only what the table says can be
     * built: an event in a state it may not happen in, events other than those it publishes, fields it does
     * not record, a requirement on the caller's clock without the caller's time, or the caller's time where no
     * requirement is judged by it, are refused here, before anything is written.
     */
    public record Transition(String orderId, OrderLifecycle event, OrderState in, Fields fields,
                             List<OutboxEntry> events, String eventId, Instant asOf) implements Write {
        public Transition {
            // Throws for a state the event may not happen in, or a keeping event without the state it keeps.
            Set<OrderState> states = in == null ? event.from() : Set.of(in);
            event.to(states);
            if (!event.emits().equals(types(events))) {
                throw new IllegalArgumentException(event + " publishes " + event.emits() + ", not " + types(events));
            }
            for (String field : fields.paths()) {
                if (!event.mayRecord(field)) {
                    throw new IllegalArgumentException(event + " does not record " + field);
                }
            }
            boolean onCallersClock = false;
            for (OrderLifecycle.Requirement r : event.requires(states)) {
                if (r.onCallersClock() && asOf == null) {
                    throw new IllegalArgumentException(event + " requires " + r + " (" + r.meaning()
                            + "): judged by the caller's clock, so it needs the caller's time");
                }
                onCallersClock |= r.onCallersClock();
            }
            if (asOf != null && !onCallersClock) {
                // It would guard nothing: a caller that thinks it fences an in-flight call must learn it does not.
                throw new IllegalArgumentException(event + " in " + states
                        + " has no requirement on the caller's clock: the caller's time would guard nothing");
            }
        }

        public Transition(String orderId, OrderLifecycle event, Fields fields, List<OutboxEntry> events, String eventId,
                          Instant asOf) {
            this(orderId, event, null, fields, events, eventId, asOf);
        }

        /** The states the order may be in for this change. */
        public Set<OrderState> from() {
            return in == null ? event.from() : Set.of(in);
        }

        /** The state the order is in after it. */
        public OrderState to() {
            return event.to(from());
        }

        /**
         * The simple type names of outbox entries; a PaymentPending with its kind (read from the event), as
         * {@link OrderLifecycle#emits()} names it: a payout's PaymentPending is not a collection's.
         */
        static List<String> types(List<OutboxEntry> events) {
            return events == null ? List.of() : events.stream().map(e -> e.event() instanceof PaymentPending p
                    ? PaymentPending.class.getSimpleName() + "(" + p.getKind() + ")"
                    : e.event().getClass().getSimpleName()).toList();
        }

        @Override
        public UpdateOneModel<Document> model(Instant now) {
            Set<OrderState> from = from();
            OrderState to = to();
            Document filter = new Document("_id", orderId)
                    .append("state", new Document("$in", from.stream().map(Enum::name).toList()));
            // The row's requirements, whatever the caller remembered; one on the caller's clock at the caller's time.
            event.requires(from).forEach(r -> require(filter, terms(r, r.onCallersClock() ? asOf : now)));
            if (eventId != null) {
                filter.append("appliedEvents", new Document("$ne", eventId));
            }
            Document set = document(fields).append("state", to.name()).append("updatedAt", Date.from(now));
            Document push = new Document("history", new Document("state", to.name()).append("at", Date.from(now))
                    .append("cause", eventId));
            if (events != null && !events.isEmpty()) {
                push.putAll(Outbox.push(stored(events)));
            }
            if (eventId != null) {
                push.append("appliedEvents", eventId);
            }
            Document update = new Document("$set", set).append("$push", push);
            if (!from.contains(to)) {
                // A new state starts with a clean slate: a backoff earned in the old one must not delay the new work.
                update.append("$unset", new Document(RECOVERY, ""));
            }
            return new UpdateOneModel<>(filter, update);
        }
    }

    /**
     * Fields as stored: an Instant as a date, a map or nested {@link Fields} as a sub-document (keys in their
     * order), a list element by element; anything else as it is.
     */
    static Document document(Fields fields) {
        Document d = new Document();
        fields.values().forEach((k, v) -> d.append(k, value(v)));
        return d;
    }

    private static Object value(Object value) {
        if (value instanceof Instant i) {
            return Date.from(i);
        }
        if (value instanceof Fields f) {
            return document(f);
        }
        if (value instanceof Map<?, ?> m) {
            Document d = new Document();
            m.forEach((k, v) -> d.append(String.valueOf(k), value(v)));
            return d;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(OrderStore::value).toList();
        }
        return value;
    }

    /**
     * Records an event as seen without changing the order ({@link #note} without evidence), only while the
     * order is still in {@code state} and the event is not recorded yet: written with others, it must not
     * land on an order that moved since it was read, where the event might have meant something else.
     */
    public record Note(String orderId, OrderState state, String eventId) implements Write {
        @Override
        public UpdateOneModel<Document> model(Instant now) {
            return new UpdateOneModel<>(new Document("_id", orderId).append("state", state.name())
                    .append("appliedEvents", new Document("$ne", eventId)),
                    new Document("$push", new Document("appliedEvents", eventId)));
        }
    }

    /**
     * Writes guarded changes in one round trip, in list order (changes of one order build on each other).
     * Returns how many changed an order: each guard that no longer held (someone moved the order first)
     * leaves its change out, and the count one short.
     */
    public long writeAll(List<? extends Write> writes) {
        if (writes.isEmpty()) {
            return 0;
        }
        Instant now = Instant.now();
        List<UpdateOneModel<Document>> models = writes.stream().map(w -> w.model(now)).toList();
        return Mono.from(collection().bulkWrite(models, new BulkWriteOptions().ordered(true))).block(TIMEOUT)
                .getModifiedCount();
    }

    /** An order as stored and the ids of the events already applied to it. */
    public record Stored(Order order, Set<String> appliedEvents) {
    }

    /** The orders with these ids, in one query (by {@code _id}); ids of no order are left out. */
    public Map<String, Stored> findAll(Collection<String> orderIds) {
        Map<String, Stored> found = new LinkedHashMap<>();
        Flux.from(collection().find(new Document("_id", new Document("$in", List.copyOf(orderIds)))))
                .toIterable().forEach(d -> found.put(d.getString("_id"), new Stored(toOrder(d),
                        Set.copyOf(d.getList("appliedEvents", String.class, List.of())))));
        return found;
    }

    /**
     * Queues again events an order already published, for a consumer that may have lost them: the same
     * events, with the same ids, so everyone who had them drops them. The order itself does not change: its
     * state, {@code updatedAt} and history stay, so it still counts as stuck if it stays where it is. Only
     * while it is in {@code state} (a followed payment still followed: {@link #remindCollection},
     * {@link #remindPayout}), has none of these events waiting in its outbox,
     * and its next reminder is due; the next one is then due after the reminder pause, doubling per
     * reminder. Returns false when nothing was queued.
     */
    public boolean remind(String orderId, OrderState state, List<OutboxEntry> events, Instant now) {
        return remind(orderId, state, null, events, now);
    }

    /**
     * {@link #remind} about a collection status-poller follows: an AWAITING_PAYMENT order handed over to it
     * ({@code payment.pendingAt}), with no retry waiting and no collection call under way at {@code now}.
     */
    public boolean remindCollection(String orderId, List<OutboxEntry> events, Instant now) {
        Document followed = new Document("payment.pendingAt", new Document("$ne", null)).append(RETRY_AT, null);
        followed.putAll(noCallInFlight(now));
        return remind(orderId, OrderState.AWAITING_PAYMENT, followed, events, now);
    }

    /**
     * {@link #remind} about a payout status-poller follows: {@code reference} still the order's payout, neither
     * refused nor waiting for a retry; in REJECTED, a late collection not paid back yet.
     */
    public boolean remindPayout(String orderId, OrderState state, String reference, List<OutboxEntry> events,
                                Instant now) {
        Document followed = new Document(state == OrderState.REJECTED ? openReturn() : new Document())
                .append("payment.payoutReference", reference).append("payment.payoutFailedAt", null)
                .append("payment.payoutNotSent.retryAt", null);
        return remind(orderId, state, followed, events, now);
    }

    private boolean remind(String orderId, OrderState state, Document guard, List<OutboxEntry> events, Instant now) {
        List<String> ids = events.stream().map(OutboxEntry::eventId).toList();
        Document filter = new Document("_id", orderId).append("state", state.name())
                .append(Outbox.FIELD + ".eventId", new Document("$nin", ids));
        List<Document> and = new ArrayList<>(List.of(reminderDue(now)));
        if (guard != null) {
            and.add(guard);
        }
        filter.append("$and", and);
        Document reminded = Mono.from(collection().findOneAndUpdate(filter,
                new Document("$push", Outbox.push(stored(events))).append("$inc", new Document(REMINDER + ".count", 1))
                        .append("$set", new Document(REMINDER + ".lastAt", Date.from(now))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
                        .projection(new Document(RECOVERY, 1)))).block(TIMEOUT);
        if (reminded == null) {
            return false;
        }
        int count = reminded.get(RECOVERY, Document.class).get("reminder", Document.class).getInteger("count");
        Mono.from(collection().updateOne(new Document("_id", orderId).append(REMINDER + ".count", count),
                new Document("$set", new Document(REMINDER + ".nextAt",
                        Date.from(now.plus(reminders.after(count + 1))))))).block(TIMEOUT);
        return true;
    }

    /** The outbox entries as kept in the order's document. */
    static List<Document> stored(List<OutboxEntry> events) {
        return events.stream().map(Outbox::entry).toList();
    }

    /** Query terms: the order was never reminded about, or its next reminder is due at {@code now}. */
    public static Document reminderDue(Instant now) {
        return new Document("$or", List.of(new Document(REMINDER + ".nextAt", null),
                new Document(REMINDER + ".nextAt", new Document("$lte", Date.from(now)))));
    }

    /** When the order last entered {@code state} (from its history); null if it never did. */
    public Instant enteredAt(String orderId, OrderState state) {
        Document d = Mono.from(collection().find(new Document("_id", orderId))
                .projection(new Document("history", 1)).first()).block(TIMEOUT);
        Instant at = null;
        for (Document h : d == null ? List.<Document>of() : d.getList("history", Document.class, List.of())) {
            if (state.name().equals(h.getString("state"))) {
                at = h.getDate("at").toInstant();
            }
        }
        return at;
    }

    /** Sets fields only if {@code field} is not set yet (a reference generated once, before its call). */
    public boolean setOnce(String orderId, String field, Object value) {
        return Mono.from(collection().updateOne(new Document("_id", orderId).append(field, null),
                new Document("$set", new Document(field, value)))).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Starts another payout of an order (REFUNDING, or REJECTED paying back a late collection) after the
     * provider refused the last one: swaps in {@code fresh} only while {@code refused} is still the order's
     * payout reference and its refusal is recorded, so exactly one caller makes the new call. The refused
     * reference is kept in {@code payment.refusedPayouts}.
     */
    public boolean retryPayout(String orderId, OrderState state, String refused, String fresh, Instant at) {
        // A lifecycle event (throws in a state the table does not have it in) that leaves history and updatedAt be,
        // so written by its own update: with the row's requirements, as a Transition would be.
        OrderLifecycle.PAYOUT_RENEWED.to(Set.of(state));
        Document filter = new Document("_id", orderId).append("state", state.name())
                .append("payment.payoutReference", refused).append("payment.payoutFailedAt", new Document("$ne", null));
        OrderLifecycle.PAYOUT_RENEWED.requires(state).forEach(r -> require(filter, terms(r, at)));
        Document update = new Document("$set", new Document("payment.payoutReference", fresh))
                .append("$unset", new Document("payment.payoutFailedAt", "").append("payment.payoutFailure", "")
                        .append("payment.payoutPendingAt", ""))
                .append("$push", new Document("payment.refusedPayouts",
                        new Document("reference", refused).append("retriedAt", Date.from(at))));
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Records an event as seen without changing state (e.g. a stale or contradictory outcome), pushing
     * {@code fields} (evidence) with it. Without an event id (an answer to our own call) only the evidence is kept.
     */
    public void note(String orderId, String eventId) {
        note(orderId, eventId, null);
    }

    /**
     * Records an answer that contradicts where the order is ({@code eventType} found it in {@code stateAtArrival})
     * as evidence for reconciliation, with its event id as seen ({@link #note}).
     */
    public void contradiction(String orderId, String eventId, String eventType, OrderState stateAtArrival, Instant at) {
        note(orderId, eventId, new Document("contradictions", new Document("eventId", eventId)
                .append("eventType", eventType).append("stateAtArrival", stateAtArrival.name())
                .append("at", Date.from(at))));
    }

    private void note(String orderId, String eventId, Document fields) {
        Document update = new Document();
        if (eventId != null) {
            update.append("$addToSet", new Document("appliedEvents", eventId));
        }
        if (fields != null && !fields.isEmpty()) {
            update.append("$push", fields);
        }
        if (!update.isEmpty()) {
            Mono.from(collection().updateOne(new Document("_id", orderId), update)).block(TIMEOUT);
        }
    }

    /**
     * Query terms for a REJECTED order whose mobile-money collection was completed after the rejection
     * and is not paid back yet ({@code payment.collectedAfterRejection} without {@code returnedAt}).
     */
    public static Document openReturn() {
        // Asked through the sparse index on its "at": REJECTED is final, so its orders only ever accumulate.
        return new Document(COLLECTED_AFTER_REJECTION + ".at", new Document("$exists", true))
                .append(COLLECTED_AFTER_REJECTION + ".returnedAt", null);
    }

    /**
     * How many orders are in each state; of the final states only those that reached it since {@code finalSince}
     * (final orders only ever accumulate). One count per state, each served by the {state, updatedAt} index.
     */
    public java.util.Map<OrderState, Long> countByState(Instant finalSince) {
        java.util.Map<OrderState, Long> counts = new java.util.EnumMap<>(OrderState.class);
        for (OrderState state : OrderState.values()) {
            Document filter = new Document("state", state.name());
            if (state.isFinal()) {
                filter.append("updatedAt", new Document("$gte", Date.from(finalSince)));
            }
            counts.put(state, count(filter));
        }
        return counts;
    }

    /** How many orders sit in each not-yet-settled state, untouched since {@code updatedBefore}. */
    public java.util.Map<OrderState, Long> countStuck(Instant updatedBefore) {
        java.util.Map<OrderState, Long> counts = new java.util.EnumMap<>(OrderState.class);
        List<String> open = OrderState.UNSETTLED.stream().map(Enum::name).toList();
        // Counted here from a find, which the {state, updatedAt} index serves (on the embedded store too, which
        // answers an aggregation by reading every order); stuck orders are few.
        Flux.from(collection().find(new Document("state", new Document("$in", open))
                        .append("updatedAt", new Document("$lt", Date.from(updatedBefore))))
                        .projection(new Document("state", 1)))
                .toIterable().forEach(d -> counts.merge(OrderState.valueOf(d.getString("state")), 1L, Long::sum));
        return counts;
    }

    /**
     * One page of the recovery sweep's work: orders in {@code state} matching {@code filter}, untouched
     * since {@code updatedBefore}, not deferred beyond {@code now} ({@link #defer}), and after {@code after}
     * in (updatedAt, id) order, oldest first. Paging by that cursor, with the filter in the query,
     * reaches every such order however many others cannot move.
     */
    public List<Order> due(OrderState state, Backlog backlog, Instant updatedBefore, Instant now, Order after,
                           int limit) {
        return due(state, backlog.filter(now, now.minus(remindAfter())), updatedBefore, now, after, limit);
    }

    /** Which of a state's orders a recovery sweep works through ({@link #due}): the terms the store adds. */
    public enum Backlog {
        /** Every order of the state. */
        ALL,
        /** Collections not handed to status-poller, with no call that may still be under way. */
        UNFOLLOWED_COLLECTIONS,
        /** Orders with nothing waiting in their outbox whose next reminder is due. */
        REMINDER_DUE,
        /** Rejected orders whose late collection is not paid back yet ({@link #openReturn}). */
        OPEN_RETURNS,
        /**
         * Collections status-poller was handed before the reminder pause, with no retry waiting, no call under
         * way, nothing waiting in the outbox, and the next reminder due.
         */
        FOLLOWED_COLLECTIONS_DUE;

        /** The query terms at {@code now}; {@code remindBefore}, now less the reminder pause. */
        Document filter(Instant now, Instant remindBefore) {
            return switch (this) {
                case ALL -> new Document();
                case UNFOLLOWED_COLLECTIONS -> {
                    Document awaiting = new Document("payment.pendingAt", null);
                    awaiting.putAll(noCallInFlight(now));
                    yield awaiting;
                }
                case REMINDER_DUE -> {
                    Document idle = new Document(Outbox.FIELD + ".0", new Document("$exists", false));
                    idle.putAll(reminderDue(now));
                    yield idle;
                }
                case OPEN_RETURNS -> openReturn();
                case FOLLOWED_COLLECTIONS_DUE -> new Document("payment.pendingAt",
                        new Document("$lt", Date.from(remindBefore))).append(RETRY_AT, null)
                        .append(Outbox.FIELD + ".0", new Document("$exists", false))
                        .append("$and", List.of(noCallInFlight(now), reminderDue(now)));
            };
        }
    }

    private List<Order> due(OrderState state, Document filter, Instant updatedBefore, Instant now, Order after,
                            int limit) {
        List<Document> and = new ArrayList<>();
        and.add(new Document("$or", List.of(new Document(RECOVERY + ".nextAttemptAt", null),
                new Document(RECOVERY + ".nextAttemptAt", new Document("$lte", Date.from(now))))));
        if (after != null) {
            Date at = Date.from(after.updatedAt());
            and.add(new Document("$or", List.of(new Document("updatedAt", new Document("$gt", at)),
                    new Document("updatedAt", at).append("_id", new Document("$gt", after.orderId())))));
        }
        if (filter.get("$and") instanceof List<?> terms) {
            terms.forEach(t -> and.add((Document) t));
        }
        Document query = new Document(filter).append("state", state.name())
                .append("updatedAt", new Document("$lt", Date.from(updatedBefore))).append("$and", and);
        return Flux.from(collection().find(query).sort(new Document("updatedAt", 1).append("_id", 1)).limit(limit))
                .map(OrderStore::toOrder).collectList().block(TIMEOUT);
    }

    /**
     * Leaves an order that could not be moved on alone for a while: counts the attempt, records why, and
     * sets when it is due again (the backoff doubles per attempt). Its state and {@code updatedAt} stay,
     * so it still counts as stuck; a change of state clears all this. No-op if it left {@code state}.
     */
    public void defer(String orderId, OrderState state, BlockedReason reason, Instant now) {
        Document after = Mono.from(collection().findOneAndUpdate(
                new Document("_id", orderId).append("state", state.name()),
                new Document("$inc", new Document(RECOVERY + ".attempts", 1))
                        .append("$set", new Document(RECOVERY + ".reason", reason.name())
                                .append(RECOVERY + ".lastAttemptAt", Date.from(now))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
                        .projection(new Document(RECOVERY, 1)))).block(TIMEOUT);
        if (after == null) {
            return;
        }
        int attempts = after.get(RECOVERY, Document.class).getInteger("attempts");
        Mono.from(collection().updateOne(new Document("_id", orderId).append("state", state.name())
                        .append(RECOVERY + ".attempts", attempts),
                new Document("$set", new Document(RECOVERY + ".nextAttemptAt",
                        Date.from(now.plus(backoff.after(attempts))))))).block(TIMEOUT);
    }

    /** How many orders of one not-yet-settled state the sweep last failed to move, for one reason. */
    public record Blocked(OrderState state, BlockedReason reason, long count) {
    }

    /**
     * Orders whose last recovery attempt failed, by state and reason: the unsettled states, and REJECTED
     * orders whose late collection is not paid back yet ({@link #openReturn}).
     */
    public List<Blocked> countBlocked() {
        List<String> open = OrderState.UNSETTLED.stream().map(Enum::name).toList();
        Document returning = new Document("state", OrderState.REJECTED.name());
        returning.putAll(openReturn());
        // Two finds with the state first, which the {state, updatedAt} index serves (an aggregation, or an $or
        // at the top, the embedded store answers by reading every order); blocked orders are few.
        Map<List<String>, Long> counts = new LinkedHashMap<>();
        for (Document filter : List.of(new Document("state", new Document("$in", open)), returning)) {
            Flux.from(collection().find(new Document(filter).append(RECOVERY + ".reason", new Document("$ne", null)))
                            .projection(new Document("state", 1).append(RECOVERY + ".reason", 1)))
                    .toIterable().forEach(d -> counts.merge(List.of(d.getString("state"),
                            d.get(RECOVERY, Document.class).getString("reason")), 1L, Long::sum));
        }
        return counts.entrySet().stream().map(e -> new Blocked(OrderState.valueOf(e.getKey().get(0)),
                BlockedReason.valueOf(e.getKey().get(1)), e.getValue())).toList();
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
        Document late = payment.get("collectedAfterRejection", Document.class);
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
                d.getString("subMerchantId"), instant(late, "at"), instant(late, "returnedAt"));
    }

    private static Instant instant(Document d, String field) {
        return d == null || d.getDate(field) == null ? null : d.getDate(field).toInstant();
    }
}
