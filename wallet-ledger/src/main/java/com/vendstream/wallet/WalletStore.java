package com.vendstream.wallet;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.result.UpdateResult;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.vendstream.kit.mongo.Documents;
import com.vendstream.wallet.WalletLedger.Posting;
import com.vendstream.wallet.WalletLedger.Wallet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Wallet balances and their postings (the statement).
 *
 * <p><b>Moving money.</b> A balance changes only through one guarded single-document update of the
 * wallet ({@link #apply}) that <b>also appends the posting to the wallet document's
 * {@code unfiledPostings}</b>, so a balance change and its posting cannot be separated by a crash. Why
 * not only a separate collection: MongoDB (and the wire-protocol stand-in used locally) cannot write two
 * documents atomically here, so a posting written after the update would be missing after a crash
 * between the two, and one written before it could exist for an update that never happened. Why not
 * only the wallet document: a statement grows without bound and a hot float wallet would rewrite an
 * ever larger document on every debit.
 *
 * <p><b>Filing.</b> The wallet document works like the orders' outbox: unfiled postings are copied
 * ("filed") into the {@value #POSTINGS} collection, whose {@code _id} is the operation id, and then
 * pulled from the wallet. A filed posting is therefore always a copy of a balance change that happened.
 * The update's own caller files its posting right after it, together with any older ones still unfiled
 * (those of concurrent callers, or of a crash), in one unordered insert, then pulls them in one update.
 * One a crash interrupted is filed by the wallet's next update or before any statement is read.
 *
 * <p><b>Sequence number and balance after</b> are exact without reading anything else: postings are
 * appended in the order the updates were applied (updates of one document are serialised), the same
 * update increments {@code postingSeq}, and a filer pulls every unfiled posting up to its own, so
 * postings leave the list only from the front. The unfiled list is always the newest operations,
 * contiguous, and in a snapshot of the wallet the i-th of n unfiled postings has sequence
 * {@code postingSeq - n + 1 + i} and balance after {@code balanceMinor} minus the amounts of the
 * unfiled postings after it.
 *
 * <p><b>Exactly once, with a short memory.</b> The wallet document remembers only its last
 * {@code window} operation ids ({@code recentOps}: applied ones and burnt ones, see {@link #fence}) and
 * counts every id it ever remembered ({@code opCount}); an older operation is known by its filed posting
 * ({@code _id} = operation id) or, if it was burnt, by its fence ({@value #FENCES}, {@code _id} =
 * operation id). Both are looked up by {@code _id}. The lookups and the update are not atomic together,
 * so {@link #apply} reads the wallet's {@code opCount} <i>before</i> them and its update is guarded by
 * {@code opCount < seen + window}: any id remembered after that read is then still among the last
 * {@code window}, and anything remembered before it was visible to the reads (in the wallet, or filed or
 * fenced before it left the wallet's memory). A caller stalled past {@code window} other operations
 * simply reads again. So a debit can neither overdraw nor apply twice nor land after its fence,
 * however many callers race and wherever one of them crashes, and the wallet document stays a few KB.
 *
 * <p><b>Batches.</b> Callers of one wallet in this process queue up: while one of them writes, the
 * others wait, and the next writer takes up to {@code maxBatch} of them into one update, guarded exactly
 * as a single operation is (none of their ids remembered, the window, and the balance at least what the
 * batch draws down at its lowest point, in arrival order). Batching is only for speed: the argument
 * above holds for each operation of each update, so several processes writing one wallet stay correct.
 */
public class WalletStore {

    private static final Logger log = LoggerFactory.getLogger(WalletStore.class);

    public static final String WALLETS = "wallets";
    /** The statement: one document per applied operation, {@code _id} = operation id. */
    public static final String POSTINGS = "walletPostings";
    /** Operation ids burnt by {@link #fence}, {@code _id} = operation id: none of them can ever be applied. */
    public static final String FENCES = "walletFences";
    /**
     * How many recent operation ids a wallet document remembers. Idempotency does not depend on it (older
     * ones are known by their posting or fence); it only bounds how far a caller may fall behind between
     * its reads and its update before it reads again, so it is set well above the callers one wallet has at once.
     */
    private static final int REMEMBERED_OPS = 128;
    /** Reads again this often at most when other operations keep overtaking one (each try is cheap). */
    private static final int MAX_TRIES = 50;
    /** At most this many operations of one wallet in one update; well within the window. */
    private static final int MAX_BATCH = 32;
    /** How long a waiting caller sleeps at most before it looks whether the lane needs a writer. */
    private static final long HAND_OVER_NANOS = 2_000_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Posting kinds that take money out of the wallet; the others (REFUND, TOPUP_IN) put money in. */
    private static final java.util.Set<String> TAKES_OUT = java.util.Set.of("DEBIT", "TOPUP_OUT");
    /** Internal bookkeeping a reader of a wallet never needs. */
    private static final Document WITHOUT_BOOKKEEPING = new Document("recentOps", 0).append("unfiledPostings", 0)
            .append("opCount", 0).append("appliedOps", 0).append("burnedOps", 0);
    /** What {@link #apply} and the filers read of a wallet. */
    /** What the conversion of a wallet from before the short memory reads. */
    private static final Document LEGACY_LISTS = new Document("appliedOps", 1).append("burnedOps", 1)
            .append("unfiledPostings", 1);
    private static final Document BOOKKEEPING = new Document("balanceMinor", 1).append("postingSeq", 1)
            .append("currency", 1).append("unfiledPostings", 1).append("recentOps", 1).append("opCount", 1);

    private final ReactiveMongoTemplate mongo;

    private final int window;
    private final int maxBatch;
    /** Operations waiting to be written, per wallet, while another caller writes a batch of the same wallet. */
    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

    /** One caller's operation, waiting for its batch. */
    private record Op(String id, String currency, long deltaMinor, Document posting, Thread caller,
                      CompletableFuture<Optional<Long>> result) {
    }

    /** A wallet's waiting operations, and whether a caller is writing a batch of them now. */
    private static final class Lane {
        final ConcurrentLinkedQueue<Op> waiting = new ConcurrentLinkedQueue<>();
        final AtomicBoolean writing = new AtomicBoolean();
    }

    public WalletStore(ReactiveMongoTemplate mongo) {
        this(mongo, REMEMBERED_OPS);
    }

    /** @param rememberedOps how many recent operation ids the wallet document keeps (tests use a few) */
    public WalletStore(ReactiveMongoTemplate mongo, int rememberedOps) {
        this(mongo, rememberedOps, MAX_BATCH);
    }

    /**
     * @param rememberedOps how many recent operation ids the wallet document keeps (tests use a few)
     * @param maxBatch      at most this many operations of one wallet in one update (1: one update each)
     */
    public WalletStore(ReactiveMongoTemplate mongo, int rememberedOps, int maxBatch) {
        if (rememberedOps < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("A wallet must remember, and a batch hold, at least one operation");
        }
        this.mongo = mongo;
        this.window = rememberedOps;
        this.maxBatch = maxBatch;
    }

    private MongoCollection<Document> wallets() {
        return collection(WALLETS);
    }

    private MongoCollection<Document> postings() {
        return collection(POSTINGS);
    }

    private MongoCollection<Document> fences() {
        return collection(FENCES);
    }

    private MongoCollection<Document> collection(String name) {
        return mongo.getMongoDatabase().map(db -> db.getCollection(name)).block(TIMEOUT);
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
        forgetLongOperationLists();
    }

    /**
     * Wallets from before the short memory kept up to 5,000 applied ({@code appliedOps}) and burnt
     * ({@code burnedOps}) operation ids. Their burnt ids, and applied ids that have no posting (wallets
     * older than statements), become fences, which refuse them for good; then the lists go. Run at start-up,
     * before this instance moves money, and by {@link #apply} for a wallet it still finds in the old shape.
     */
    private void forgetLongOperationLists() {
        Flux.from(wallets().find(new Document("opCount", new Document("$exists", false))).projection(LEGACY_LISTS))
                .collectList().block(TIMEOUT).forEach(this::forgetLongOperationLists);
    }

    /** Converts the wallet if it still has the long lists; nothing to do otherwise. */
    private void forgetLongOperationLists(String walletId) {
        Document w = Mono.from(wallets().find(new Document("_id", walletId).append("opCount", new Document("$exists", false)))
                .projection(LEGACY_LISTS).first()).block(TIMEOUT);
        if (w != null) {
            forgetLongOperationLists(w);
        }
    }

    /**
     * One wallet's conversion. Safe to repeat, after a crash or by several callers at once: fences are
     * inserted if absent, and the lists are dropped (and the counter started) only after them, by an update
     * that matches only a wallet still without a counter. Nothing else writes a wallet's memory while it has
     * no counter ({@link #apply} and {@link #burn} require one), so the lists read here are complete.
     */
    private void forgetLongOperationLists(Document w) {
        String walletId = w.getString("_id");
        for (String op : w.getList("burnedOps", String.class, List.of())) {
            Documents.insertIfAbsent(fences(), fence(walletId, op, false), TIMEOUT);
        }
        List<String> applied = new ArrayList<>(w.getList("appliedOps", String.class, List.of()));
        w.getList("unfiledPostings", Document.class, List.of()).forEach(p -> applied.remove(p.getString("op")));
        if (!applied.isEmpty()) {
            java.util.Set<String> filed = new java.util.HashSet<>();
            Flux.from(postings().find(new Document("_id", new Document("$in", applied)))
                    .projection(new Document("_id", 1))).doOnNext(p -> filed.add(p.getString("_id")))
                    .blockLast(TIMEOUT);
            for (String op : applied) {
                if (!filed.contains(op)) {
                    Documents.insertIfAbsent(fences(), fence(walletId, op, true), TIMEOUT);
                }
            }
        }
        UpdateResult converted = Mono.from(wallets().updateOne(new Document("_id", walletId)
                        .append("opCount", new Document("$exists", false)),
                new Document("$set", new Document("opCount", 0L).append("recentOps", List.of()))
                        .append("$unset", new Document("appliedOps", "").append("burnedOps", "")))).block(TIMEOUT);
        if (converted.getModifiedCount() > 0) {
            log.info("Wallet {}: its long operation-id lists were replaced by fences and postings", walletId);
        }
    }

    private static Document fence(String walletId, String op, boolean applied) {
        return new Document("_id", op).append("walletId", walletId).append("applied", applied).append("at", new Date());
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
    public Optional<StoredWallet> openCustomerWallet(String walletId, String merchantId, String customerId,
                                                     String currency, String pinHash) {
        Document wallet = newWallet(walletId, merchantId, "CUSTOMER", currency, 0, pinHash).append("_id", walletId)
                .append("customerId", customerId).append("customerKey", customerKey(merchantId, customerId, currency));
        if (!Documents.insertIfAbsent(wallets(), wallet, TIMEOUT)) {
            return Optional.empty();
        }
        file(walletId);
        return find(walletId);
    }

    public Optional<StoredWallet> findCustomerWallet(String merchantId, String customerId, String currency) {
        return Optional.ofNullable(Mono.from(wallets().find(new Document("customerKey",
                customerKey(merchantId, customerId, currency))).projection(WITHOUT_BOOKKEEPING).first()).block(TIMEOUT))
                .map(WalletStore::stored);
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
        String openingOp = walletId + ":opening";
        Document opening = new Document("op", openingOp).append("kind", "OPENING")
                .append("orderId", null).append("amountMinor", openingBalanceMinor).append("at", now);
        return new Document("merchantId", merchantId).append("ownerType", ownerType)
                .append("currency", currency).append("balanceMinor", openingBalanceMinor)
                .append("pinHash", pinHash).append("failedPinAttempts", 0).append("pinAttempts", 0)
                .append("recentOps", List.of(openingOp)).append("opCount", 1L)
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
    public Optional<StoredWallet> find(String walletId) {
        return Optional.ofNullable(Mono.from(wallets().find(new Document("_id", walletId))
                .projection(WITHOUT_BOOKKEEPING).first()).block(TIMEOUT)).map(WalletStore::stored);
    }

    /** The wallet if it belongs to this merchant: another merchant's wallet is as absent as an unknown one. */
    public Optional<StoredWallet> findOwned(String walletId, String merchantId) {
        return find(walletId).filter(w -> merchantId.equals(w.merchantId()));
    }

    /** A merchant's wallets by id, without internal bookkeeping (still with the PIN hash: never show it). */
    public List<StoredWallet> ofMerchant(String merchantId, int page, int size) {
        return Flux.from(wallets().find(new Document("merchantId", merchantId)).projection(WITHOUT_BOOKKEEPING)
                .sort(new Document("_id", 1)).skip(page * size).limit(size)).map(WalletStore::stored).collectList()
                .block(TIMEOUT);
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

    /**
     * Marks an operation id as used without moving money (tests interleave here). First the fence for
     * good, which every later {@link #apply} looks up; then the id in the wallet's memory, which an apply
     * that looked before the fence existed meets in its update (it read {@code opCount} before, so the id
     * is within its window). In this order a crash between the two leaves the id refused by every later
     * apply; the refusal itself becomes final only after both, when {@link #fence} returns.
     */
    protected void burn(String walletId, String opId) {
        Documents.insertIfAbsent(fences(), fence(walletId, opId, false), TIMEOUT);
        // Only a wallet with a counter: an $inc would give a wallet still in the old shape one, and its
        // conversion (which looks for wallets without) would then skip it. The fence alone refuses the id there.
        Mono.from(wallets().updateOne(new Document("_id", walletId).append("opCount", new Document("$exists", true))
                        .append("recentOps", new Document("$ne", opId))
                        .append("unfiledPostings.op", new Document("$ne", opId)),
                new Document("$push", new Document("recentOps", new Document("$each", List.of(opId))
                        .append("$slice", -window))).append("$inc", new Document("opCount", 1L)))).block(TIMEOUT);
    }

    /**
     * Whether the operation moved this wallet's money: its posting is still in the wallet document, or
     * filed (looked at in this order, since filing inserts the posting before it leaves the wallet). The
     * burnt ids the wallet remembers are not applied ones; only a fence made for a legacy applied id says so.
     */
    public boolean hasApplied(String walletId, String opId) {
        Document wallet = Mono.from(wallets().find(new Document("_id", walletId))
                .projection(new Document("unfiledPostings", 1)).first()).block(TIMEOUT);
        if (wallet == null) {
            return false;
        }
        if (unfiledOps(wallet).contains(opId)) {
            return true;
        }
        Document posting = byId(postings(), opId);
        if (posting != null) {
            return walletId.equals(posting.getString("walletId"));
        }
        Document fence = byId(fences(), opId);
        return fence != null && walletId.equals(fence.getString("walletId")) && fence.getBoolean("applied", false);
    }

    private static Document byId(MongoCollection<Document> collection, String id) {
        // find, not countDocuments: the local store answers a count by scanning the collection.
        return Mono.from(collection.find(new Document("_id", id)).first()).block(TIMEOUT);
    }

    private static List<String> unfiledOps(Document wallet) {
        return wallet.getList("unfiledPostings", Document.class, List.of()).stream().map(p -> p.getString("op")).toList();
    }

    /**
     * Adds {@code deltaMinor} (negative for a debit) unless the operation was already applied or burnt or,
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
        Op op = new Op(opId, currency, deltaMinor, new Document("op", opId).append("kind", kind).append("orderId", orderId)
                .append("transferId", transferId).append("amountMinor", deltaMinor).append("at", Date.from(at)),
                Thread.currentThread(), new CompletableFuture<>());
        Lane lane = lanes.computeIfAbsent(walletId, id -> new Lane());
        lane.waiting.add(op);
        // The interrupt is put back at the end: a caller that writes the batch must not fail it (and every
        // other caller's operation in it) because it arrived already interrupted.
        boolean interrupted = Thread.interrupted();
        while (!op.result().isDone()) {
            if (lane.writing.compareAndSet(false, true)) {
                try {
                    writeUntilDone(walletId, lane, op);
                } finally {
                    lane.writing.set(false);
                }
                Op next = lane.waiting.peek();
                if (next != null) {
                    LockSupport.unpark(next.caller());
                } else {
                    lanes.remove(walletId, lane);
                }
            } else {
                // The writer wakes this caller when its batch is written or the lane is handed over; the
                // timeout only bounds a missed wake-up.
                LockSupport.parkNanos(lane, HAND_OVER_NANOS);
                // The operation is written whatever happens; an interrupt is kept for the caller, not a reason to spin.
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            return op.result().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * Writes the wallet's waiting operations, a batch at a time in arrival order, until this caller's own
     * is written. Operations of one wallet that arrive while a batch is being written wait for the next
     * one, so a hot float takes one guarded update (and one filing) for many callers instead of one each.
     * A batch never holds the same operation twice: a repeat waits for the next batch, which finds it applied.
     */
    private void writeUntilDone(String walletId, Lane lane, Op own) {
        while (!own.result().isDone()) {
            List<Op> batch = new ArrayList<>();
            List<Op> repeats = new ArrayList<>();
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (Op op = lane.waiting.poll(); op != null; op = batch.size() < maxBatch ? lane.waiting.poll() : null) {
                (ids.add(op.id()) ? batch : repeats).add(op);
            }
            lane.waiting.addAll(repeats);
            if (batch.isEmpty()) {
                return;
            }
            try {
                applyAll(walletId, batch);
            } catch (RuntimeException | Error e) {
                // Every caller of the batch hears of it (none may wait for ever); the writer's own call included.
                batch.forEach(op -> op.result().completeExceptionally(e));
            }
            batch.forEach(op -> LockSupport.unpark(op.caller()));
        }
    }

    /**
     * Applies a batch of distinct operations to one wallet in one guarded update, each exactly once and in
     * order, and completes each with its balance after, or empty if it is not applied (already applied or
     * burnt, another currency, or a debit the balance does not cover at its place in the batch).
     */
    private void applyAll(String walletId, List<Op> batch) {
        for (int tries = 0; tries < MAX_TRIES; tries++) {
            // 1. The wallet first: opCount now bounds what the update below must still find in recentOps.
            Document wallet = Mono.from(wallets().find(new Document("_id", walletId)).projection(BOOKKEEPING).first())
                    .block(TIMEOUT);
            if (wallet == null) {
                batch.forEach(op -> op.result().complete(Optional.empty()));
                return;
            }
            Long seen = wallet.getLong("opCount");
            if (seen == null) {
                // Still in the old shape (the start-up conversion has not reached it): convert it now, then read again.
                forgetLongOperationLists(walletId);
                continue;
            }
            java.util.Set<String> remembered = new java.util.HashSet<>(wallet.getList("recentOps", String.class, List.of()));
            remembered.addAll(unfiledOps(wallet));
            List<Op> candidates = new ArrayList<>();
            for (Op op : batch.stream().filter(op -> !op.result().isDone()).toList()) {
                if (!op.currency().equals(wallet.getString("currency")) || remembered.contains(op.id())) {
                    op.result().complete(Optional.empty());
                } else {
                    candidates.add(op);
                }
            }
            if (candidates.isEmpty()) {
                return;
            }
            // 2. Then what the wallet no longer remembers: filed postings and fences (by _id, both at once).
            List<String> ids = candidates.stream().map(Op::id).toList();
            java.util.Set<String> known = Flux.merge(idsAmong(postings(), ids), idsAmong(fences(), ids))
                    .collect(java.util.stream.Collectors.toSet()).block(TIMEOUT);
            // In order, each debit only if the balance covers it after those before it in the batch.
            List<Op> chosen = new ArrayList<>();
            List<Op> uncovered = new ArrayList<>();
            long running = wallet.getLong("balanceMinor");
            long lowest = running;
            for (Op op : candidates) {
                if (known.contains(op.id())) {
                    op.result().complete(Optional.empty());
                } else if (running + op.deltaMinor() < 0) {
                    uncovered.add(op);
                } else {
                    running += op.deltaMinor();
                    lowest = Math.min(lowest, running);
                    chosen.add(op);
                }
            }
            if (chosen.isEmpty()) {
                uncovered.forEach(op -> op.result().complete(Optional.empty()));
                return;
            }
            chosen.forEach(op -> beforeUpdate(walletId, op.id()));
            // 3. The update, guarded by all of it: whatever was remembered since step 1 is still in recentOps,
            // and the balance is still at least what the batch draws down at its lowest point.
            List<String> chosenIds = chosen.stream().map(Op::id).toList();
            long drawn = wallet.getLong("balanceMinor") - lowest;
            long delta = chosen.stream().mapToLong(Op::deltaMinor).sum();
            Document filter = new Document("_id", walletId).append("currency", wallet.getString("currency"))
                    .append("recentOps", new Document("$nin", chosenIds))
                    .append("unfiledPostings.op", new Document("$nin", chosenIds))
                    .append("opCount", new Document("$lt", seen + window));
            if (drawn > 0) {
                filter.append("balanceMinor", new Document("$gte", drawn));
            }
            Document update = new Document("$inc", new Document("balanceMinor", delta)
                    .append("postingSeq", (long) chosen.size()).append("opCount", (long) chosen.size()))
                    .append("$push", new Document("recentOps", new Document("$each", chosenIds).append("$slice", -window))
                            .append("unfiledPostings", new Document("$each", chosen.stream().map(Op::posting).toList())));
            Document after = Mono.from(wallets().findOneAndUpdate(filter, update, new FindOneAndUpdateOptions()
                    .returnDocument(ReturnDocument.AFTER).projection(BOOKKEEPING))).block(TIMEOUT);
            if (after == null) {
                // Refused, or overtaken by more than the window: step 1 again tells which.
                continue;
            }
            String last = chosenIds.get(chosenIds.size() - 1);
            try {
                fileFrom(walletId, after, last);
            } catch (RuntimeException e) {
                // The money moved and the postings are in the wallet document; filing is finished later.
                log.warn("Postings up to {} of wallet {} stay unfiled for now: {}", last, walletId, e.toString());
            }
            // The batch is the newest postings, in order: each one's balance after counts back from the wallet's.
            long balance = after.getLong("balanceMinor");
            for (int i = chosen.size() - 1; i >= 0; i--) {
                chosen.get(i).result().complete(Optional.of(balance));
                balance -= chosen.get(i).deltaMinor();
            }
            uncovered.forEach(op -> op.result().complete(Optional.empty()));
            return;
        }
        throw new IllegalStateException("Operations " + batch.stream().map(Op::id).toList() + " on wallet " + walletId
                + " were overtaken " + MAX_TRIES + " times; nothing moved");
    }

    /** Between the look-ups and the update of {@link #apply}, once per operation; tests stall a caller here. */
    protected void beforeUpdate(String walletId, String opId) {
    }

    private static Flux<String> idsAmong(MongoCollection<Document> collection, List<String> ids) {
        return Flux.from(collection.find(new Document("_id", new Document("$in", ids))).projection(new Document("_id", 1)))
                .map(d -> d.getString("_id"));
    }

    /** Files postings a crash left in the wallet document (nothing to do normally). */
    public void file(String walletId) {
        Document wallet = Mono.from(wallets().find(new Document("_id", walletId)).projection(BOOKKEEPING).first())
                .block(TIMEOUT);
        if (wallet != null) {
            fileFrom(walletId, wallet, null);
        }
    }

    /**
     * Copies the unfiled postings of a wallet snapshot, up to and including {@code upToOp} (all if null),
     * into the statement in one unordered insert, then pulls them from the wallet in one update. Always a
     * prefix of the list: postings leave it only from the front, which keeps sequence and balance exact.
     */
    private void fileFrom(String walletId, Document snapshot, String upToOp) {
        List<Document> unfiled = snapshot.getList("unfiledPostings", Document.class, List.of());
        if (unfiled.isEmpty()) {
            return;
        }
        long seq = snapshot.getLong("postingSeq") - unfiled.size();
        long balance = snapshot.getLong("balanceMinor");
        for (Document p : unfiled) {
            balance -= p.getLong("amountMinor");
        }
        List<Document> filing = new ArrayList<>();
        for (Document p : unfiled) {
            seq++;
            balance += p.getLong("amountMinor");
            // Identical values whoever files it, so a racing filer's insert is simply "already filed".
            filing.add(new Document("_id", p.getString("op")).append("walletId", walletId)
                    .append("seq", seq).append("kind", p.getString("kind")).append("orderId", p.getString("orderId"))
                    .append("transferId", p.getString("transferId"))
                    .append("amountMinor", p.getLong("amountMinor")).append("currency", snapshot.getString("currency"))
                    .append("balanceAfterMinor", balance).append("at", p.getDate("at")));
            if (p.getString("op").equals(upToOp)) {
                break;
            }
        }
        List<String> ops = filing.stream().map(d -> d.getString("_id")).toList();
        List<String> taken = insertAllIfAbsent(filing);
        if (!taken.isEmpty()) {
            java.util.Set<String> filed = new java.util.HashSet<>();
            Flux.from(postings().find(new Document("_id", new Document("$in", taken))).projection(new Document("_id", 1)))
                    .doOnNext(d -> filed.add(d.getString("_id"))).blockLast(TIMEOUT);
            if (!filed.containsAll(taken)) {
                // Another operation holds this sequence number: never drop the posting, keep it unfiled and say so.
                throw new IllegalStateException("Postings " + taken + " of wallet " + walletId + " clash with others' sequence");
            }
        }
        // These were the oldest unfiled postings when read; anything newer stays for its own filer.
        Mono.from(wallets().updateOne(new Document("_id", walletId), new Document("$pull",
                new Document("unfiledPostings", new Document("op", new Document("$in", ops)))))).block(TIMEOUT);
    }

    /** Inserts the postings, each unless its keys are taken; returns the ids that were already taken. */
    private List<String> insertAllIfAbsent(List<Document> filing) {
        try {
            Mono.from(postings().insertMany(filing, new InsertManyOptions().ordered(false))).block(TIMEOUT);
            return List.of();
        } catch (MongoBulkWriteException e) {
            List<String> taken = new ArrayList<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                taken.add(filing.get(error.getIndex()).getString("_id"));
            }
            return taken;
        }
    }

    /**
     * Postings of the wallet newest first (by the order the balance changes happened), optionally
     * limited to those at or after {@code from} and before {@code to}; skips {@code offset}, returns at most {@code limit}.
     */
    public List<Posting> statement(String walletId, Instant from, Instant to, int offset, int limit) {
        file(walletId);
        Document filter = new Document("walletId", walletId);
        Documents.within(filter, "at", from, to);
        return Flux.from(postings().find(filter).sort(new Document("seq", -1)).skip(offset).limit(limit))
                .map(WalletStore::toPosting).collectList().block(TIMEOUT);
    }

    private static Posting toPosting(Document d) {
        return new Posting(d.getString("_id"), d.getLong("seq"), d.getString("walletId"), d.getString("kind"),
                d.getString("orderId"), d.getString("transferId"), d.getLong("amountMinor"), d.getString("currency"),
                d.getLong("balanceAfterMinor"), d.getDate("at").toInstant());
    }

    /**
     * A wallet as the ledger's operations read it ({@link #find}): its fields without the bookkeeping. It holds
     * the PIN hash, so it is never shown; {@link #toWallet()} is what the ledger shows.
     *
     * @param balanceMinor      null only for a document without a balance, which nothing writes
     * @param failedPinAttempts wrong PINs counted toward the lock; 0 when the document has no count
     * @param lockedUntil       null when the wallet was never locked
     * @param createdAt         null for a wallet stored without it
     */
    public record StoredWallet(String walletId, String merchantId, String ownerType, String customerId,
                               String currency, Long balanceMinor, String pinHash, int failedPinAttempts,
                               Instant lockedUntil, Instant createdAt) {

        /** The wallet as the ledger shows it: only whether it has a PIN, never the hash. */
        Wallet toWallet() {
            return new Wallet(walletId, merchantId, ownerType, customerId, currency, balanceMinor, pinHash != null,
                    lockedUntil, createdAt);
        }

        /** Without the hash, should a wallet ever reach a log. */
        @Override
        public String toString() {
            return "StoredWallet[" + walletId + ", merchant " + merchantId + ", " + ownerType + ", " + currency
                    + ", pinSet " + (pinHash != null) + ", failedPinAttempts " + failedPinAttempts + ", lockedUntil "
                    + lockedUntil + "]";
        }
    }

    private static StoredWallet stored(Document w) {
        Date locked = w.getDate("lockedUntil");
        Date created = w.getDate("createdAt");
        return new StoredWallet(w.getString("_id"), w.getString("merchantId"), w.getString("ownerType"),
                w.getString("customerId"), w.getString("currency"), w.getLong("balanceMinor"), w.getString("pinHash"),
                w.getInteger("failedPinAttempts", 0), locked == null ? null : locked.toInstant(),
                created == null ? null : created.toInstant());
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
