package com.vendstream.ops.vend;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Indexes;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.events.ManualVendOutcome;
import com.vendstream.kit.outbox.Outbox;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.ops.vend.UnresolvedVend.Proposal;
import com.vendstream.ops.vend.UnresolvedVend.Rejection;
import com.vendstream.ops.vend.UnresolvedVend.Requery;
import com.vendstream.ops.vend.UnresolvedVend.Settlement;
import com.vendstream.ops.vend.UnresolvedVend.State;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One document per order in {@value #COLLECTION}. Every change is one single-document write guarded by what it
 * expects (MongoDB is atomic per document): events are applied at most once (their ids are kept in
 * {@code appliedEvents}), and an operator's step is a compare-and-set on the state, so of two racing approvals one
 * matches and the other finds nothing to change. An approval writes its ManualVendDecision into the document's
 * outbox in the same update (service-kit's relay publishes it).
 *
 * <p>A resolution (VendSucceeded, VendFailed) that meets no entry leaves a settled one that is not escalated, so a
 * VendUnresolved arriving after it (a re-drive) finds the order settled instead of opening it; such entries are
 * not listed and kept without expiry: a dead-lettered VendUnresolved can be re-driven at any time (dead letters do
 * not expire), and a marker is a few hundred bytes per resolved order.
 */
public class UnresolvedVendStore {

    public static final String COLLECTION = "ops_unresolved_vends";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public UnresolvedVendStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private Mono<MongoCollection<Document>> collection() {
        return mongo.getCollection(COLLECTION);
    }

    /** The listing's order. Waits (stores own their I/O); called once at start. */
    public void ensureIndexes() {
        collection().flatMap(c -> Mono.from(c.createIndex(Indexes.ascending("escalated", "state", "escalatedAt"))))
                .block(TIMEOUT);
    }

    /**
     * Opens the entry, or updates its facts, from a VendUnresolved (event {@code eventId}); the state is set only
     * when the entry is new, so a proposal, approval or settlement stands. Waits until it is stored: the consumer's
     * thread, whose offset is committed after it.
     */
    public void escalate(UnresolvedVend facts, String eventId) {
        Document set = facts(facts).append("escalated", true).append("escalatedAt", date(facts.escalatedAt()))
                .append("unresolvedEventId", facts.unresolvedEventId()).append("reason", facts.reason())
                .append("lastProviderCode", facts.lastProviderCode()).append("requeryCount", facts.requeryCount())
                .append("requeries", facts.requeries().stream().map(UnresolvedVendStore::requery).toList());
        Document update = new Document("$set", set).append("$addToSet", new Document("appliedEvents", eventId));
        Document opened = new Document("_id", facts.orderId()).append("state", State.OPEN.name())
                .append("appliedEvents", List.of(eventId));
        opened.putAll(set);
        applyOnce(new Document("_id", facts.orderId()).append("appliedEvents", new Document("$ne", eventId)),
                update, opened).block(TIMEOUT);
    }

    /**
     * Settles the entry from a resolution; the first settlement stands. Without an entry, leaves a settled marker
     * (not escalated, kept) with the resolution's facts. Waits until it is stored, as {@link #escalate} does.
     */
    public void settle(UnresolvedVend facts, Settlement settlement) {
        Document update = new Document("$set", new Document("state", State.SETTLED.name())
                .append("settlement", settlement(settlement)))
                .append("$addToSet", new Document("appliedEvents", settlement.eventId()));
        Document marker = facts(facts).append("_id", facts.orderId()).append("escalated", false)
                .append("state", State.SETTLED.name()).append("settlement", settlement(settlement))
                .append("appliedEvents", List.of(settlement.eventId()));
        applyOnce(new Document("_id", facts.orderId()).append("state", new Document("$ne", State.SETTLED.name())),
                update, marker).block(TIMEOUT);
    }

    /**
     * Updates the entry matching {@code filter}; when none does, inserts {@code fresh}. A duplicate key then means
     * the entry exists and the filter excluded it on purpose (the event was applied, or the entry is settled).
     * Events of one order come in order on one partition, so nothing else writes the entry between the two.
     */
    private Mono<Void> applyOnce(Document filter, Document update, Document fresh) {
        return collection().flatMap(c -> Mono.from(c.updateOne(filter, update))
                .flatMap(result -> result.getMatchedCount() == 1 ? Mono.<Void>empty()
                        : Mono.from(c.insertOne(fresh)).then()
                        .onErrorResume(MongoWriteException.class, e ->
                                e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY ? Mono.empty() : Mono.error(e))));
    }

    /** The escalated entry of this order, if any. */
    public Mono<UnresolvedVend> find(String orderId) {
        return collection().flatMap(c -> Mono.from(c.find(new Document("_id", orderId).append("escalated", true))
                .projection(new Document(Outbox.FIELD, 0)).first())).map(UnresolvedVendStore::toVend);
    }

    /** Escalated entries in these states, oldest escalation first. */
    public Flux<UnresolvedVend> list(Collection<State> states, int limit) {
        Document filter = new Document("escalated", true).append("state",
                new Document("$in", states.stream().map(State::name).toList()));
        return collection().flatMapMany(c -> Flux.from(c.find(filter).projection(new Document(Outbox.FIELD, 0))
                .sort(new Document("escalatedAt", 1).append("_id", 1)).limit(limit))).map(UnresolvedVendStore::toVend);
    }

    /** How many escalated entries are in these states (the live view's queue size), from the listing's index. */
    public Mono<Long> count(Collection<State> states) {
        Document filter = new Document("escalated", true).append("state",
                new Document("$in", states.stream().map(State::name).toList()));
        return collection().flatMap(c -> Mono.from(c.countDocuments(filter)));
    }

    /** Stores the proposal if the entry is still OPEN; false otherwise. */
    public Mono<Boolean> propose(String orderId, Proposal proposal) {
        return changed(new Document("_id", orderId).append("escalated", true).append("state", State.OPEN.name()),
                new Document("$set", new Document("state", State.PROPOSED.name()).append("proposal", proposal(proposal))));
    }

    /**
     * Marks the proposal approved and puts its decision into the outbox, in one write, if the proposal is still
     * the one waiting (not approved, rejected or settled meanwhile); false otherwise.
     */
    public Mono<Boolean> approve(String orderId, String proposalId, String approvedBy, Instant approvedAt,
                                 OutboxEntry decision) {
        return changed(waiting(orderId, proposalId), new Document("$set", new Document("proposal.approvedBy", approvedBy)
                .append("proposal.approvedAt", date(approvedAt)).append("proposal.decisionId", decision.eventId()))
                .append("$push", Outbox.push(List.of(Outbox.entry(decision)))));
    }

    /**
     * Sends the entry back to OPEN if the proposal is still the one waiting, or (a rejection of an approved one) is
     * still approved by that decision at or before {@code approvedBefore}; false otherwise.
     */
    public Mono<Boolean> reject(String orderId, Rejection rejection, Instant approvedBefore) {
        Document filter = rejection.decisionId() == null ? waiting(orderId, rejection.proposalId())
                : new Document("_id", orderId).append("state", State.PROPOSED.name())
                .append("proposal.id", rejection.proposalId()).append("proposal.decisionId", rejection.decisionId())
                .append("proposal.approvedAt", new Document("$lte", date(approvedBefore)));
        return changed(filter, new Document("$set",
                new Document("state", State.OPEN.name())).append("$unset", new Document("proposal", ""))
                .append("$push", new Document("rejections", rejection(rejection))));
    }

    private static Document waiting(String orderId, String proposalId) {
        return new Document("_id", orderId).append("state", State.PROPOSED.name())
                .append("proposal.id", proposalId).append("proposal.approvedBy", null);
    }

    private Mono<Boolean> changed(Document filter, Document update) {
        return collection().flatMap(c -> Mono.from(c.updateOne(filter, update))).map(r -> r.getMatchedCount() == 1);
    }

    private static Document facts(UnresolvedVend v) {
        return new Document("merchantId", v.merchantId()).append("provider", v.provider())
                .append("providerReference", v.providerReference())
                .append("providerTransactionId", v.providerTransactionId()).append("amountMinor", v.amountMinor())
                .append("currency", v.currency()).append("firstPendingAt", date(v.firstPendingAt()))
                .append("businessDate", v.businessDate() == null ? null : v.businessDate().toString());
    }

    private static Document requery(Requery r) {
        return new Document("at", date(r.at())).append("providerCode", r.providerCode())
                .append("decision", r.decision()).append("detail", r.detail());
    }

    private static Document proposal(Proposal p) {
        return new Document("id", p.id()).append("outcome", p.outcome().name()).append("token", p.token())
                .append("units", p.units()).append("pins", p.pins()).append("receipt", pairs(p.receipt()))
                .append("note", p.note()).append("proposedBy", p.proposedBy()).append("proposedAt", date(p.proposedAt()))
                .append("approvedBy", p.approvedBy()).append("approvedAt", date(p.approvedAt()))
                .append("decisionId", p.decisionId());
    }

    private static Document rejection(Rejection r) {
        return new Document("proposalId", r.proposalId()).append("outcome", r.outcome().name()).append("note", r.note())
                .append("proposedBy", r.proposedBy()).append("proposedAt", date(r.proposedAt()))
                .append("rejectedBy", r.rejectedBy()).append("rejectedAt", date(r.rejectedAt()))
                .append("reason", r.reason()).append("approvedBy", r.approvedBy()).append("decisionId", r.decisionId());
    }

    private static Document settlement(Settlement s) {
        return new Document("outcome", s.outcome().name()).append("by", s.by()).append("at", date(s.at()))
                .append("eventId", s.eventId());
    }

    /** Receipt fields as pairs, not a sub-document: a key with a dot (the portal's wording) would be refused. */
    private static List<Document> pairs(Map<String, String> map) {
        return map.entrySet().stream().map(e -> new Document("k", e.getKey()).append("v", e.getValue())).toList();
    }

    private static UnresolvedVend toVend(Document d) {
        Document p = d.get("proposal", Document.class);
        Document s = d.get("settlement", Document.class);
        List<Requery> requeries = new ArrayList<>();
        for (Document r : d.getList("requeries", Document.class, List.of())) {
            requeries.add(new Requery(instant(r, "at"), r.getString("providerCode"), r.getString("decision"),
                    r.getString("detail")));
        }
        List<Rejection> rejections = new ArrayList<>();
        for (Document r : d.getList("rejections", Document.class, List.of())) {
            rejections.add(new Rejection(r.getString("proposalId"), ManualVendOutcome.valueOf(r.getString("outcome")),
                    r.getString("note"), r.getString("proposedBy"), instant(r, "proposedAt"), r.getString("rejectedBy"),
                    instant(r, "rejectedAt"), r.getString("reason"), r.getString("approvedBy"),
                    r.getString("decisionId")));
        }
        String businessDate = d.getString("businessDate");
        Number amount = d.get("amountMinor", Number.class);
        Number count = d.get("requeryCount", Number.class);
        return new UnresolvedVend(d.getString("_id"), d.getString("merchantId"), d.getString("provider"),
                d.getString("providerReference"), d.getString("providerTransactionId"),
                amount == null ? 0 : amount.longValue(), d.getString("currency"), instant(d, "firstPendingAt"),
                instant(d, "escalatedAt"), businessDate == null ? null : LocalDate.parse(businessDate),
                d.getString("unresolvedEventId"), d.getString("reason"), d.getString("lastProviderCode"),
                count == null ? 0 : count.intValue(), requeries, State.valueOf(d.getString("state")),
                p == null ? null : toProposal(p),
                s == null ? null : new Settlement(ManualVendOutcome.valueOf(s.getString("outcome")), s.getString("by"),
                        instant(s, "at"), s.getString("eventId")), rejections);
    }

    private static Proposal toProposal(Document p) {
        Map<String, String> receipt = new LinkedHashMap<>();
        for (Document pair : p.getList("receipt", Document.class, List.of())) {
            receipt.put(pair.getString("k"), pair.getString("v"));
        }
        return new Proposal(p.getString("id"), ManualVendOutcome.valueOf(p.getString("outcome")), p.getString("token"),
                p.getString("units"), p.getList("pins", String.class, List.of()), receipt, p.getString("note"),
                p.getString("proposedBy"), instant(p, "proposedAt"), p.getString("approvedBy"), instant(p, "approvedAt"),
                p.getString("decisionId"));
    }

    private static Date date(Instant at) {
        return at == null ? null : Date.from(at);
    }

    private static Instant instant(Document d, String field) {
        Date date = d.getDate(field);
        return date == null ? null : date.toInstant();
    }
}
