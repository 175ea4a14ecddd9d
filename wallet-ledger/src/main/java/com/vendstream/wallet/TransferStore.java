package com.vendstream.wallet;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.wallet.WalletLedger.Transfer;
import com.vendstream.wallet.WalletLedger.TransferState;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The top-up transfers, one document each in {@value #TRANSFERS}: every change is a single-document
 * compare-and-set on the transfer's state (or, to claim it, on its state and {@code updatedAt}).
 */
public class TransferStore {

    public static final String TRANSFERS = "walletTransfers";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public TransferStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    /** A transfer as stored, with the fingerprint of the top-up that created it. */
    record Stored(Transfer transfer, String fingerprint) {
    }

    private MongoCollection<Document> transfers() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(TRANSFERS)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        // One transfer per merchant and reference: the top-up API's idempotency key.
        Mono.from(transfers().createIndex(Indexes.ascending("merchantId", "reference"), new IndexOptions().unique(true)
                .name("merchant_reference"))).block(TIMEOUT);
        Mono.from(transfers().createIndex(Indexes.ascending("state", "updatedAt"))).block(TIMEOUT);
        // The stuck gauge counts money in flight by age.
        Mono.from(transfers().createIndex(Indexes.ascending("state", "createdAt"))).block(TIMEOUT);
    }

    public Optional<Transfer> find(String transferId) {
        return Optional.ofNullable(Mono.from(transfers().find(new Document("_id", transferId)).first()).block(TIMEOUT))
                .map(TransferStore::toTransfer);
    }

    Optional<Stored> byReference(String merchantId, String reference) {
        return Optional.ofNullable(Mono.from(transfers().find(new Document("merchantId", merchantId)
                        .append("reference", reference)).first()).block(TIMEOUT))
                .map(d -> new Stored(toTransfer(d), d.getString("fingerprint")));
    }

    /** Stores a new PENDING transfer; false when its merchant and reference are taken (a concurrent request). */
    boolean create(Transfer t, String fingerprint) {
        Document doc = new Document("_id", t.transferId()).append("merchantId", t.merchantId())
                .append("reference", t.reference()).append("fingerprint", fingerprint)
                .append("fromWalletId", t.fromWalletId()).append("toWalletId", t.toWalletId())
                .append("amountMinor", t.amountMinor()).append("currency", t.currency())
                .append("state", t.state().name()).append("failureReason", t.failureReason())
                .append("createdAt", Date.from(t.createdAt())).append("updatedAt", Date.from(t.updatedAt()));
        return Documents.insertIfAbsent(transfers(), doc, TIMEOUT);
    }

    /** The float gave the amount: DEBITED from PENDING (or FAILED, when the debit had landed after all). */
    Transfer debited(String transferId, Long fromBalanceAfterMinor, Instant now) {
        return move(transferId, Set.of(TransferState.PENDING, TransferState.FAILED), TransferState.DEBITED,
                new Document("fromBalanceAfterMinor", fromBalanceAfterMinor).append("failureReason", null), now);
    }

    /** The float refused the debit, fenced so it cannot land later: FAILED from PENDING with nothing moved. */
    Transfer failed(String transferId, String failureReason, Instant now) {
        return move(transferId, Set.of(TransferState.PENDING), TransferState.FAILED,
                new Document("failureReason", failureReason), now);
    }

    /** The customer's wallet received it: COMPLETED from DEBITED. */
    Transfer completed(String transferId, Long toBalanceAfterMinor, Instant now) {
        return move(transferId, Set.of(TransferState.DEBITED), TransferState.COMPLETED,
                new Document("toBalanceAfterMinor", toBalanceAfterMinor), now);
    }

    /** Compare-and-set on the state; when another driver moved it first, its current state is the answer. */
    private Transfer move(String transferId, Set<TransferState> from, TransferState to, Document fields, Instant now) {
        List<String> states = from.stream().map(TransferState::name).toList();
        Document set = new Document(fields).append("state", to.name()).append("updatedAt", Date.from(now));
        Document after = Mono.from(transfers().findOneAndUpdate(new Document("_id", transferId)
                        .append("state", new Document("$in", states)), new Document("$set", set),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))).block(TIMEOUT);
        return after != null ? toTransfer(after) : find(transferId).orElseThrow();
    }

    /** One page, by id after {@code after} (null: from the start), of PENDING or DEBITED transfers untouched since {@code before}. */
    List<Transfer> unfinished(Instant before, String after, int limit) {
        Document filter = new Document("state", new Document("$in", List.of(TransferState.PENDING.name(),
                TransferState.DEBITED.name()))).append("updatedAt", new Document("$lt", Date.from(before)));
        if (after != null) {
            filter.append("_id", new Document("$gt", after));
        }
        return Flux.from(transfers().find(filter).sort(new Document("_id", 1)).limit(limit)).map(TransferStore::toTransfer)
                .collectList().block(TIMEOUT);
    }

    /** Takes a transfer for this driver if nobody touched it since it was read; empty when someone did. */
    Optional<Transfer> claim(Transfer seen, Instant now) {
        return Optional.ofNullable(Mono.from(transfers().findOneAndUpdate(new Document("_id", seen.transferId())
                        .append("state", seen.state().name()).append("updatedAt", Date.from(seen.updatedAt())),
                new Document("$set", new Document("updatedAt", Date.from(now))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))).block(TIMEOUT))
                .map(TransferStore::toTransfer);
    }

    /** PENDING and DEBITED transfers created before {@code createdBefore}. */
    Map<TransferState, Long> countUnfinished(Instant createdBefore) {
        Map<TransferState, Long> counts = new EnumMap<>(TransferState.class);
        for (TransferState state : List.of(TransferState.PENDING, TransferState.DEBITED)) {
            counts.put(state, Mono.from(transfers().countDocuments(new Document("state", state.name())
                    .append("createdAt", new Document("$lt", Date.from(createdBefore))))).block(TIMEOUT));
        }
        return counts;
    }

    private static Transfer toTransfer(Document d) {
        return new Transfer(d.getString("_id"), d.getString("merchantId"), d.getString("reference"),
                d.getString("fromWalletId"), d.getString("toWalletId"), d.getLong("amountMinor"), d.getString("currency"),
                TransferState.valueOf(d.getString("state")), d.getString("failureReason"), d.getLong("fromBalanceAfterMinor"),
                d.getLong("toBalanceAfterMinor"), d.getDate("createdAt").toInstant(), d.getDate("updatedAt").toInstant());
    }
}
