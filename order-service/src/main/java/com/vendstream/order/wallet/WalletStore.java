package com.vendstream.order.wallet;

import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.result.UpdateResult;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Wallet balances and their postings (the statement).
 *
 * <p>A balance changes only through one guarded single-document update ({@link #apply}) that also
 * records the operation id, so a debit can neither overdraw nor apply twice. <b>The same update
 * appends the posting to the wallet document's {@code unfiledPostings}</b>, so a balance change and
 * its posting cannot be separated by a crash. Why not only a separate collection: MongoDB (and the
 * wire-protocol stand-in used locally) cannot write two documents atomically here, so a posting
 * written after the update would be missing after a crash between the two, and one written before it
 * could exist for an update that never happened. Why not only the wallet document: a statement grows
 * without bound and a hot float wallet would rewrite an ever larger document on every debit.
 *
 * <p>So the wallet document works like the orders' outbox: unfiled postings are copied ("filed") into
 * the {@value #POSTINGS} collection, idempotently by operation id, and then pulled from the wallet. A
 * filed posting is therefore always a copy of a balance change that happened. Filing happens right
 * after each update; one a crash interrupted is filed by the wallet's next update or before any
 * statement is read, so a statement never misses a balance change.
 *
 * <p>Sequence number and balance after are exact without reading anything else: postings are
 * appended in the order the updates were applied (updates of one document are serialised), the
 * same update increments {@code postingSeq}, and unfiled postings are only ever removed from the
 * front once filed. So the unfiled list is always the newest operations, contiguous, and in a
 * snapshot of the wallet the i-th of n unfiled postings has sequence {@code postingSeq - n + 1 + i}
 * and balance after {@code balanceMinor} minus the amounts of the unfiled postings after it.
 */
public class WalletStore {

    private static final Logger log = LoggerFactory.getLogger(WalletStore.class);

    public static final String WALLETS = "wallets";
    /** The statement: one document per applied operation, {@code _id} = operation id. */
    public static final String POSTINGS = "walletPostings";
    /**
     * How many recent operation ids a wallet document remembers. Idempotency does not depend on it: an
     * older operation is found by its posting. It bounds the document, and the burnt ids of refused
     * debits, which have no posting, are remembered only this long.
     */
    private static final int REMEMBERED_OPS = 5000;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Posting kinds that take money out of the wallet; the others (REFUND, TOPUP_IN) put money in. */
    private static final java.util.Set<String> TAKES_OUT = java.util.Set.of("DEBIT", "TOPUP_OUT");
    /** Internal bookkeeping a reader of a wallet never needs (and a large list). */
    private static final Document WITHOUT_BOOKKEEPING = new Document("appliedOps", 0).append("burnedOps", 0)
            .append("unfiledPostings", 0);

    /**
     * One line of a wallet's statement; {@code amountMinor} is signed (negative for a debit). An order's
     * posting names its {@code orderId}, a top-up's its {@code transferId}; the opening names neither.
     */
    public record Posting(String id, long seq, String walletId, String kind, String orderId, String transferId,
                          long amountMinor, String currency, long balanceAfterMinor, Instant at) {
    }

    private final ReactiveMongoTemplate mongo;

    private final int rememberedOps;

    public WalletStore(ReactiveMongoTemplate mongo) {
        this(mongo, REMEMBERED_OPS);
    }

    /** @param rememberedOps how many recent operation ids the wallet document keeps (tests use a few) */
    public WalletStore(ReactiveMongoTemplate mongo, int rememberedOps) {
        this.mongo = mongo;
        this.rememberedOps = rememberedOps;
    }

    private MongoCollection<Document> wallets() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(WALLETS)).block(TIMEOUT);
    }

    private MongoCollection<Document> postings() {
        return mongo.getMongoDatabase().map(db -> db.getCollection(POSTINGS)).block(TIMEOUT);
    }

    public void ensureIndexes() {
        Mono.from(wallets().createIndex(Indexes.ascending("merchantId"))).block(TIMEOUT);
        // One opened wallet per merchant, customer and currency. Sparse: configured wallets have no customer key.
        Mono.from(wallets().createIndex(Indexes.ascending("customerKey"), new IndexOptions().unique(true).sparse(true)
                .name("customer_key"))).block(TIMEOUT);
        Mono.from(postings().createIndex(Indexes.ascending("walletId", "seq"), new IndexOptions().unique(true)
                .name("wallet_seq"))).block(TIMEOUT);
        // Wallets from before PIN checks were reserved: start their counts afresh (a lock in force stays).
        Mono.from(wallets().updateMany(new Document("pinAttempts", new Document("$exists", false)),
                new Document("$set", new Document("pinAttempts", 0).append("failedPinAttempts", 0)))).block(TIMEOUT);
    }

    /** Creates the wallet if it does not exist; an existing wallet keeps its balance. */
    public void createIfAbsent(String walletId, String merchantId, String ownerType, String currency,
                               long openingBalanceMinor, String pinHash) {
        Document insert = newWallet(walletId, merchantId, ownerType, currency, openingBalanceMinor, pinHash);
        UpdateResult result = Mono.from(wallets().updateOne(new Document("_id", walletId),
                new Document("$setOnInsert", insert), new UpdateOptions().upsert(true))).block(TIMEOUT);
        if (result.getUpsertedId() != null) {
            file(walletId);
        }
    }

    /** The key that makes a customer's wallet unique: one per merchant, customer reference and currency. */
    public static String customerKey(String merchantId, String customerId, String currency) {
        return merchantId + "|" + customerId + "|" + currency;
    }

    /**
     * Opens a customer's wallet with a zero balance unless the merchant already opened one for this
     * customer and currency. Returns the new wallet, or empty when it existed ({@link #findCustomerWallet}).
     */
    public Optional<Document> openCustomerWallet(String walletId, String merchantId, String customerId, String currency,
                                                 String pinHash) {
        Document wallet = newWallet(walletId, merchantId, "CUSTOMER", currency, 0, pinHash).append("_id", walletId)
                .append("customerId", customerId).append("customerKey", customerKey(merchantId, customerId, currency));
        if (!Documents.insertIfAbsent(wallets(), wallet, TIMEOUT)) {
            return Optional.empty();
        }
        file(walletId);
        return find(walletId);
    }

    public Optional<Document> findCustomerWallet(String merchantId, String customerId, String currency) {
        return Optional.ofNullable(Mono.from(wallets().find(new Document("customerKey",
                customerKey(merchantId, customerId, currency))).projection(WITHOUT_BOOKKEEPING).first()).block(TIMEOUT));
    }

    /** Whether the merchant has a wallet of this owner type (MERCHANT: a float) in this currency. */
    public boolean hasWallet(String merchantId, String ownerType, String currency) {
        return Mono.from(wallets().countDocuments(new Document("merchantId", merchantId).append("ownerType", ownerType)
                .append("currency", currency))).block(TIMEOUT) > 0;
    }

    /** A new wallet's fields; its opening balance is the statement's first line, recorded with the balance it opens. */
    private static Document newWallet(String walletId, String merchantId, String ownerType, String currency,
                                      long openingBalanceMinor, String pinHash) {
        Date now = new Date();
        Document opening = new Document("op", walletId + ":opening").append("kind", "OPENING")
                .append("orderId", null).append("amountMinor", openingBalanceMinor).append("at", now);
        return new Document("merchantId", merchantId).append("ownerType", ownerType)
                .append("currency", currency).append("balanceMinor", openingBalanceMinor)
                .append("pinHash", pinHash).append("failedPinAttempts", 0).append("pinAttempts", 0)
                .append("appliedOps", List.of())
                .append("postingSeq", 1L).append("unfiledPostings", List.of(opening))
                .append("createdAt", now);
    }

    /**
     * Replaces the PIN hash only if it is still {@code expectedHash} (null: no PIN yet), so two
     * concurrent changes cannot both succeed on the strength of one current PIN. True if replaced.
     */
    public boolean replacePinHash(String walletId, String expectedHash, String newHash) {
        return Mono.from(wallets().updateOne(new Document("_id", walletId).append("pinHash", expectedHash),
                new Document("$set", new Document("pinHash", newHash)))).block(TIMEOUT).getModifiedCount() > 0;
    }

    /** The wallet without its internal bookkeeping (it still holds the PIN hash: never show it). */
    public Optional<Document> find(String walletId) {
        return Optional.ofNullable(Mono.from(wallets().find(new Document("_id", walletId))
                .projection(WITHOUT_BOOKKEEPING).first()).block(TIMEOUT));
    }

    /** The wallet if it belongs to this merchant: another merchant's wallet is as absent as an unknown one. */
    public Optional<Document> findOwned(String walletId, String merchantId) {
        return find(walletId).filter(w -> merchantId.equals(w.getString("merchantId")));
    }

    /** A merchant's wallets by id, without internal bookkeeping (still with the PIN hash: never show it). */
    public List<Document> ofMerchant(String merchantId, int page, int size) {
        return Flux.from(wallets().find(new Document("merchantId", merchantId)).projection(WITHOUT_BOOKKEEPING)
                .sort(new Document("_id", 1)).skip(page * size).limit(size)).collectList().block(TIMEOUT);
    }

    /**
     * Makes a refused operation final, and says whether the money moved after all: burns the
     * operation id, after which no {@link #apply} with it can take effect (another driver of the same
     * operation may still be in flight), then looks whether one already did. True means the operation
     * was applied and must be carried on, not refused. Both the order debit and the top-up debit make
     * their refusals final through this one fence.
     */
    public boolean fence(String walletId, String opId) {
        burn(walletId, opId);
        return hasApplied(walletId, opId);
    }

    /** Marks an operation id as used without moving money, unless it was applied (tests interleave here). */
    protected void burn(String walletId, String opId) {
        // Kept apart from appliedOps, so that "applied" keeps meaning the money moved.
        Mono.from(wallets().updateOne(new Document("_id", walletId).append("appliedOps", new Document("$ne", opId)),
                new Document("$push", new Document("burnedOps", new Document("$each", List.of(opId))
                        .append("$slice", -rememberedOps))))).block(TIMEOUT);
    }

    /**
     * Whether the operation moved this wallet's money. The wallet remembers only its recent operation
     * ids, so an older one is looked up in its posting (the posting's id is the operation id), filed or not.
     */
    public boolean hasApplied(String walletId, String opId) {
        if (Mono.from(wallets().countDocuments(new Document("_id", walletId).append("$or", List.of(
                new Document("appliedOps", opId), new Document("unfiledPostings.op", opId))))).block(TIMEOUT) > 0) {
            return true;
        }
        return filed(walletId, opId);
    }

    private boolean filed(String walletId, String opId) {
        return Mono.from(postings().countDocuments(new Document("_id", opId).append("walletId", walletId)))
                .block(TIMEOUT) > 0;
    }

    /**
     * Adds {@code deltaMinor} (negative for a debit) unless the operation was already applied or,
     * for a debit, the balance would go below zero, and records the posting in the same update.
     * Returns the balance after, or empty if nothing changed.
     */
    public Optional<Long> apply(String walletId, String currency, String opId, String orderId, String kind,
                                long deltaMinor, Instant at) {
        return apply(walletId, currency, opId, orderId, null, kind, deltaMinor, at);
    }

    /** As {@link #apply(String, String, String, String, String, long, Instant)}, for an order's or a transfer's operation. */
    public Optional<Long> apply(String walletId, String currency, String opId, String orderId, String transferId,
                                String kind, long deltaMinor, Instant at) {
        // Whatever the caller: a debit takes a positive amount out and a credit puts one in. A "debit" of a
        // negative amount would credit the wallet, and an operation of nothing would still burn its id.
        if (deltaMinor == 0 || (deltaMinor < 0) != TAKES_OUT.contains(kind)) {
            throw new IllegalArgumentException("A " + kind + " of " + deltaMinor + " minor units moves no money here");
        }
        // The wallet remembers only its recent operation ids; an older operation is known by its posting,
        // which is filed for good (checked first) or still in the wallet (checked by the update itself).
        if (filed(walletId, opId)) {
            return Optional.empty();
        }
        Document filter = new Document("_id", walletId).append("currency", currency)
                .append("appliedOps", new Document("$ne", opId)).append("burnedOps", new Document("$ne", opId))
                .append("unfiledPostings.op", new Document("$ne", opId));
        if (deltaMinor < 0) {
            filter.append("balanceMinor", new Document("$gte", -deltaMinor));
        }
        Document posting = new Document("op", opId).append("kind", kind).append("orderId", orderId)
                .append("transferId", transferId).append("amountMinor", deltaMinor).append("at", Date.from(at));
        Document update = new Document("$inc", new Document("balanceMinor", deltaMinor).append("postingSeq", 1L))
                .append("$push", new Document("appliedOps",
                        new Document("$each", List.of(opId)).append("$slice", -rememberedOps))
                        .append("unfiledPostings", posting));
        Document after = Mono.from(wallets().findOneAndUpdate(filter, update, new FindOneAndUpdateOptions()
                .returnDocument(ReturnDocument.AFTER).projection(new Document("balanceMinor", 1)
                        .append("postingSeq", 1).append("currency", 1).append("unfiledPostings", 1)))).block(TIMEOUT);
        if (after == null) {
            return Optional.empty();
        }
        try {
            fileFrom(walletId, after);
        } catch (RuntimeException e) {
            // The money moved and its posting is in the wallet document; filing is finished later.
            log.warn("Posting {} of wallet {} stays unfiled for now: {}", opId, walletId, e.toString());
        }
        return Optional.of(after.getLong("balanceMinor"));
    }

    /** Files postings a crash left in the wallet document (nothing to do normally). */
    public void file(String walletId) {
        Document wallet = Mono.from(wallets().find(new Document("_id", walletId)).projection(
                new Document("balanceMinor", 1).append("postingSeq", 1).append("currency", 1)
                        .append("unfiledPostings", 1)).first()).block(TIMEOUT);
        if (wallet != null) {
            fileFrom(walletId, wallet);
        }
    }

    /** Copies the unfiled postings of a wallet snapshot into the statement, then pulls them from the wallet. */
    private void fileFrom(String walletId, Document snapshot) {
        List<Document> unfiled = snapshot.getList("unfiledPostings", Document.class, List.of());
        if (unfiled.isEmpty()) {
            return;
        }
        long seq = snapshot.getLong("postingSeq") - unfiled.size();
        long balance = snapshot.getLong("balanceMinor");
        for (Document p : unfiled) {
            balance -= p.getLong("amountMinor");
        }
        List<String> ops = new ArrayList<>();
        for (Document p : unfiled) {
            seq++;
            balance += p.getLong("amountMinor");
            String op = p.getString("op");
            // Identical values whoever files it, so a racing filer's insert is simply "already filed".
            boolean inserted = Documents.insertIfAbsent(postings(), new Document("_id", op).append("walletId", walletId)
                    .append("seq", seq).append("kind", p.getString("kind")).append("orderId", p.getString("orderId"))
                    .append("transferId", p.getString("transferId"))
                    .append("amountMinor", p.getLong("amountMinor")).append("currency", snapshot.getString("currency"))
                    .append("balanceAfterMinor", balance).append("at", p.getDate("at")), TIMEOUT);
            if (!inserted && Mono.from(postings().countDocuments(new Document("_id", op))).block(TIMEOUT) == 0) {
                // Another operation holds this sequence number: never drop the posting, keep it unfiled and say so.
                throw new IllegalStateException("Posting " + op + " of wallet " + walletId + " clashes with sequence " + seq);
            }
            ops.add(op);
        }
        // These were the oldest unfiled postings when read; anything newer stays for its own filer.
        Mono.from(wallets().updateOne(new Document("_id", walletId), new Document("$pull",
                new Document("unfiledPostings", new Document("op", new Document("$in", ops)))))).block(TIMEOUT);
    }

    /**
     * Postings of the wallet newest first (by the order the balance changes happened), optionally
     * limited to those at or after {@code from} and before {@code to}; skips {@code offset}, returns at most {@code limit}.
     */
    public List<Posting> statement(String walletId, Instant from, Instant to, int offset, int limit) {
        file(walletId);
        Document filter = new Document("walletId", walletId);
        com.vendstream.kit.mongo.Documents.within(filter, "at", from, to);
        return Flux.from(postings().find(filter).sort(new Document("seq", -1)).skip(offset).limit(limit))
                .map(WalletStore::toPosting).collectList().block(TIMEOUT);
    }

    private static Posting toPosting(Document d) {
        return new Posting(d.getString("_id"), d.getLong("seq"), d.getString("walletId"), d.getString("kind"),
                d.getString("orderId"), d.getString("transferId"), d.getLong("amountMinor"), d.getString("currency"),
                d.getLong("balanceAfterMinor"), d.getDate("at").toInstant());
    }

    /** A reserved PIN check: the hash to verify against, and the wrong PINs counted when it was reserved. */
    public record PinCheck(String pinHash, int failuresBefore) {
    }

    /**
     * Reserves one PIN check, before the slow hash comparison, in one conditional update: {@code pinAttempts}
     * (checks in progress plus wrong PINs counted) goes up by one only while it is below {@code maxAttempts}
     * and the wallet is not locked. So however many requests arrive at once, no more than
     * {@code maxAttempts} PINs are compared before the wallet locks. Empty: no check may be made now.
     *
     * <p>A check whose process died never gives its place back; once no check has been reserved for
     * {@code staleAfter} (far longer than any check takes), none can still be running and those places are freed.
     */
    public Optional<PinCheck> reservePinCheck(String walletId, int maxAttempts, Instant now, Duration staleAfter) {
        Optional<PinCheck> reserved = tryReservePinCheck(walletId, maxAttempts, now);
        if (reserved.isPresent() || !freeStalePinChecks(walletId, now, staleAfter)) {
            return reserved;
        }
        return tryReservePinCheck(walletId, maxAttempts, now);
    }

    private Optional<PinCheck> tryReservePinCheck(String walletId, int maxAttempts, Instant now) {
        // $not also matches wallets stored before these fields existed.
        Document filter = new Document("_id", walletId)
                .append("pinAttempts", new Document("$not", new Document("$gte", maxAttempts)))
                .append("lockedUntil", new Document("$not", new Document("$gt", Date.from(now))));
        Document after = Mono.from(wallets().findOneAndUpdate(filter,
                new Document("$inc", new Document("pinAttempts", 1)).append("$set", new Document("pinCheckAt",
                        Date.from(now))), new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
                        .projection(new Document("pinHash", 1).append("failedPinAttempts", 1)))).block(TIMEOUT);
        return after == null ? Optional.empty()
                : Optional.of(new PinCheck(after.getString("pinHash"), after.getInteger("failedPinAttempts", 0)));
    }

    /** Gives back the places of checks that cannot still be running; true if any were freed. */
    private boolean freeStalePinChecks(String walletId, Instant now, Duration staleAfter) {
        Document w = Mono.from(wallets().find(new Document("_id", walletId)).projection(new Document("pinAttempts", 1)
                .append("failedPinAttempts", 1).append("pinCheckAt", 1)).first()).block(TIMEOUT);
        if (w == null || w.getDate("pinCheckAt") == null
                || !w.getDate("pinCheckAt").toInstant().isBefore(now.minus(staleAfter))) {
            return false;
        }
        int attempts = w.getInteger("pinAttempts", 0);
        int failures = w.getInteger("failedPinAttempts", 0);
        if (attempts <= failures) {
            return false;
        }
        log.warn("Wallet {}: {} PIN check(s) never finished; their places are freed", walletId, attempts - failures);
        return Mono.from(wallets().updateOne(new Document("_id", walletId).append("pinAttempts", attempts)
                        .append("failedPinAttempts", failures).append("pinCheckAt", w.getDate("pinCheckAt")),
                new Document("$set", new Document("pinAttempts", failures)))).block(TIMEOUT).getModifiedCount() == 1;
    }

    /**
     * A reserved check found the right PIN: gives its place back and forgets the wrong PINs that were
     * counted when it was reserved (not those of checks racing it, which still count).
     */
    public void releasePinCheck(String walletId, int failuresBefore) {
        boolean released = Mono.from(wallets().updateOne(new Document("_id", walletId)
                        .append("failedPinAttempts", new Document("$gte", failuresBefore))
                        .append("pinAttempts", new Document("$gte", failuresBefore + 1)),
                new Document("$inc", new Document("failedPinAttempts", -failuresBefore)
                        .append("pinAttempts", -(failuresBefore + 1))))).block(TIMEOUT).getModifiedCount() == 1;
        if (!released) {
            // A lock since the reservation reset the counts: only this check's own place may be left.
            Mono.from(wallets().updateOne(new Document("_id", walletId).append("pinAttempts", new Document("$gt", 0)),
                    new Document("$inc", new Document("pinAttempts", -1)))).block(TIMEOUT);
        }
    }

    /**
     * A reserved check found a wrong PIN: it keeps its place and is counted; the one that reaches
     * {@code maxAttempts} locks the wallet until {@code lockUntil} and clears the counts (nothing can
     * be reserved while locked). True if this one locked it. Each step is one conditional update.
     */
    public boolean recordWrongPin(String walletId, int maxAttempts, Instant lockUntil) {
        for (int tries = 0; tries < 10; tries++) {
            if (Mono.from(wallets().updateOne(new Document("_id", walletId)
                            .append("failedPinAttempts", new Document("$not", new Document("$gte", maxAttempts - 1))),
                    new Document("$inc", new Document("failedPinAttempts", 1)))).block(TIMEOUT).getModifiedCount() == 1) {
                return false;
            }
            if (Mono.from(wallets().updateOne(new Document("_id", walletId)
                            .append("failedPinAttempts", new Document("$gte", maxAttempts - 1)),
                    new Document("$set", new Document("lockedUntil", Date.from(lockUntil)).append("failedPinAttempts", 0)
                            .append("pinAttempts", 0)))).block(TIMEOUT).getModifiedCount() == 1) {
                return true;
            }
        }
        throw new IllegalStateException("Wallet " + walletId + ": a wrong PIN could not be counted");
    }
}
