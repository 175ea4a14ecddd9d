package com.vendstream.recon.ledger;

import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.kit.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The latest version of each ledger, one document per ledger key. A new version and its DailyLedger
 * event are one compare-and-set on the version (outbox in the document), so concurrent recomputes of
 * the same ledger cannot skip or duplicate a version, and unchanged figures publish nothing.
 */
public class LedgerStore {

    public static final String COLLECTION = "recon_ledgers";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public LedgerStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        Mono.from(collection().createIndex(Indexes.ascending("businessDay", "merchantId"))).block(TIMEOUT);
    }

    /** Empty when the stored figures already are these (nothing to publish); else the new version. */
    public Optional<Ledger> publish(LedgerKey key, LedgerFigures figures, Instant now) {
        while (true) {
            Document current = Mono.from(collection().find(new Document("_id", key.id())).first()).block(TIMEOUT);
            if (current == null) {
                Ledger ledger = new Ledger(key, 1, figures, now);
                Document doc = toDocument(ledger).append(Outbox.FIELD, List.of(outboxEntry(ledger)));
                if (Documents.insertIfAbsent(collection(), doc, TIMEOUT)) {
                    return Optional.of(ledger);
                }
                continue;
            }
            Ledger existing = toLedger(current);
            if (existing.figures().equals(figures)) {
                return Optional.empty();
            }
            Ledger next = new Ledger(key, existing.version() + 1, figures, now);
            Document set = toDocument(next);
            set.remove("_id");
            long matched = Mono.from(collection().updateOne(
                    new Document("_id", key.id()).append("version", existing.version()),
                    new Document("$set", set).append("$push", Outbox.push(List.of(outboxEntry(next)))))).block(TIMEOUT)
                    .getMatchedCount();
            if (matched == 1) {
                return Optional.of(next);
            }
            // Another recompute published a version first; compare against it.
        }
    }

    private static Document outboxEntry(Ledger ledger) {
        var event = LedgerEvents.dailyLedger(ledger);
        return Outbox.entry(LedgerEvents.BINDING, ledger.key().id(), event.getEnvelope().getEventId(), event);
    }

    public List<Ledger> ledgersOf(LocalDate day, String merchantId) {
        Document filter = new Document("businessDay", day.toString());
        if (merchantId != null) {
            filter.append("merchantId", merchantId);
        }
        List<Document> docs = Flux.from(collection().find(filter).projection(new Document(Outbox.FIELD, 0)))
                .collectList().block(TIMEOUT);
        List<Ledger> out = new ArrayList<>();
        docs.forEach(d -> out.add(toLedger(d)));
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    public TreeSet<String> merchantsOf(LocalDate day) {
        return new TreeSet<>(Flux.from(collection().distinct("merchantId",
                new Document("businessDay", day.toString()), String.class)).collectList().block(TIMEOUT));
    }

    static Document toDocument(Ledger l) {
        LedgerKey k = l.key();
        LedgerFigures f = l.figures();
        return new Document("_id", k.id()).append("merchantId", k.merchantId())
                .append("businessDay", k.businessDay().toString()).append("provider", k.provider())
                .append("service", k.service()).append("currency", k.currency()).append("version", l.version())
                .append("ordersAccepted", f.ordersAccepted()).append("ordersVended", f.ordersVended())
                .append("ordersFailed", f.ordersFailed()).append("ordersRefunded", f.ordersRefunded())
                .append("ordersUnresolved", f.ordersUnresolved())
                .append("ordersPendingAtCutoff", f.ordersPendingAtCutoff())
                .append("grossValueMinor", f.grossValueMinor()).append("providerCostMinor", f.providerCostMinor())
                .append("commissionMinor", f.commissionMinor()).append("debitsMinor", f.debitsMinor())
                .append("keptMinor", f.keptMinor()).append("refundsMinor", f.refundsMinor())
                .append("heldMinor", f.heldMinor()).append("balanced", f.balanced())
                .append("closedAt", Date.from(l.closedAt()));
    }

    static Ledger toLedger(Document d) {
        LedgerKey key = new LedgerKey(d.getString("merchantId"), LocalDate.parse(d.getString("businessDay")),
                d.getString("provider"), d.getString("service"), d.getString("currency"));
        LedgerFigures f = new LedgerFigures(l(d, "ordersAccepted"), l(d, "ordersVended"), l(d, "ordersFailed"),
                l(d, "ordersRefunded"), l(d, "ordersUnresolved"), l(d, "ordersPendingAtCutoff"),
                l(d, "grossValueMinor"), l(d, "providerCostMinor"), l(d, "commissionMinor"), l(d, "debitsMinor"),
                l(d, "keptMinor"), l(d, "refundsMinor"), l(d, "heldMinor"));
        return new Ledger(key, ((Number) d.get("version")).intValue(), f, d.getDate("closedAt").toInstant());
    }

    private static long l(Document d, String field) {
        return ((Number) d.get(field)).longValue();
    }
}
