package com.vendstream.vend.attempt;

import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.events.VendRequested;
import com.vendstream.kit.events.EventCodec;
import com.vendstream.kit.outbox.Outbox;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.vend.attempt.VendAttempt.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.types.Binary;
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

    /**
     * Claims the order's one vend, SENDING to {@code provider} under {@code reference} with a lease; false
     * when an attempt already exists.
     */
    public boolean claim(VendRequested request, String provider, String reference, Instant now, Instant leaseUntil) {
        return Documents.insertIfAbsent(collection(), claimed(request, State.SENDING, provider, reference, now)
                .append("leaseUntil", Date.from(leaseUntil)).append(Outbox.FIELD, List.of()), TIMEOUT);
    }

    /**
     * Claims the order's one vend as FAILED before any provider was chosen, with its outcome event; false
     * when an attempt already exists.
     */
    public boolean claimFailed(VendRequested request, String provider, String reference, Instant now,
                               OutboxEntry outcome) {
        Document failed = Outbox.entry(outcome);
        return Documents.insertIfAbsent(collection(), claimed(request, State.FAILED, provider, reference, now)
                .append("settledAt", Date.from(now)).append(OUTCOME, failed).append(Outbox.FIELD, List.of(failed)),
                TIMEOUT);
    }

    private static Document claimed(VendRequested request, State state, String provider, String reference,
                                    Instant now) {
        return new Document("_id", request.getEnvelope().getOrderId()).append("state", state.name())
                .append("provider", provider).append("reference", reference)
                .append("request", new Binary(EventCodec.encode(request))).append("createdAt", Date.from(now))
                .append("previous", List.of());
    }

    public Optional<VendAttempt> find(String orderId) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", orderId)).first()).block(TIMEOUT))
                .map(VendAttemptStore::attempt);
    }

    /**
     * Settles a SENDING attempt for the given reference with the provider's outcome and its event. Only the
     * holder of the reference can settle it, and only once; false means someone else (the stale-lease sweep)
     * settled it first.
     *
     * @param providerTransactionId the provider's id for the transaction, written unless the vend failed
     */
    public boolean settle(String orderId, String reference, State to, String outcomeCode, String providerTransactionId,
                          OutboxEntry outcome) {
        Document fields = new Document("outcomeCode", outcomeCode);
        if (to != State.FAILED) {
            fields.append("providerTransactionId", providerTransactionId);
        }
        return settle(orderId, reference, to, fields, outcome);
    }

    /**
     * Settles a SENDING attempt whose lease ran out as PENDING (its sender may have died mid-call), with the
     * pending event that hands it to requery; false when it was settled first.
     */
    public boolean expire(String orderId, String reference, OutboxEntry pending) {
        return settle(orderId, reference, State.PENDING, new Document("expiredLease", true), pending);
    }

    private boolean settle(String orderId, String reference, State to, Document fields, OutboxEntry outcome) {
        Document filter = new Document("_id", orderId).append("state", State.SENDING.name())
                .append("reference", reference);
        Document event = Outbox.entry(outcome);
        Document update = new Document("$set", new Document(fields).append("state", to.name())
                .append("settledAt", new Date()).append(OUTCOME, event))
                .append("$push", Outbox.push(List.of(event)));
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Queues a settled attempt's outcome event again, the same event with the same id, unless it is still
     * waiting in the outbox. Returns false for an attempt that is not settled (its sweeps drive it), has no
     * outcome kept (settled before outcomes were kept), or whose outcome is waiting to be published anyway.
     */
    public boolean requeueOutcome(String orderId) {
        Document attempt = Mono.from(collection().find(new Document("_id", orderId)).first()).block(TIMEOUT);
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
                            Instant leaseUntil, VendAttempt.Tried previous) {
        Document filter = new Document("_id", orderId).append("state", State.SENDING.name())
                .append("reference", fromReference);
        Document update = new Document("$set", new Document("provider", provider).append("reference", reference)
                .append("leaseUntil", Date.from(leaseUntil)))
                .append("$push", new Document("previous", tried(previous)));
        return Mono.from(collection().updateOne(filter, update)).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Parks a SENDING attempt that was not sent until {@code retryAt}. Its lease goes, so the stale-lease
     * sweep (which would hand it to requery as pending) leaves it alone; the refused reference is kept
     * in the attempt's history.
     */
    /** @param counted whether this deferral counts toward the attempt's {@code deferrals} */
    public boolean defer(String orderId, String reference, Instant retryAt, boolean counted,
                         VendAttempt.Tried previous) {
        Document filter = new Document("_id", orderId).append("state", State.SENDING.name())
                .append("reference", reference);
        Document update = new Document("$set", new Document("state", State.DEFERRED.name())
                .append("retryAt", Date.from(retryAt)))
                .append("$unset", new Document("leaseUntil", ""))
                .append("$inc", new Document("deferrals", counted ? 1 : 0))
                .append("$push", new Document("previous", tried(previous)));
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
    public List<VendAttempt> dueDeferred(Instant now, String after, int limit) {
        return page(new Document("state", State.DEFERRED.name())
                .append("retryAt", new Document("$lte", Date.from(now))), after, limit);
    }

    /** One page of the attempts whose sender may have died mid-call, in order id order after {@code after}. */
    public List<VendAttempt> expiredLeases(Instant now, String after, int limit) {
        return page(new Document("state", State.SENDING.name())
                .append("leaseUntil", new Document("$lt", Date.from(now))), after, limit);
    }

    private List<VendAttempt> page(Document filter, String after, int limit) {
        if (after != null) {
            filter.append("_id", new Document("$gt", after));
        }
        return Flux.from(collection().find(filter).sort(new Document("_id", 1)).limit(limit))
                .map(VendAttemptStore::attempt).collectList().block(TIMEOUT);
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

    private static VendAttempt attempt(Document d) {
        Integer deferrals = d.getInteger("deferrals");
        return new VendAttempt(d.getString("_id"), State.valueOf(d.getString("state")), d.getString("provider"),
                d.getString("reference"), d.get("request", Binary.class).getData(),
                d.getDate("createdAt") == null ? null : d.getDate("createdAt").toInstant(),
                deferrals == null ? 0 : deferrals,
                d.getList("previous", Document.class, List.of()).stream().map(p -> new VendAttempt.Tried(
                        p.getString("provider"), p.getString("reference"), p.getString("why"),
                        p.getDate("at") == null ? null : p.getDate("at").toInstant())).toList());
    }

    private static Document tried(VendAttempt.Tried t) {
        return new Document("provider", t.provider()).append("reference", t.reference()).append("why", t.why())
                .append("at", Date.from(t.at()));
    }
}
