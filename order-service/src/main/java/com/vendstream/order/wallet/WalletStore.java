package com.vendstream.order.wallet;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.reactivestreams.client.MongoCollection;
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
 * Wallet balances and postings. A balance changes only through a guarded single-document update
 * that also records the operation id, so a debit can neither overdraw nor apply twice; the posting
 * for the statement is written after it, keyed by the same operation id.
 */
public class WalletStore {

    public static final String WALLETS = "wallets";
    public static final String POSTINGS = "wallet_postings";
    /** How many recent operation ids a wallet remembers; retries arrive within minutes, not thousands of operations. */
    private static final int REMEMBERED_OPS = 5000;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveMongoTemplate mongo;

    public WalletStore(ReactiveMongoTemplate mongo) {
        this.mongo = mongo;
    }

    private MongoCollection<Document> wallets() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(WALLETS)).block(TIMEOUT);
    }

    private MongoCollection<Document> postings() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(POSTINGS)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        Mono.from(postings().createIndex(Indexes.ascending("walletId", "at"))).block(TIMEOUT);
        Mono.from(postings().createIndex(Indexes.ascending("orderId", "type"), new IndexOptions().unique(true)
                .name("order_posting_type"))).block(TIMEOUT);
    }

    /** Creates the wallet if it does not exist; an existing wallet keeps its balance. */
    public void createIfAbsent(String walletId, String merchantId, String ownerType, String currency,
                               long openingBalanceMinor, String pinHash) {
        Document insert = new Document("merchantId", merchantId).append("ownerType", ownerType)
                .append("currency", currency).append("balanceMinor", openingBalanceMinor)
                .append("pinHash", pinHash).append("failedPinAttempts", 0).append("appliedOps", List.of())
                .append("createdAt", new Date());
        Mono.from(wallets().updateOne(new Document("_id", walletId), new Document("$setOnInsert", insert),
                new UpdateOptions().upsert(true))).block(TIMEOUT);
    }

    public Optional<Document> find(String walletId) {
        return Optional.ofNullable(Mono.from(wallets().find(new Document("_id", walletId))
                .projection(new Document("appliedOps", 0)).first()).block(TIMEOUT));
    }

    public boolean hasApplied(String walletId, String opId) {
        return Mono.from(wallets().countDocuments(new Document("_id", walletId).append("appliedOps", opId)))
                .block(TIMEOUT) > 0;
    }

    /**
     * Adds {@code deltaMinor} (negative for a debit) unless the operation was already applied or,
     * for a debit, the balance would go below zero. Returns the balance after, or empty if nothing
     * changed.
     */
    public Optional<Long> apply(String walletId, String currency, String opId, long deltaMinor) {
        Document filter = new Document("_id", walletId).append("currency", currency)
                .append("appliedOps", new Document("$ne", opId));
        if (deltaMinor < 0) {
            filter.append("balanceMinor", new Document("$gte", -deltaMinor));
        }
        Document update = new Document("$inc", new Document("balanceMinor", deltaMinor))
                .append("$push", new Document("appliedOps",
                        new Document("$each", List.of(opId)).append("$slice", -REMEMBERED_OPS)));
        Document after = Mono.from(wallets().findOneAndUpdate(filter, update, new FindOneAndUpdateOptions()
                .returnDocument(ReturnDocument.AFTER).projection(new Document("balanceMinor", 1)))).block(TIMEOUT);
        return after == null ? Optional.empty() : Optional.of(after.getLong("balanceMinor"));
    }

    /** The statement line for an applied operation; idempotent by operation id. */
    public void post(String opId, String walletId, String orderId, String type, long amountMinor, String currency,
                     Long balanceAfterMinor, Instant at) {
        Document posting = new Document("walletId", walletId).append("orderId", orderId).append("type", type)
                .append("amountMinor", amountMinor).append("currency", currency)
                .append("balanceAfterMinor", balanceAfterMinor).append("at", Date.from(at));
        Mono.from(postings().updateOne(new Document("_id", opId), new Document("$setOnInsert", posting),
                new UpdateOptions().upsert(true))).block(TIMEOUT);
    }

    public List<Document> statement(String walletId, int page, int size) {
        return Flux.from(postings().find(new Document("walletId", walletId)).sort(new Document("at", -1))
                .skip(page * size).limit(size)).collectList().block(TIMEOUT);
    }

    /** Counts a wrong PIN; locks the wallet until {@code lockUntil} when the limit is reached. */
    public int recordWrongPin(String walletId, int maxAttempts, Instant lockUntil) {
        Document after = Mono.from(wallets().findOneAndUpdate(new Document("_id", walletId),
                new Document("$inc", new Document("failedPinAttempts", 1)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER))).block(TIMEOUT);
        int attempts = after == null ? 0 : after.getInteger("failedPinAttempts", 0);
        if (attempts >= maxAttempts) {
            Mono.from(wallets().updateOne(new Document("_id", walletId), new Document("$set",
                    new Document("lockedUntil", Date.from(lockUntil)).append("failedPinAttempts", 0)))).block(TIMEOUT);
        }
        return attempts;
    }

    public void resetPinAttempts(String walletId) {
        Mono.from(wallets().updateOne(new Document("_id", walletId).append("failedPinAttempts", new Document("$gt", 0)),
                new Document("$set", new Document("failedPinAttempts", 0)))).block(TIMEOUT);
    }
}
