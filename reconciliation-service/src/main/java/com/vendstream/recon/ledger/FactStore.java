package com.vendstream.recon.ledger;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Per-order facts in MongoDB, one document per order holding every applied fact. The fact and its
 * event id are pushed in one conditional single-document update ("not yet applied"), so an event
 * is applied at most once however often it is redelivered, and the pushed facts are themselves the
 * record of applied event ids.
 */
public class FactStore {

    public static final String COLLECTION = "recon_orders";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public FactStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        MongoCollection<Document> c = collection();
        Mono.from(c.createIndex(Indexes.ascending("businessDay", "merchantId"))).block(TIMEOUT);
        Mono.from(c.createIndex(Indexes.ascending("facts.reference"), new IndexOptions().sparse(true))).block(TIMEOUT);
    }

    /** The outcome of applying one fact: where the order's facts live and whether this one was new. */
    public record Applied(String orderId, String merchantId, LocalDate businessDay, boolean isNew) {
    }

    private static Document filter(Fact fact) {
        return new Document("_id", fact.orderId()).append("facts.eventId", new Document("$ne", fact.eventId()));
    }

    private static Document update(Fact fact) {
        Document update = new Document("$push", new Document("facts", toDocument(fact)));
        Document scope = new Document("merchantId", fact.merchantId()).append("businessDay", fact.businessDay().toString());
        if (fact.kind() == FactKind.ACCEPTED) {
            // Every event of an order carries the order's business day; acceptance is the authority
            // if a producer ever disagreed, whatever arrived first.
            update.append("$set", scope);
        } else {
            update.append("$setOnInsert", scope);
        }
        return update;
    }

    /**
     * Applies a batch of facts (a polled batch of events) with the guarantee of {@link #apply} for each, in
     * two store round trips instead of one or more per fact: one unordered bulk write of the same
     * conditional upserts, then one read of the orders' scopes. Each upsert either lands (the fact is new)
     * or ends in a duplicate key, which is accepted only where the read shows that very event id stored
     * (a redelivery, or the same event twice in the batch); a duplicate key without it is a lost upsert
     * race and that fact goes through {@link #apply}. Unordered, so one duplicate does not stop the facts
     * after it. Any other error is thrown, and the caller applies the batch one by one to find which fact
     * (or whether the store) failed. Returns the outcomes in the facts' order once the write is acknowledged.
     */
    public List<Applied> applyAll(List<Fact> facts) {
        if (facts.isEmpty()) {
            return List.of();
        }
        List<UpdateOneModel<Document>> models = facts.stream()
                .map(f -> new UpdateOneModel<Document>(filter(f), update(f), new UpdateOptions().upsert(true)))
                .toList();
        Set<Integer> duplicates = new HashSet<>();
        try {
            Mono.from(collection().bulkWrite(models, new BulkWriteOptions().ordered(false))).block(TIMEOUT);
        } catch (MongoBulkWriteException e) {
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                duplicates.add(error.getIndex());
            }
            if (e.getWriteConcernError() != null) {
                // Written but not known to be durable: not acknowledged, so not applied as far as we know.
                throw e;
            }
        }
        Map<String, Document> stored = new HashMap<>();
        Flux.from(collection().find(new Document("_id", new Document("$in",
                        facts.stream().map(Fact::orderId).distinct().toList())))
                .projection(new Document("merchantId", 1).append("businessDay", 1).append("facts.eventId", 1)))
                .toIterable().forEach(d -> stored.put(d.getString("_id"), d));
        List<Applied> out = new ArrayList<>(facts.size());
        for (int i = 0; i < facts.size(); i++) {
            Fact fact = facts.get(i);
            Document order = stored.get(fact.orderId());
            boolean isNew = !duplicates.contains(i);
            if (order == null || (!isNew && !holds(order, fact.eventId()))) {
                out.add(apply(fact));
                continue;
            }
            out.add(new Applied(fact.orderId(), order.getString("merchantId"),
                    LocalDate.parse(order.getString("businessDay")), isNew));
        }
        return out;
    }

    private static boolean holds(Document order, String eventId) {
        return order.getList("facts", Document.class, List.of()).stream()
                .anyMatch(f -> eventId.equals(f.getString("eventId")));
    }

    public Applied apply(Fact fact) {
        Document filter = filter(fact);
        Document update = update(fact);
        // A lost upsert race (two first events of one order on different topics at once) also ends
        // in a duplicate key; only the stored event id proves this event was applied, so retry until
        // the update lands or the id is there.
        for (int attempt = 0; ; attempt++) {
            try {
                Document after = Mono.from(collection().findOneAndUpdate(filter, update,
                        new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER)
                                .projection(new Document("merchantId", 1).append("businessDay", 1)))).block(TIMEOUT);
                return new Applied(fact.orderId(), after.getString("merchantId"),
                        LocalDate.parse(after.getString("businessDay")), true);
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            } catch (com.mongodb.MongoCommandException e) {
                // findAndModify reports the duplicate key of a losing upsert as a command error.
                if (e.getErrorCode() != 11000) {
                    throw e;
                }
            }
            Document existing = Mono.from(collection().find(new Document("_id", fact.orderId()))
                    .projection(new Document("merchantId", 1).append("businessDay", 1)
                            .append("facts", new Document("$elemMatch", new Document("eventId", fact.eventId())))).first())
                    .block(TIMEOUT);
            if (existing != null && !existing.getList("facts", Document.class, List.of()).isEmpty()) {
                return new Applied(fact.orderId(), existing.getString("merchantId"),
                        LocalDate.parse(existing.getString("businessDay")), false);
            }
            if (attempt >= 5) {
                throw new IllegalStateException("Could not apply " + fact.kind() + " " + fact.eventId()
                        + " to order " + fact.orderId());
            }
        }
    }

    public Optional<OrderFacts> find(String orderId) {
        return Optional.ofNullable(Mono.from(collection().find(new Document("_id", orderId)).first()).block(TIMEOUT))
                .map(FactStore::toOrderFacts);
    }

    /** Orders of one business day, for one merchant or (merchant null) all of them. */
    public List<OrderFacts> ordersOf(LocalDate day, String merchantId) {
        Document filter = new Document("businessDay", day.toString());
        if (merchantId != null) {
            filter.append("merchantId", merchantId);
        }
        List<Document> docs = Flux.from(collection().find(filter)).collectList().block(TIMEOUT);
        List<OrderFacts> out = new ArrayList<>();
        docs.forEach(d -> out.add(toOrderFacts(d)));
        return out;
    }

    public TreeSet<String> merchantsOf(LocalDate day) {
        List<String> ids = Flux.from(collection().distinct("merchantId", new Document("businessDay", day.toString()),
                String.class)).collectList().block(TIMEOUT);
        return new TreeSet<>(ids);
    }

    /** Business days from {@code from} on that have facts, oldest first. */
    public TreeSet<LocalDate> days(LocalDate from) {
        List<String> days = Flux.from(collection().distinct("businessDay",
                new Document("businessDay", new Document("$gte", from.toString())), String.class)).collectList()
                .block(TIMEOUT);
        TreeSet<LocalDate> out = new TreeSet<>();
        days.forEach(d -> out.add(LocalDate.parse(d)));
        return out;
    }

    /** Whether any order of ours, on any day, used this reference at this provider. */
    public boolean referenceKnown(String provider, String reference) {
        return Mono.from(collection().countDocuments(new Document("facts", new Document("$elemMatch",
                new Document("provider", provider).append("reference", reference))))).block(TIMEOUT) > 0;
    }

    static Document toDocument(Fact f) {
        Document d = new Document("eventId", f.eventId()).append("kind", f.kind().name())
                .append("at", Date.from(f.at())).append("businessDay", f.businessDay().toString());
        put(d, "provider", f.provider());
        put(d, "reference", f.reference());
        put(d, "providerTransactionId", f.providerTransactionId());
        put(d, "amountMinor", f.amountMinor());
        put(d, "currency", f.currency());
        put(d, "providerCostMinor", f.providerCostMinor());
        put(d, "service", f.service());
        put(d, "billerId", f.billerId());
        put(d, "itemId", f.itemId());
        put(d, "paymentMethod", f.paymentMethod());
        put(d, "detail", f.detail());
        return d;
    }

    private static void put(Document d, String field, Object value) {
        if (value != null) {
            d.append(field, value);
        }
    }

    static OrderFacts toOrderFacts(Document d) {
        String orderId = d.getString("_id");
        String merchantId = d.getString("merchantId");
        List<Fact> facts = new ArrayList<>();
        for (Document f : d.getList("facts", Document.class, List.of())) {
            facts.add(new Fact(f.getString("eventId"), FactKind.valueOf(f.getString("kind")),
                    f.getDate("at").toInstant(), LocalDate.parse(f.getString("businessDay")), merchantId, orderId,
                    f.getString("provider"), f.getString("reference"), f.getString("providerTransactionId"),
                    longOrNull(f, "amountMinor"), f.getString("currency"), longOrNull(f, "providerCostMinor"),
                    f.getString("service"), f.getString("billerId"), f.getString("itemId"),
                    f.getString("paymentMethod"), f.getString("detail")));
        }
        return new OrderFacts(orderId, merchantId, LocalDate.parse(d.getString("businessDay")), facts);
    }

    private static Long longOrNull(Document d, String field) {
        Object v = d.get(field);
        return v == null ? null : ((Number) v).longValue();
    }
}
