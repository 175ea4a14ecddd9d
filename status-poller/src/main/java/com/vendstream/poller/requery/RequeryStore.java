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
    public boolean create(Document schedule) {
        return Documents.insertIfAbsent(collection(), schedule, TIMEOUT);
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
        Document last = find(id).map(r -> r.doc().get(LAST_EMITTED, Document.class)).orElse(null);
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
                .map(Requery::new);
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
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))).block(TIMEOUT)).map(Requery::new);
    }

    /**
     * Applies the holder's result and gives the lease back, in one update. Empty when the lease was
     * lost (expired and taken by another instance) or the state moved: the result is then dropped.
     *
     * @param expected the state the holder saw when it claimed
     */
    public Optional<Requery> apply(String id, String token, State expected, Document set, Document push, Document inc) {
        Document filter = new Document("_id", id).append("leaseToken", token).append("state", expected.name());
        Document fields = new Document(set).append("leaseUntil", null).append("leaseToken", null);
        Document update = new Document("$set", fields);
        if (push != null && !push.isEmpty()) {
            update.append("$push", push);
        }
        if (inc != null && !inc.isEmpty()) {
            update.append("$inc", inc);
        }
        return Optional.ofNullable(Mono.from(collection().findOneAndUpdate(filter, update,
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))).block(TIMEOUT)).map(Requery::new);
    }

    /** Schedules still to be driven by whoever owns this source partition. */
    public List<Requery> scheduledFor(Owner owner) {
        return Flux.from(collection().find(new Document("sourceTopic", owner.source())
                        .append("sourcePartition", owner.partition())
                        .append("nextDueAt", new Document("$ne", null))))
                .map(Requery::new).collectList().block(TIMEOUT);
    }
}
