package com.vendstream.poller.requery;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.kit.outbox.Outbox;
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
 * The durable schedule: one document per pending operation, holding where it is in its schedule,
 * who holds it right now (a lease with a unique token), its final answer and any contradicting
 * evidence, and the events it must still publish (outbox in the document). Every change is a
 * single-document compare-and-set; there are no multi-document transactions to rely on.
 */
public class RequeryStore {

    public static final String COLLECTION = "requeries";
    /**
     * The last event the schedule published (a resolution, or the escalation), kept after the relay removed
     * it from the outbox so that a repeated pending event can be answered with it ({@link #requeueLastEmitted}).
     */
    public static final String LAST_EMITTED = "lastEmitted";
    /** The newest requeries and the provider's replies ({@link Reply}). */
    static final String REPLIES = "replies";
    /** The operators' decision that settled the schedule, when one did ({@link Requery.ManualSettlement}). */
    static final String MANUAL = "manual";
    /** What vend-service reported for the vend while it was unresolved (evidence for a decision). */
    static final String REPORTED = "reportedOutcomes";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public RequeryStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        // Loading the schedules of a newly assigned partition.
        Mono.from(collection().createIndex(Indexes.ascending("sourceTopic", "sourcePartition", "nextDueAt")))
                .block(TIMEOUT);
        Mono.from(collection().createIndex(Indexes.ascending("orderId"))).block(TIMEOUT);
        Mono.from(collection().createIndex(Indexes.ascending("state", "provider"))).block(TIMEOUT);
    }

    /** Creates the schedule; false when it already exists (a redelivery or a second pending event). */
    public boolean create(Requery schedule, Instant createdAt) {
        return Documents.insertIfAbsent(collection(), document(schedule).append("createdAt", Date.from(createdAt)),
                TIMEOUT);
    }

    /** Records another pending event for an existing schedule; false when that event id was seen before. */
    public boolean addCause(String id, String eventId) {
        return Mono.from(collection().updateOne(
                        new Document("_id", id).append("causeEventIds", new Document("$ne", eventId)),
                        new Document("$addToSet", new Document("causeEventIds", eventId))))
                .block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * Queues the schedule's last published event again, the same event with the same id, unless it is still
     * waiting in the outbox; false when the schedule published nothing yet.
     */
    public boolean requeueLastEmitted(String id) {
        Document last = Optional.ofNullable(Mono.from(collection().find(new Document("_id", id)).first())
                .block(TIMEOUT)).map(d -> d.get(LAST_EMITTED, Document.class)).orElse(null);
        if (last == null) {
            return false;
        }
        return Mono.from(collection().updateOne(new Document("_id", id)
                        .append(Outbox.FIELD + ".eventId",
                                new Document("$ne", last.getString("eventId"))),
                new Document("$push", new Document(Outbox.FIELD, last))))
                .block(TIMEOUT).getModifiedCount() == 1;
    }

    public Optional<Requery> find(String id) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", id)).first()).block(TIMEOUT))
                .map(RequeryStore::requery);
    }

    /**
     * Takes the lease on a due schedule. Only one caller can hold an unexpired lease, whichever
     * instance it runs in; the token makes the holder's later write conditional on still holding it.
     */
    public Optional<Requery> claim(String id, Instant now, Duration tolerance, Instant leaseUntil, String token,
                                   String holder) {
        Document filter = new Document("_id", id)
                .append("nextDueAt", new Document("$lte", Date.from(now.plus(tolerance))))
                .append("$or", List.of(new Document("leaseUntil", null),
                        new Document("leaseUntil", new Document("$lt", Date.from(now)))));
        Document update = new Document("$set", new Document("leaseUntil", Date.from(leaseUntil))
                .append("leaseToken", token).append("leaseHolder", holder));
        return Optional.ofNullable(Mono.from(collection().findOneAndUpdate(filter, update,
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))).block(TIMEOUT))
                .map(RequeryStore::requery);
    }

    /**
     * Applies the holder's result and gives the lease back, in one update. Empty when the lease was
     * lost (expired and taken by another instance) or the state moved: the result is then dropped.
     *
     * @param expected the state the holder saw when it claimed
     */
    public Optional<Requery> apply(String id, String token, State expected, Change change) {
        Document filter = new Document("_id", id).append("leaseToken", token).append("state", expected.name());
        return change(filter, update(change, true));
    }

    /**
     * Settles an unresolved schedule by two operators' decision, whoever holds its lease: a compare-and-set on
     * the state it was seen in, so that of a decision and a final requery answer only one settles it, and on no
     * outcome reported by vend-service that says {@code against} (one stored since the read). A requery in flight
     * keeps its lease and finds the state moved when it writes (see {@link RequeryEngine}). Empty when the state
     * moved or such an outcome came.
     */
    public Optional<Requery> settle(String id, State expected, State against, Change change) {
        Document filter = new Document("_id", id).append("state", expected.name()).append(MANUAL, null)
                .append(REPORTED + ".outcome", new Document("$ne", against.name()));
        return change(filter, update(change, false));
    }

    /**
     * Keeps a final outcome vend-service reported for a schedule still unresolved, once per event; false when it
     * is there already or the schedule is settled (then it is a contradiction, {@link #contradicted}).
     */
    public boolean reported(String id, Requery.Evidence evidence, String eventId) {
        Document entry = evidence(evidence).append("source", "vend_outcome").append("eventId", eventId);
        return Mono.from(collection().updateOne(new Document("_id", id)
                                .append("state", new Document("$in", List.of(State.PENDING.name(),
                                        State.ESCALATED.name())))
                                .append(REPORTED + ".eventId", new Document("$ne", eventId)),
                        new Document("$push", new Document(REPORTED, entry))))
                .block(TIMEOUT).getModifiedCount() == 1;
    }

    /** Where a schedule stands, read without its cause, outbox, replies and evidence. */
    public Optional<Standing> standing(String id) {
        Document projection = new Document("orderId", 1).append("provider", 1).append("reference", 1)
                .append("amountMinor", 1).append("currency", 1).append("state", 1).append("attempts", 1)
                .append(MANUAL + ".decisionEventId", 1);
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", id)).projection(projection)
                        .first()).block(TIMEOUT))
                .map(d -> new Standing(d.getString("_id"), d.getString("orderId"), d.getString("provider"),
                        d.getString("reference"), d.get("amountMinor", Number.class).longValue(),
                        d.getString("currency"), State.valueOf(d.getString("state")), intValue(d, "attempts"),
                        d.get(MANUAL, Document.class) != null));
    }

    /**
     * A schedule's state and the vend it follows.
     *
     * @param manual whether two operators' decision settled it
     */
    public record Standing(String id, String orderId, String provider, String reference, long amountMinor,
                           String currency, State state, int attempts, boolean manual) {
    }

    /**
     * Keeps as evidence an answer or decision that contradicts the schedule's settlement, once per event
     * (a redelivered one is not added again); false when it is there already.
     *
     * @param source   what contradicts it: {@code requery}, {@code decision} or {@code vend_outcome}
     * @param eventId  the contradicting event's id
     */
    public boolean contradicted(String id, Requery.Evidence evidence, String source, String eventId) {
        Document entry = evidence(evidence).append("source", source).append("eventId", eventId);
        return Mono.from(collection().updateOne(
                        new Document("_id", id).append("contradictions.eventId", new Document("$ne", eventId)),
                        new Document("$push", new Document("contradictions", entry))))
                .block(TIMEOUT).getModifiedCount() == 1;
    }

    private Optional<Requery> change(Document filter, Document update) {
        return Optional.ofNullable(Mono.from(collection().findOneAndUpdate(filter, update,
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))).block(TIMEOUT))
                .map(RequeryStore::requery);
    }

    /** The update a change makes; {@code releaseLease}: the lease holder gives its lease back with it. */
    private static Document update(Change change, boolean releaseLease) {
        Document set = new Document();
        if (!change.keepsNextDue) {
            set.append("nextDueAt", date(change.nextDueAt));
        }
        if (releaseLease) {
            set.append("leaseUntil", null).append("leaseToken", null);
        }
        if (change.requeried) {
            set.append("attempts", change.attempts).append("lastCode", change.lastCode)
                    .append("lastRequeryAt", date(change.lastRequeryAt));
        }
        if (change.state != null) {
            set.append("state", change.state.name());
        }
        if (change.escalatedAt != null) {
            set.append("escalatedAt", date(change.escalatedAt)).append("escalationReason", change.escalationReason);
        }
        if (change.throttles != null) {
            set.append("throttles", change.throttles);
        }
        if (change.resolution != null) {
            set.append("resolution", evidence(change.resolution)
                    .append("afterEscalation", change.resolution.afterEscalation()));
        }
        if (change.manual != null) {
            set.append(MANUAL, manual(change.manual));
        }
        if (change.confirmationsLeft != null) {
            set.append("confirmationsLeft", change.confirmationsLeft);
        }
        if (change.lastEmitted != null) {
            set.append(LAST_EMITTED, Outbox.entry(change.lastEmitted));
        }
        if (change.requeriesStoppedAt != null) {
            set.append("requeriesStoppedAt", date(change.requeriesStoppedAt));
        }
        Document update = new Document();
        if (!set.isEmpty()) {
            update.append("$set", set);
        }
        Document push = new Document();
        if (!change.publish.isEmpty()) {
            push.append(Outbox.FIELD, new Document("$each", change.publish.stream().map(Outbox::entry).toList()));
        }
        if (change.contradiction != null) {
            push.append("contradictions", evidence(change.contradiction).append("source", "requery"));
        }
        if (change.reply != null) {
            // Bounded: a vend requeried for days after escalation keeps only its newest replies.
            push.append(REPLIES, new Document("$each", List.of(reply(change.reply))).append("$slice", -Reply.KEPT));
        }
        if (!push.isEmpty()) {
            update.append("$push", push);
        }
        if (change.countAttempt) {
            update.append("$inc", new Document("attempts", 1));
        }
        return update;
    }

    /** Schedules still to be driven by whoever owns this source partition. */
    public List<Requery> scheduledFor(Owner owner) {
        return Flux.from(collection().find(new Document("sourceTopic", owner.source())
                        .append("sourcePartition", owner.partition())
                        .append("nextDueAt", new Document("$ne", null))))
                .map(RequeryStore::requery).collectList().block(TIMEOUT);
    }

    private static Document document(Requery r) {
        return new Document("_id", r.id())
                .append("kind", r.kind().name())
                .append("orderId", r.orderId())
                .append("provider", r.provider())
                .append("reference", r.reference())
                .append("providerTransactionId", r.providerTransactionId())
                .append("service", r.service())
                .append("billerId", r.billerId())
                .append("itemId", r.itemId())
                .append("sessionId", r.sessionId())
                .append("amountMinor", r.amountMinor())
                .append("currency", r.currency())
                .append("state", r.state().name())
                .append("firstPendingAt", date(r.firstPendingAt()))
                .append("deadlineAt", date(r.deadlineAt()))
                .append("attempts", r.attempts())
                .append("throttles", r.throttles())
                .append("nextDueAt", date(r.nextDueAt()))
                .append("lastCode", r.lastCode())
                .append("leaseUntil", date(r.leaseUntil()))
                .append("sourceTopic", r.owner().source())
                .append("sourcePartition", r.owner().partition())
                .append("causeEventIds", r.causeEventIds())
                .append("causeType", r.causeType())
                .append("cause", new Binary(r.causePayload()))
                .append("contradictions", r.contradictions().stream().map(RequeryStore::evidence).toList())
                .append(Outbox.FIELD, r.outbox().stream().map(Outbox::entry).toList());
    }

    static Requery requery(Document d) {
        Document resolution = d.get("resolution", Document.class);
        return new Requery(d.getString("_id"), Kind.valueOf(d.getString("kind")), d.getString("orderId"),
                d.getString("provider"), d.getString("reference"), d.getString("providerTransactionId"),
                d.getString("service"), d.getString("billerId"), d.getString("itemId"), d.getString("sessionId"),
                d.get("amountMinor", Number.class).longValue(), d.getString("currency"),
                State.valueOf(d.getString("state")), instant(d, "firstPendingAt"), instant(d, "deadlineAt"),
                instant(d, "nextDueAt"), instant(d, "leaseUntil"), intValue(d, "attempts"), intValue(d, "throttles"),
                intValue(d, "confirmationsLeft"), d.getString("lastCode"),
                new Owner(d.getString("sourceTopic"), intValue(d, "sourcePartition")),
                d.getList("causeEventIds", String.class, List.of()), d.getString("causeType"),
                d.get("cause", Binary.class).getData(), resolution == null ? null : evidence(resolution),
                d.getList("contradictions", Document.class, List.of()).stream().map(RequeryStore::evidence).toList(),
                instant(d, "escalatedAt"), d.getString("escalationReason"), instant(d, "requeriesStoppedAt"),
                d.getList(Outbox.FIELD, Document.class, List.of()).stream().map(Outbox::read).toList(),
                d.getList(REPLIES, Document.class, List.of()).stream().map(RequeryStore::reply).toList(),
                manual(d.get(MANUAL, Document.class)),
                d.getList(REPORTED, Document.class, List.of()).stream().map(RequeryStore::evidence).toList());
    }

    private static Document reply(Reply r) {
        return new Document("at", date(r.at())).append("providerCode", r.providerCode())
                .append("decision", r.decision()).append("detail", r.detail());
    }

    private static Reply reply(Document d) {
        return new Reply(instant(d, "at"), d.getString("providerCode"), d.getString("decision"),
                d.getString("detail"));
    }

    private static Document manual(Requery.ManualSettlement m) {
        return new Document("decisionEventId", m.decisionEventId()).append("outcome", m.outcome().name())
                .append("proposedBy", m.proposedBy()).append("approvedBy", m.approvedBy())
                .append("approvedAt", date(m.approvedAt())).append("at", date(m.at()));
    }

    private static Requery.ManualSettlement manual(Document d) {
        return d == null ? null : new Requery.ManualSettlement(d.getString("decisionEventId"),
                State.valueOf(d.getString("outcome")), d.getString("proposedBy"), d.getString("approvedBy"),
                instant(d, "approvedAt"), instant(d, "at"));
    }

    private static Document evidence(Requery.Evidence e) {
        return new Document("outcome", e.outcome().name()).append("code", e.code()).append("message", e.message())
                .append("at", date(e.at())).append("attempt", e.attempt());
    }

    private static Requery.Evidence evidence(Document d) {
        return new Requery.Evidence(State.valueOf(d.getString("outcome")), d.getString("code"), d.getString("message"),
                instant(d, "at"), intValue(d, "attempt"), Boolean.TRUE.equals(d.getBoolean("afterEscalation")));
    }

    private static Date date(Instant at) {
        return at == null ? null : Date.from(at);
    }

    private static Instant instant(Document d, String field) {
        Date at = d.getDate(field);
        return at == null ? null : at.toInstant();
    }

    private static int intValue(Document d, String field) {
        Number n = d.get(field, Number.class);
        return n == null ? 0 : n.intValue();
    }
}
