package com.vendstream.ops.deadletter;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Dispositions in {@code ops_dead_letters}, one document per record, its id {@code <dlq>/<partition>/<offset>}:
 * the store, not this service's memory, knows what was handled, so it survives restarts and holds for every
 * instance, and a second disposition of the same record is refused by the id's uniqueness.
 */
class DispositionStore {

    static final String COLLECTION = "ops_dead_letters";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The record already has a disposition. */
    static final class AlreadyHandled extends RuntimeException {
        AlreadyHandled(String id) {
            super(id + " has already been handled");
        }
    }

    private final ReactiveMongoTemplate mongo;

    DispositionStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private Mono<MongoCollection<Document>> collection() {
        return mongo.getCollection(COLLECTION);
    }

    /** A topic's dispositions are read together (listing, counts). Waits (stores own their I/O); called once at start. */
    void ensureIndexes() {
        collection().flatMap(c -> Mono.from(c.createIndex(Indexes.ascending("topic", "partition", "offset"))))
                .block(TIMEOUT);
    }

    /** Stores it; {@link AlreadyHandled} when the record has one already. */
    Mono<Disposition> record(Disposition d) {
        return collection().flatMap(c -> Mono.from(c.insertOne(document(d)))).thenReturn(d)
                .onErrorMap(DispositionStore::duplicate, e -> new AlreadyHandled(d.id()));
    }

    /**
     * Claims the record for a re-drive ({@code REDRIVING}): stored, or taking over a claim made before
     * {@code staleBefore} (its re-drive crashed between claim and ack); {@link AlreadyHandled} otherwise. Exclusive:
     * the insert through the unique id, the take-over through a filter on the old claim's time.
     */
    Mono<Disposition> claim(Disposition claim, Instant staleBefore) {
        return record(claim).onErrorResume(AlreadyHandled.class, handled -> collection()
                .flatMap(c -> Mono.from(c.updateOne(Filters.and(Filters.eq("_id", claim.id()),
                                Filters.eq("action", Disposition.Action.REDRIVING.name()),
                                Filters.lt("at", Date.from(staleBefore))),
                        Updates.combine(Updates.set("by", claim.by()), Updates.set("at", Date.from(claim.at()))))))
                .flatMap(r -> r.getModifiedCount() == 1 ? Mono.just(claim) : Mono.error(handled)));
    }

    /** The claimed record was re-driven (the broker acknowledged it). */
    Mono<Disposition> redriven(Disposition claim, Instant at) {
        Disposition done = new Disposition(claim.topic(), claim.partition(), claim.offset(),
                Disposition.Action.REDRIVEN, claim.by(), at, null);
        return collection().flatMap(c -> Mono.from(c.updateOne(Filters.eq("_id", claim.id()), Updates.combine(
                Updates.set("action", done.action().name()), Updates.set("by", done.by()),
                Updates.set("at", Date.from(at)))))).thenReturn(done);
    }

    /** Drops this claim (its send failed), so the record waits to be re-driven again. */
    Mono<Void> release(Disposition claim) {
        return collection().flatMap(c -> Mono.from(c.deleteOne(Filters.and(Filters.eq("_id", claim.id()),
                Filters.eq("action", Disposition.Action.REDRIVING.name()), Filters.eq("at", Date.from(claim.at()))))))
                .then();
    }

    private static Document document(Disposition d) {
        return new Document("_id", d.id()).append("topic", d.topic()).append("partition", d.partition())
                .append("offset", d.offset()).append("action", d.action().name()).append("by", d.by())
                .append("at", Date.from(d.at())).append("reason", d.reason());
    }

    private static boolean duplicate(Throwable e) {
        return e instanceof MongoWriteException w && w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
    }

    Mono<Disposition> find(String topic, int partition, long offset) {
        return collection().flatMap(c -> Mono.from(c.find(Filters.eq("_id", Disposition.id(topic, partition, offset)))
                .first())).map(DispositionStore::toDisposition);
    }

    /**
     * The dispositions of the records a topic still holds (within its partitions' ranges): those of records the
     * broker deleted by retention are not read again on every request.
     */
    Flux<Disposition> held(String topic, List<DeadLetterLog.Range> ranges) {
        if (ranges.isEmpty()) {
            return Flux.empty();
        }
        Bson held = Filters.or(ranges.stream().map(r -> Filters.and(Filters.eq("partition", r.partition()),
                Filters.gte("offset", r.start()), Filters.lt("offset", r.end()))).toList());
        return collection().flatMapMany(c -> Flux.from(c.find(Filters.and(Filters.eq("topic", topic), held))))
                .map(DispositionStore::toDisposition);
    }

    private static Disposition toDisposition(Document d) {
        return new Disposition(d.getString("topic"), d.getInteger("partition"), ((Number) d.get("offset")).longValue(),
                Disposition.Action.valueOf(d.getString("action")), d.getString("by"), d.getDate("at").toInstant(),
                d.getString("reason"));
    }
}
