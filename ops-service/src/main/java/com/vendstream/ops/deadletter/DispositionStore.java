package com.vendstream.ops.deadletter;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import org.bson.Document;
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
        Document doc = new Document("_id", d.id()).append("topic", d.topic()).append("partition", d.partition())
                .append("offset", d.offset()).append("action", d.action().name()).append("by", d.by())
                .append("at", Date.from(d.at())).append("reason", d.reason());
        return collection().flatMap(c -> Mono.from(c.insertOne(doc))).thenReturn(d)
                .onErrorMap(e -> e instanceof MongoWriteException w
                        && w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY, e -> new AlreadyHandled(d.id()));
    }

    Mono<Disposition> find(String topic, int partition, long offset) {
        return collection().flatMap(c -> Mono.from(c.find(Filters.eq("_id", Disposition.id(topic, partition, offset)))
                .first())).map(DispositionStore::toDisposition);
    }

    /** Every disposition of these topics. */
    Flux<Disposition> of(Collection<String> topics) {
        return collection().flatMapMany(c -> Flux.from(c.find(Filters.in("topic", topics))))
                .map(DispositionStore::toDisposition);
    }

    private static Disposition toDisposition(Document d) {
        return new Disposition(d.getString("topic"), d.getInteger("partition"), ((Number) d.get("offset")).longValue(),
                Disposition.Action.valueOf(d.getString("action")), d.getString("by"), d.getDate("at").toInstant(),
                d.getString("reason"));
    }
}
