package com.vendstream.recon.discrepancy;

import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.DiscrepancyKind;
import com.vendstream.events.DiscrepancyResolution;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.events.ReconDiscrepancy;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.kit.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Discrepancies, one document each under their stable id. Each change of content or status is a
 * compare-and-set on the revision that also appends its ReconDiscrepancy event to the document's
 * outbox; finding the same discrepancy again changes nothing and publishes nothing.
 */
public class DiscrepancyStore {

    public static final String COLLECTION = "recon_discrepancies";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public DiscrepancyStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> collection() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(COLLECTION)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        Mono.from(collection().createIndex(Indexes.ascending("businessDay", "source", "status"))).block(TIMEOUT);
    }

    /**
     * Makes the stored discrepancies of one source and day what the source found now: new ones open,
     * changed ones are updated, and open ones it no longer finds are resolved (the provider settled,
     * a late event arrived) unless their reference is among {@code unanswered}: a source that gave no
     * answer about a reference this time proves nothing about it. Returns the ids that changed.
     */
    public List<String> sync(LocalDate day, String source, Collection<Discrepancy> found, Set<String> unanswered,
                             Instant now) {
        List<String> changed = new ArrayList<>();
        Set<String> foundIds = found.stream().map(Discrepancy::discrepancyId).collect(Collectors.toSet());
        for (Discrepancy d : found) {
            if (save(d, now)) {
                changed.add(d.discrepancyId());
            }
        }
        // Acknowledged ones too: finance taking one up does not keep it from resolving itself.
        for (Discrepancy open : unresolved(day, source)) {
            boolean noAnswer = open.providerReference() != null && unanswered.contains(open.providerReference());
            if (!foundIds.contains(open.discrepancyId()) && !noAnswer
                    && save(open.withStatus(DiscrepancyStatus.RESOLVED), now)) {
                changed.add(open.discrepancyId());
            }
        }
        return changed;
    }

    /**
     * Stores this state of the discrepancy as its source found it, keeping what finance did about the stored one
     * ({@link Discrepancy#foundAgain}); false when it already was exactly that.
     */
    boolean save(Discrepancy found, Instant now) {
        while (true) {
            Document current = Mono.from(collection().find(new Document("_id", found.discrepancyId())).first())
                    .block(TIMEOUT);
            if (current == null) {
                Document doc = toDocument(found).append("revision", 1).append("firstSeenAt", Date.from(now))
                        .append("updatedAt", Date.from(now)).append(Outbox.FIELD, List.of(entry(found, 1, now)));
                if (Documents.insertIfAbsent(collection(), doc, TIMEOUT)) {
                    return true;
                }
                continue;
            }
            Discrepancy stored = toDiscrepancy(current);
            Discrepancy d = found.foundAgain(stored);
            if (stored.equals(d)) {
                return false;
            }
            if (compareAndSet(current.getInteger("revision"), d, now)) {
                return true;
            }
        }
    }

    /** The discrepancy after a change, and whether the change stored anything (false: it was already so). */
    public record Changed(Discrepancy discrepancy, boolean stored) {
    }

    /**
     * Applies a change to the stored discrepancy by compare-and-set on its revision (retried on a concurrent
     * change, which the change sees), with its event in the outbox in the same write. A change that gives the
     * same discrepancy stores and publishes nothing. Empty when there is no such discrepancy; the change's
     * exceptions (a state it refuses) pass through.
     */
    public Optional<Changed> change(String discrepancyId, UnaryOperator<Discrepancy> change, Instant now) {
        while (true) {
            Document current = Mono.from(collection().find(new Document("_id", discrepancyId)).first())
                    .block(TIMEOUT);
            if (current == null) {
                return Optional.empty();
            }
            Discrepancy stored = toDiscrepancy(current);
            Discrepancy next = change.apply(stored);
            if (next.equals(stored)) {
                return Optional.of(new Changed(stored, false));
            }
            if (compareAndSet(current.getInteger("revision"), next, now)) {
                return Optional.of(new Changed(next, true));
            }
        }
    }

    private boolean compareAndSet(int revision, Discrepancy d, Instant now) {
        Document set = toDocument(d).append("revision", revision + 1).append("updatedAt", Date.from(now));
        set.remove("_id");
        long matched = Mono.from(collection().updateOne(
                new Document("_id", d.discrepancyId()).append("revision", revision),
                new Document("$set", set).append("$push", Outbox.push(List.of(entry(d, revision + 1, now))))))
                .block(TIMEOUT).getMatchedCount();
        return matched == 1;
    }

    private static Document entry(Discrepancy d, int revision, Instant now) {
        ReconDiscrepancy event = DiscrepancyEvents.event(d, revision, now);
        return Outbox.entry(DiscrepancyEvents.BINDING, d.discrepancyId(), event.getEnvelope().getEventId(), event);
    }

    /** Discrepancies of a day, optionally of one status and one source (nulls mean any). */
    public List<Discrepancy> list(LocalDate day, DiscrepancyStatus status, String source) {
        return list(day, status, source, null);
    }

    /** Discrepancies of a day, optionally of one status, one source and one provider (nulls mean any). */
    public List<Discrepancy> list(LocalDate day, DiscrepancyStatus status, String source, String provider) {
        return list(day, status, source, provider, null);
    }

    /** As {@link #list(LocalDate, DiscrepancyStatus, String, String)}, optionally of one merchant too. */
    public List<Discrepancy> list(LocalDate day, DiscrepancyStatus status, String source, String provider,
                                  String merchantId) {
        Document filter = new Document("businessDay", day.toString());
        if (status != null) {
            filter.append("status", status.name());
        }
        if (provider != null) {
            filter.append("provider", provider);
        }
        if (merchantId != null) {
            filter.append("merchantId", merchantId);
        }
        return find(filter, source);
    }

    /** Those of a day and source that are not resolved: open or acknowledged. */
    private List<Discrepancy> unresolved(LocalDate day, String source) {
        return find(new Document("businessDay", day.toString()).append("status", new Document("$in",
                List.of(DiscrepancyStatus.OPEN.name(), DiscrepancyStatus.ACKNOWLEDGED.name()))), source);
    }

    private List<Discrepancy> find(Document filter, String source) {
        if (source != null) {
            filter.append("source", source);
        }
        List<Document> docs = Flux.from(collection().find(filter).projection(new Document(Outbox.FIELD, 0))
                .sort(new Document("kind", 1).append("_id", 1))).collectList().block(TIMEOUT);
        List<Discrepancy> out = new ArrayList<>();
        docs.forEach(d -> out.add(toDiscrepancy(d)));
        return out;
    }

    static Document toDocument(Discrepancy d) {
        Document doc = new Document("_id", d.discrepancyId()).append("businessDay", d.businessDay().toString())
                .append("kind", d.kind().name()).append("provider", d.provider())
                .append("providerReference", d.providerReference()).append("orderId", d.orderId())
                .append("merchantId", d.merchantId()).append("ourAmountMinor", d.ourAmountMinor())
                .append("providerAmountMinor", d.providerAmountMinor()).append("currency", d.currency())
                .append("suggestedAction", d.suggestedAction()).append("source", d.source())
                .append("status", d.status().name());
        Discrepancy.Handling h = d.handling();
        doc.append("acknowledgedBy", h.acknowledgedBy()).append("acknowledgedAt", date(h.acknowledgedAt()))
                .append("acknowledgeNote", h.acknowledgeNote())
                .append("resolution", h.resolution() == null ? null : h.resolution().name())
                .append("resolvedBy", h.resolvedBy()).append("resolvedAt", date(h.resolvedAt()))
                .append("resolutionNote", h.resolutionNote());
        // Evidence as a list of pairs: its keys contain dots, which MongoDB field names may not.
        List<Document> evidence = new ArrayList<>();
        d.evidence().forEach((k, v) -> evidence.add(new Document("k", k).append("v", v)));
        return doc.append("evidence", evidence);
    }

    static Discrepancy toDiscrepancy(Document d) {
        Map<String, String> evidence = new LinkedHashMap<>();
        for (Document e : d.getList("evidence", Document.class, List.of())) {
            evidence.put(e.getString("k"), e.getString("v"));
        }
        return new Discrepancy(d.getString("_id"), LocalDate.parse(d.getString("businessDay")),
                DiscrepancyKind.valueOf(d.getString("kind")), d.getString("provider"), d.getString("providerReference"),
                d.getString("orderId"), d.getString("merchantId"), longOrNull(d.get("ourAmountMinor")),
                longOrNull(d.get("providerAmountMinor")), d.getString("currency"), evidence,
                d.getString("suggestedAction"), d.getString("source"), DiscrepancyStatus.valueOf(d.getString("status")),
                new Discrepancy.Handling(d.getString("acknowledgedBy"), instant(d.getDate("acknowledgedAt")),
                        d.getString("acknowledgeNote"), d.getString("resolution") == null ? null
                        : DiscrepancyResolution.valueOf(d.getString("resolution")), d.getString("resolvedBy"),
                        instant(d.getDate("resolvedAt")), d.getString("resolutionNote")));
    }

    private static Date date(Instant at) {
        return at == null ? null : Date.from(at);
    }

    private static Instant instant(Date at) {
        return at == null ? null : at.toInstant();
    }

    private static Long longOrNull(Object v) {
        return v == null ? null : ((Number) v).longValue();
    }
}
