package com.vendstream.vend.attempt;

import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.kit.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One vend attempt document per order, keyed by order id: the unique _id is what makes a second
 * vend for the same order impossible, whichever instance or redelivery tries. The provider and our
 * reference are written here before the provider is called.
 */
public class VendAttemptStore {

    public static final String COLLECTION = "vend_attempts";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * SENDING: claimed, the call may be in flight. DEFERRED: not sent (a passing refusal: throttle,
     * back-pressure, a provider's duplicate window), waiting for {@code retryAt}; nothing reached any
     * provider under its current reference. The rest are settled.
     */
    public enum State { SENDING, DEFERRED, SUCCEEDED, FAILED, PENDING }

    /**
     * The outcome event a settled attempt published (its outbox entry), kept after the relay removed it
     * from the outbox so that a repeated request can be answered with it ({@link #requeueOutcome}).
     */
    public static final String OUTCOME = "outcome";
    private static final List<String> SETTLED = List.of(State.SUCCEEDED.name(), State.FAILED.name(),
            State.PENDING.name());

    private final ReactiveMongoTemplate mongo;

    public VendAttemptStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        Mono.from(collection().createIndex(Indexes.ascending("state", "leaseUntil"))).block(TIMEOUT);
        Mono.from(collection().createIndex(Indexes.ascending("provider", "reference"))).block(TIMEOUT);
        Mono.from(collection().createIndex(Indexes.ascending("state", "retryAt"))).block(TIMEOUT);
    }

    /** Claims the order's one vend; false when an attempt already exists. */
    public boolean claim(Document attempt) {
        return Documents.insertIfAbsent(collection(), attempt, TIMEOUT);
    }

    public Optional<Document> find(String orderId) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", orderId)).first()).block(TIMEOUT));
    }

    /**
     * Settles a SENDING attempt for the given reference. Only the holder of the reference can settle
     * it, and only once; false means someone else (the stale-lease sweep) settled it first.
     */
    public boolean settle(String orderId, String reference, State to, Document fields, List<Document> events) {
        Document filter = new Document("_id", orderId).append("state", State.SENDING.name())
                .append("reference", reference);
        Document set = new Document(fields).append("state", to.name()).append("settledAt", new Date());
        Document update = new Document("$set", set);
        if (events != null && !events.isEmpty()) {
            set.append(OUTCOME, events.get(events.size() - 1));
            update.append("$push", Outbox.push(events));
        }
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Queues a settled attempt's outcome event again, the same event with the same id, unless it is still
     * waiting in the outbox. Returns false for an attempt that is not settled (its sweeps drive it), has no
     * outcome kept (settled before outcomes were kept), or whose outcome is waiting to be published anyway.
     */
    public boolean requeueOutcome(String orderId) {
        Document attempt = find(orderId).orElse(null);
        Document outcome = attempt == null ? null : attempt.get(OUTCOME, Document.class);
        if (outcome == null) {
            return false;
        }
        Document filter = new Document("_id", orderId).append("state", new Document("$in", SETTLED))
                .append(Outbox.FIELD + ".eventId", new Document("$ne", outcome.getString("eventId")));
        return Mono.from(collection().updateOne(filter, new Document("$push", new Document(Outbox.FIELD, outcome))))
                .block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Moves a SENDING attempt to the next provider after a failure that certainly happened before
     * the first provider processed anything. The old reference is kept in the attempt's history.
     */
    public boolean failover(String orderId, String fromReference, String provider, String reference,
                            Instant leaseUntil, Document previous) {
        Document filter = new Document("_id", orderId).append("state", State.SENDING.name())
                .append("reference", fromReference);
        Document update = new Document("$set", new Document("provider", provider).append("reference", reference)
                .append("leaseUntil", Date.from(leaseUntil)))
                .append("$push", new Document("previous", previous));
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Parks a SENDING attempt that was not sent until {@code retryAt}. Its lease goes, so the stale-lease
     * sweep (which would hand it to requery as pending) leaves it alone; the refused reference is kept
     * in the attempt's history.
     */
    /** @param counted whether this deferral counts toward the attempt's {@code deferrals} */
    public boolean defer(String orderId, String reference, Instant retryAt, boolean counted, Document previous) {
        Document filter = new Document("_id", orderId).append("state", State.SENDING.name())
                .append("reference", reference);
        Document update = new Document("$set", new Document("state", State.DEFERRED.name())
                .append("retryAt", Date.from(retryAt)))
                .append("$unset", new Document("leaseUntil", ""))
                .append("$inc", new Document("deferrals", counted ? 1 : 0))
                .append("$push", new Document("previous", previous));
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Takes a due DEFERRED attempt back to SENDING under a fresh reference; false when another sweeper
     * took it first.
     */
    public boolean resume(String orderId, String fromReference, String provider, String reference,
                          Instant leaseUntil) {
        Document filter = new Document("_id", orderId).append("state", State.DEFERRED.name())
                .append("reference", fromReference);
        Document update = new Document("$set", new Document("state", State.SENDING.name()).append("provider", provider)
                .append("reference", reference).append("leaseUntil", Date.from(leaseUntil)))
                .append("$unset", new Document("retryAt", ""));
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Pushes a due DEFERRED attempt's {@code retryAt} to {@code until}, so the next sweeps leave it to
     * whoever holds it; false when another sweeper held (or took) it first.
     */
    public boolean hold(String orderId, String reference, Instant now, Instant until) {
        Document filter = new Document("_id", orderId).append("state", State.DEFERRED.name())
                .append("reference", reference).append("retryAt", new Document("$lte", Date.from(now)));
        Document update = new Document("$set", new Document("retryAt", Date.from(until)));
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /** One page of the DEFERRED attempts whose wait is over, in order id order after {@code after} (null: from the start). */
    public List<Document> dueDeferred(Instant now, String after, int limit) {
        return page(new Document("state", State.DEFERRED.name())
                .append("retryAt", new Document("$lte", Date.from(now))), after, limit);
    }

    /** One page of the attempts whose sender may have died mid-call, in order id order after {@code after}. */
    public List<Document> expiredLeases(Instant now, String after, int limit) {
        return page(new Document("state", State.SENDING.name())
                .append("leaseUntil", new Document("$lt", Date.from(now))), after, limit);
    }

    private List<Document> page(Document filter, String after, int limit) {
        if (after != null) {
            filter.append("_id", new Document("$gt", after));
        }
        return Flux.from(collection().find(filter).sort(new Document("_id", 1)).limit(limit)).collectList()
                .block(TIMEOUT);
    }

    /**
     * Attempts the sweeps should have moved on long ago: SENDING whose lease ended before {@code before}
     * (the stale-lease sweep hands them to requery), DEFERRED whose wait ended before it (the deferred sweep
     * sends them). Anything counted here is something the sweeps cannot move.
     */
    public long countOverdue(State state, Instant before) {
        String field = state == State.SENDING ? "leaseUntil" : "retryAt";
        // A find of the ids, not countDocuments: the store answers an aggregation (which countDocuments is) by
        // reading the whole collection; a find it answers from the {state, ...} index, as MongoDB does.
        return Flux.from(collection().find(new Document("state", state.name())
                        .append(field, new Document("$lt", Date.from(before)))).projection(new Document("_id", 1)))
                .count().block(TIMEOUT);
    }
}
