package com.vendstream.ops.audit;

import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.OpsAction;
import com.vendstream.kit.outbox.Outbox;
import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The audit trail, one document per entry, each written with its OpsAudit event in the document's outbox in one
 * insert: an entry the API lists is an entry the topic gets, and the other way round (MongoDB is atomic per
 * document). The outbox relay publishes the event and removes it from the document; the entry stays.
 */
public class AuditStore {

    public static final String COLLECTION = "ops_audit";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public AuditStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private Mono<MongoCollection<Document>> collection() {
        return mongo.getCollection(COLLECTION);
    }

    /** The listing's order: newest first. Waits (stores own their I/O); called once at start. */
    public void ensureIndexes() {
        collection().flatMap(c -> Mono.from(c.createIndex(Indexes.descending("occurredAt", "_id")))).block(TIMEOUT);
    }

    /** Stores the entry and its event, in one write. */
    public Mono<Void> append(AuditEntry entry) {
        Document doc = new Document("_id", entry.eventId()).append("occurredAt", Date.from(entry.occurredAt()))
                .append("action", entry.action().name()).append("actor", entry.actor())
                .append("actorRoles", entry.actorRoles()).append("subject", entry.subject())
                .append("reason", entry.reason()).append("clientAddress", entry.clientAddress())
                // Pairs, not a sub-document: detail keys are ours today, but a dot in one would be refused.
                .append("details", entry.details().entrySet().stream()
                        .map(d -> new Document("k", d.getKey()).append("v", d.getValue())).toList())
                .append("concerning", entry.concerning() == null ? null
                        : new Document("orderId", entry.concerning().orderId())
                                .append("merchantId", entry.concerning().merchantId())
                                .append("correlationId", entry.concerning().correlationId()))
                .append(Outbox.FIELD, List.of(Outbox.entry(AuditEvents.BINDING, AuditEvents.key(entry),
                        entry.eventId(), AuditEvents.event(entry))));
        return collection().flatMap(c -> Mono.from(c.insertOne(doc))).then();
    }

    /** The newest {@code limit} entries, newest first. */
    public Flux<AuditEntry> recent(int limit) {
        return collection().flatMapMany(c -> Flux.from(c.find().projection(new Document(Outbox.FIELD, 0))
                .sort(new Document("occurredAt", -1).append("_id", -1)).limit(limit))).map(AuditStore::toEntry);
    }

    private static AuditEntry toEntry(Document d) {
        Map<String, String> details = new LinkedHashMap<>();
        for (Document pair : d.getList("details", Document.class, List.of())) {
            details.put(pair.getString("k"), pair.getString("v"));
        }
        return new AuditEntry(d.getString("_id"), d.getDate("occurredAt").toInstant(),
                OpsAction.valueOf(d.getString("action")), d.getString("actor"),
                d.getList("actorRoles", String.class, List.of()), d.getString("subject"), d.getString("reason"),
                d.getString("clientAddress"), details, concerning(d.get("concerning", Document.class)));
    }

    private static AuditEntry.Concerning concerning(Document d) {
        return d == null ? null : new AuditEntry.Concerning(d.getString("orderId"), d.getString("merchantId"),
                d.getString("correlationId"));
    }
}
