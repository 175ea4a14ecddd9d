package com.vendstream.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.wallet.WalletLedger.CreditResult;
import com.vendstream.wallet.WalletLedger.DebitResult;
import com.vendstream.wallet.WalletLedger.Posting;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** Invariant 4: a wallet never goes negative, and each order is debited and refunded at most once. */
class WalletInvariantsTest {

    private final LedgerFixture f = new LedgerFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void parallelDebitsNeverOverdraw() throws Exception {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<DebitResult>> debits = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String orderId = "order-" + i;
            debits.add(() -> f.wallets.debit("w", orderId, "NGN", 300));
        }
        List<DebitResult> results = new ArrayList<>();
        for (Future<DebitResult> r : pool.invokeAll(debits)) {
            results.add(r.get());
        }
        pool.shutdown();

        long applied = results.stream().filter(r -> r == DebitResult.APPLIED).count();
        long balance = f.walletStore.find("w").orElseThrow().balanceMinor();
        assertThat(applied).isEqualTo(33);
        assertThat(balance).isEqualTo(10_000 - 33 * 300).isGreaterThanOrEqualTo(0);
        assertThat(results).filteredOn(r -> r != DebitResult.APPLIED).containsOnly(DebitResult.INSUFFICIENT_FUNDS);
        // The opening balance and exactly one posting per applied debit, chained without a gap.
        List<Posting> statement = f.walletStore.statement("w", null, null, 0, 100);
        assertThat(statement).hasSize(34);
        assertThat(statement).filteredOn(p -> p.kind().equals("DEBIT")).hasSize(33)
                .allSatisfy(p -> assertThat(p.amountMinor()).isEqualTo(-300));
        assertChained(statement, balance);
    }

    @Test
    void aRepeatedDebitOrRefundOfTheSameOrderMovesMoneyOnce() throws Exception {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> f.wallets.debit("w", "order-1", "NGN", 1_000));
        }
        pool.invokeAll(calls);
        assertThat(balance()).isEqualTo(9_000);

        calls.clear();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> f.wallets.refund("w", "order-1", "NGN", 1_000));
        }
        pool.invokeAll(calls);
        pool.shutdown();
        assertThat(balance()).isEqualTo(10_000);
        List<Posting> postings = f.walletStore.statement("w", null, null, 0, 10);
        assertThat(postings).extracting(Posting::kind).containsExactly("REFUND", "DEBIT", "OPENING");
        assertThat(postings).extracting(Posting::id).containsExactly("order-1:refund", "order-1:debit", "w:opening");
        assertChained(postings, 10_000);
    }

    @Test
    void aRefundIsAppliedOnlyToTheWalletTheOrderWasDebitedFrom() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        f.walletStore.createIfAbsent("other", "m1", "MERCHANT", "NGN", 10_000, null);
        f.walletStore.createIfAbsent("kes", "m1", "MERCHANT", "KES", 10_000, null);
        f.wallets.debit("w", "order-1", "NGN", 1_000);

        assertThat(f.wallets.refund(null, "order-1", "NGN", 1_000)).isEqualTo(CreditResult.UNKNOWN_WALLET);
        assertThat(f.wallets.refund("gone", "order-1", "NGN", 1_000)).isEqualTo(CreditResult.UNKNOWN_WALLET);
        // Never debited there: a credit would create money.
        assertThat(f.wallets.refund("other", "order-1", "NGN", 1_000)).isEqualTo(CreditResult.NOT_DEBITED);
        assertThat(f.wallets.refund("w", "order-2", "NGN", 1_000)).isEqualTo(CreditResult.NOT_DEBITED);
        assertThat(f.walletStore.find("other").orElseThrow().balanceMinor()).isEqualTo(10_000);
        assertThat(balance()).isEqualTo(9_000);

        assertThat(f.wallets.refund("w", "order-1", "NGN", 1_000)).isEqualTo(CreditResult.APPLIED);
        assertThat(f.wallets.refund("w", "order-1", "NGN", 1_000)).isEqualTo(CreditResult.APPLIED);
        assertThat(balance()).isEqualTo(10_000);
    }

    @Test
    void aWalletOfAnotherCurrencyIsNotDebited() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "KES", 10_000, null);
        assertThat(f.wallets.debit("w", "order-1", "NGN", 100)).isEqualTo(DebitResult.CURRENCY_MISMATCH);
        assertThat(balance()).isEqualTo(10_000);
    }

    @Test
    void fiveWrongPinsLockTheWalletAndThePinIsStoredOnlyAsAHash() {
        String hash = f.wallets.hashPin("4321");
        f.walletStore.createIfAbsent("w", "m1", "CUSTOMER", "NGN", 10_000, hash);
        assertThat(f.walletStore.find("w").orElseThrow().pinHash()).isNotEqualTo("4321").startsWith("$2");
        assertThat(f.walletStore.find("w").orElseThrow().toString()).doesNotContain(hash).contains("pinSet true");
        for (int i = 0; i < 4; i++) {
            assertThat(f.wallets.authorise("w", "m1", "NGN", "0000")).contains(DebitResult.WRONG_PIN);
        }
        assertThat(f.wallets.authorise("w", "m1", "NGN", "0000")).contains(DebitResult.LOCKED);
        // Locked: even the right PIN is refused until the lock expires.
        assertThat(f.wallets.authorise("w", "m1", "NGN", "4321")).contains(DebitResult.LOCKED);
    }

    @Test
    void anotherMerchantsWalletLooksUnknown() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        assertThat(f.wallets.authorise("w", "m2", "NGN", null)).contains(DebitResult.UNKNOWN_WALLET);
    }

    @Test
    void aPostingWhoseFilingACrashInterruptedIsFiledLaterWithItsExactPlaceAndBalance() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        f.wallets.debit("w", "order-1", "NGN", 1_000);
        // What a crash right after the wallet update leaves behind: the money moved, the posting is only in
        // the wallet document (the same update as WalletStore.apply, without the filing that follows it).
        crashAfterTheUpdate("w", "order-2", -2_000L, 128);
        assertThat(f.walletStore.statement("w", null, null, 0, 10)).extracting(Posting::id).first()
                .isEqualTo("order-2:debit");

        // The next debit files it too; a retried debit of the crashed order moves nothing.
        crashAfterTheUpdate("w", "order-3", -500L, 128);
        assertThat(f.wallets.debit("w", "order-4", "NGN", 100)).isEqualTo(DebitResult.APPLIED);
        assertThat(f.wallets.debit("w", "order-2", "NGN", 2_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(balance()).isEqualTo(10_000 - 1_000 - 2_000 - 500 - 100);
        List<Posting> statement = f.walletStore.statement("w", null, null, 0, 10);
        assertThat(statement).extracting(Posting::id)
                .containsExactly("order-4:debit", "order-3:debit", "order-2:debit", "order-1:debit", "w:opening");
        assertChained(statement, balance());
        assertThat(raw("w").getList("unfiledPostings", Document.class)).isEmpty();
    }

    @Test
    void theStatementPagesNewestFirstAndFiltersByTime() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        for (int i = 1; i <= 5; i++) {
            f.wallets.debit("w", "order-" + i, "NGN", 100L * i);
        }
        assertThat(f.walletStore.statement("w", null, null, 0, 2)).extracting(Posting::id)
                .containsExactly("order-5:debit", "order-4:debit");
        assertThat(f.walletStore.statement("w", null, null, 2, 2)).extracting(Posting::id)
                .containsExactly("order-3:debit", "order-2:debit");
        assertThat(f.walletStore.statement("w", null, null, 4, 2)).extracting(Posting::id)
                .containsExactly("order-1:debit", "w:opening");
        List<Posting> all = f.walletStore.statement("w", null, null, 0, 10);
        Instant third = all.get(2).at();
        // from is inclusive, to exclusive.
        assertThat(f.walletStore.statement("w", third, null, 0, 10))
                .containsExactlyElementsOf(all.stream().filter(p -> !p.at().isBefore(third)).toList())
                .contains(all.get(2));
        assertThat(f.walletStore.statement("w", null, third, 0, 10))
                .containsExactlyElementsOf(all.stream().filter(p -> p.at().isBefore(third)).toList())
                .doesNotContain(all.get(2));
        assertThat(f.walletStore.statement("w", null, Instant.EPOCH, 0, 10)).isEmpty();
    }

    /** Oldest to newest, each posting's balance is the previous one's plus its amount, ending at the balance. */
    private static void assertChained(List<Posting> newestFirst, long balance) {
        List<Posting> oldestFirst = new ArrayList<>(newestFirst);
        Collections.reverse(oldestFirst);
        long running = 0;
        long seq = oldestFirst.get(0).seq() - 1;
        for (Posting p : oldestFirst) {
            running += p.amountMinor();
            assertThat(p.balanceAfterMinor()).as("balance after %s", p.id()).isEqualTo(running);
            assertThat(p.seq()).as("sequence of %s", p.id()).isEqualTo(++seq);
        }
        assertThat(running).isEqualTo(balance);
    }

    private long balance() {
        return f.walletStore.find("w").orElseThrow().balanceMinor();
    }

    /**
     * A wallet remembers only its recent operation ids. A debit or refund driven again after many
     * other operations (a recovery sweep, a late redelivery) must still move nothing: it is known by its posting.
     */
    @Test
    void anOperationOlderThanTheWalletsMemoryStillAppliesOnlyOnce() {
        WalletStore forgetful = new WalletStore(f.mongo.template, 3);
        forgetful.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        assertThat(forgetful.apply("w", "NGN", "order-1:debit", "order-1", "DEBIT", -1_000, Instant.now())).isPresent();
        for (int i = 0; i < 5; i++) {
            forgetful.apply("w", "NGN", "other-" + i + ":debit", "other-" + i, "DEBIT", -100, Instant.now());
        }
        assertThat(raw("w").getList("recentOps", String.class)).hasSize(3).doesNotContain("order-1:debit");
        assertThat(forgetful.apply("w", "NGN", "order-1:debit", "order-1", "DEBIT", -1_000, Instant.now())).isEmpty();
        assertThat(forgetful.hasApplied("w", "order-1:debit")).isTrue();
        assertThat(forgetful.find("w").orElseThrow().balanceMinor()).isEqualTo(8_500);
    }

    // --- one float, many callers, a short memory, and a crash at each step ---

    private Document raw(String walletId) {
        return Mono.from(wallets().find(new Document("_id", walletId)).first()).block();
    }

    private com.mongodb.reactivestreams.client.MongoCollection<Document> wallets() {
        return f.mongo.template.getCollection(WalletStore.WALLETS).block();
    }

    /** What a crash right after WalletStore.apply's update leaves: the money moved, the posting only in the wallet. */
    private void crashAfterTheUpdate(String walletId, String orderId, long amountMinor, int window) {
        String op = orderId + (amountMinor < 0 ? ":debit" : ":refund");
        Mono.from(wallets().updateOne(new Document("_id", walletId),
                new Document("$inc", new Document("balanceMinor", amountMinor).append("postingSeq", 1L).append("opCount", 1L))
                        .append("$push", new Document("recentOps", new Document("$each", List.of(op)).append("$slice", -window))
                                .append("unfiledPostings", new Document("op", op).append("kind", amountMinor < 0 ? "DEBIT" : "REFUND")
                                        .append("orderId", orderId).append("amountMinor", amountMinor).append("at", new Date()))))).block();
    }

    /**
     * Item 5: 16 callers debit one float at once, every order twice (a replay racing its original), then
     * refund half of them twice while new debits go on. Every posting's balance after is never negative,
     * each operation is applied exactly once, and opening + postings = balance.
     */
    @Test
    void concurrentDebitsAndRefundsOfOneFloatApplyEachOperationOnceAndNeverOverdraw() throws Exception {
        long opening = 500_000;
        f.walletStore.createIfAbsent("float", "m1", "MERCHANT", "NGN", opening, null);
        // Three order-service instances on one store: each batches only its own callers, so the database
        // guards are what keeps the instances' updates apart.
        List<Wallets> instances = List.of(f.wallets, instance(), instance());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        java.util.Map<String, Long> amounts = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Set<String> debited = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Callable<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String orderId = "order-" + i;
            long amount = 1_000 + (i % 7) * 500L;
            amounts.put(orderId, amount);
            for (int twice = 0; twice < 2; twice++) {
                var wallets = instances.get((i + twice) % 3);
                calls.add(() -> {
                    if (wallets.debit("float", orderId, "NGN", amount) == DebitResult.APPLIED) {
                        debited.add(orderId);
                    }
                    return null;
                });
            }
        }
        Collections.shuffle(calls, new java.util.Random(13));
        for (Future<Object> r : pool.invokeAll(calls)) {
            r.get();
        }
        // 300 orders ask for about 750,000 of 500,000: the float runs dry part way.
        assertThat(debited).hasSizeBetween(100, 299);

        calls.clear();
        java.util.Set<String> refunded = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<String> toRefund = debited.stream().sorted().filter(o -> Integer.parseInt(o.substring(6)) % 2 == 0).toList();
        for (String orderId : toRefund) {
            for (int twice = 0; twice < 2; twice++) {
                var wallets = instances.get(Math.floorMod(orderId.hashCode() + twice, 3));
                calls.add(() -> {
                    if (wallets.refund("float", orderId, "NGN", amounts.get(orderId)) == CreditResult.APPLIED) {
                        refunded.add(orderId);
                    }
                    return null;
                });
            }
        }
        for (int i = 300; i < 400; i++) {
            String orderId = "order-" + i;
            amounts.put(orderId, 700L);
            var wallets = instances.get(i % 3);
            calls.add(() -> {
                if (wallets.debit("float", orderId, "NGN", 700) == DebitResult.APPLIED) {
                    debited.add(orderId);
                }
                return null;
            });
        }
        Collections.shuffle(calls, new java.util.Random(14));
        for (Future<Object> r : pool.invokeAll(calls)) {
            r.get();
        }
        pool.shutdown();
        assertThat(refunded).containsExactlyInAnyOrderElementsOf(toRefund);

        long balance = f.walletStore.find("float").orElseThrow().balanceMinor();
        long taken = debited.stream().mapToLong(amounts::get).sum();
        long given = refunded.stream().mapToLong(amounts::get).sum();
        assertThat(balance).isEqualTo(opening - taken + given).isNotNegative();
        List<Posting> statement = f.walletStore.statement("float", null, null, 0, 10_000);
        assertThat(statement).hasSize(1 + debited.size() + refunded.size());
        assertThat(statement).filteredOn(p -> p.kind().equals("DEBIT")).extracting(Posting::orderId)
                .containsExactlyInAnyOrderElementsOf(debited);
        assertThat(statement).filteredOn(p -> p.kind().equals("REFUND")).extracting(Posting::orderId)
                .containsExactlyInAnyOrderElementsOf(refunded);
        assertThat(statement).allSatisfy(p -> assertThat(p.balanceAfterMinor()).as(p.id()).isNotNegative());
        assertChained(statement, balance);
        assertThat(raw("float").getList("unfiledPostings", Document.class)).isEmpty();
    }

    /** A store remembering 3 ids whose caller of {@code opId} stalls, once, between its look-ups and its update. */
    private WalletStore stallingBefore(String opId, java.util.function.Consumer<String> meanwhile) {
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        return new WalletStore(f.mongo.template, 3) {
            @Override
            protected void beforeUpdate(String walletId, String op) {
                if (op.equals(opId) && once.compareAndSet(false, true)) {
                    meanwhile.accept(walletId);
                }
            }
        };
    }

    private static void debitOthers(WalletStore store, String walletId, int count) {
        for (int i = 0; i < count; i++) {
            store.apply(walletId, "NGN", "other-" + i + ":debit", "other-" + i, "DEBIT", -100, Instant.now());
        }
    }

    /**
     * The race a short memory opens: a caller looks for the operation's posting, finds none, and stalls
     * before its update while another driver applies and files the same operation and more operations
     * than the wallet remembers go by. Its update must not land: the wallet moved past its window, so it
     * reads again and finds the posting.
     */
    @Test
    void aCallerStalledPastTheWalletsMemoryBetweenItsLookupAndItsUpdateNeverAppliesTwice() {
        WalletStore other = new WalletStore(f.mongo.template, 3);
        java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();
        WalletStore stalling = stallingBefore("order-1:debit", walletId -> {
            stalled.set(true);
            assertThat(other.apply(walletId, "NGN", "order-1:debit", "order-1", "DEBIT", -1_000, Instant.now())).isPresent();
            debitOthers(other, walletId, 5);
            assertThat(raw(walletId).getList("recentOps", String.class)).doesNotContain("order-1:debit");
        });
        stalling.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        assertThat(stalling.apply("w", "NGN", "order-1:debit", "order-1", "DEBIT", -1_000, Instant.now())).isEmpty();
        assertThat(stalled).isTrue();
        assertThat(balance()).isEqualTo(10_000 - 1_000 - 500);
        assertThat(stalling.statement("w", null, null, 0, 10)).filteredOn(p -> p.id().equals("order-1:debit")).hasSize(1);
        assertChained(stalling.statement("w", null, null, 0, 10), balance());
    }

    /**
     * A debit that looked before its refusal was fenced, and stalls: however many operations go by before
     * it updates, it never lands, because the fence is found by id and, until then, its id is in the
     * wallet's memory within the stalled caller's window.
     */
    @Test
    void aDebitStalledWhileItsRefusalIsFencedNeverLandsHoweverLongItStalls() {
        java.util.concurrent.atomic.AtomicInteger stalls = new java.util.concurrent.atomic.AtomicInteger();
        for (int others : new int[] {0, 5}) {
            // Operation ids are unique across wallets (a posting's and a fence's _id): one order per round.
            String wallet = "w" + others;
            String op = "order-" + others + ":debit";
            WalletStore other = new WalletStore(f.mongo.template, 3);
            WalletStore stalling = stallingBefore(op, walletId -> {
                // The other driver's refusal is made final: nothing had been applied.
                stalls.incrementAndGet();
                assertThat(other.fence(walletId, op)).isFalse();
                debitOthers(other, walletId, others);
            });
            stalling.createIfAbsent(wallet, "m1", "MERCHANT", "NGN", 10_000, null);
            assertThat(stalling.apply(wallet, "NGN", op, "order-" + others, "DEBIT", -1_000, Instant.now()))
                    .as("after %d other operations", others).isEmpty();
            assertThat(stalling.hasApplied(wallet, op)).isFalse();
            assertThat(f.walletStore.find(wallet).orElseThrow().balanceMinor()).isEqualTo(10_000 - 100L * others);
        }
        assertThat(stalls).hasValue(2);
    }

    /** A crash at each step of a debit, of its filing and of a fence: what is left is finished exactly once. */
    @Test
    void aCrashAtEachStepLeavesAStateTheNextCallFinishesExactlyOnce() {
        WalletStore store = new WalletStore(f.mongo.template, 3);
        var wallets = new Wallets(store,
                new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4), f.clock, 5,
                java.time.Duration.ofMinutes(30));
        store.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);

        // 1. After the update, before filing: the posting is only in the wallet, and stays there while more
        // operations than the wallet remembers go by (each filer files the unfiled postings up to its own).
        crashAfterTheUpdate("w", "order-1", -1_000L, 3);
        // 2. After the posting was filed, before it was pulled from the wallet.
        crashAfterTheUpdate("w", "order-2", -2_000L, 3);
        Mono.from(f.mongo.template.getCollection(WalletStore.POSTINGS).block().insertOne(new Document("_id", "order-2:debit")
                .append("walletId", "w").append("seq", 3L).append("kind", "DEBIT").append("orderId", "order-2")
                .append("transferId", null).append("amountMinor", -2_000L).append("currency", "NGN")
                .append("balanceAfterMinor", 7_000L).append("at", new Date()))).block();
        // 3. A fence that crashed after its record, before the wallet remembered the id.
        Mono.from(f.mongo.template.getCollection(WalletStore.FENCES).block().insertOne(new Document("_id", "order-3:debit")
                .append("walletId", "w").append("applied", false).append("at", new Date()))).block();
        for (int i = 0; i < 5; i++) {
            assertThat(wallets.debit("w", "later-" + i, "NGN", 100)).isEqualTo(DebitResult.APPLIED);
        }
        assertThat(raw("w").getList("recentOps", String.class)).hasSize(3).doesNotContain("order-1:debit", "order-2:debit");

        // Drivers of the crashed operations, again: the debits are found applied, the fenced one refused.
        assertThat(wallets.debit("w", "order-1", "NGN", 1_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(wallets.debit("w", "order-2", "NGN", 2_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(wallets.debit("w", "order-3", "NGN", 3_000)).isEqualTo(DebitResult.INSUFFICIENT_FUNDS);
        assertThat(wallets.fenceDebit("w", "order-3")).isTrue();
        assertThat(wallets.refund("w", "order-1", "NGN", 1_000)).isEqualTo(CreditResult.APPLIED);
        assertThat(wallets.refund("w", "order-1", "NGN", 1_000)).isEqualTo(CreditResult.APPLIED);
        assertThat(wallets.refund("w", "order-3", "NGN", 3_000)).isEqualTo(CreditResult.NOT_DEBITED);

        assertThat(balance()).isEqualTo(10_000 - 1_000 - 2_000 - 500 + 1_000);
        List<Posting> statement = store.statement("w", null, null, 0, 20);
        assertThat(statement).extracting(Posting::id).containsExactly("order-1:refund", "later-4:debit", "later-3:debit",
                "later-2:debit", "later-1:debit", "later-0:debit", "order-2:debit", "order-1:debit", "w:opening");
        assertChained(statement, balance());
        assertThat(raw("w").getList("unfiledPostings", Document.class)).isEmpty();
    }

    /** The wallet document no longer grows with the operations it has seen: its memory is a fixed, short list. */
    @Test
    void theWalletDocumentStaysSmallAfterTenThousandOperations() throws Exception {
        f.walletStore.createIfAbsent("float", "m1", "MERCHANT", "NGN", 1_000_000, null);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<Object>> calls = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String orderId = "ord_" + java.util.UUID.randomUUID().toString().replace("-", "");
            calls.add(() -> f.walletStore.apply("float", "NGN", orderId + ":debit", orderId, "DEBIT", -1, Instant.now()));
        }
        for (Future<Object> r : pool.invokeAll(calls)) {
            assertThat((Optional<?>) r.get()).isPresent();
        }
        pool.shutdown();
        Document raw = raw("float");
        assertThat(raw.getLong("balanceMinor")).isEqualTo(1_000_000 - 10_000);
        assertThat(raw.getLong("opCount")).isEqualTo(10_001);
        assertThat(raw.getList("recentOps", String.class)).hasSize(128);
        assertThat(raw.getList("unfiledPostings", Document.class)).isEmpty();
        assertThat(raw).doesNotContainKeys("appliedOps", "burnedOps");
        int bytes = new org.bson.RawBsonDocument(raw, new org.bson.codecs.DocumentCodec()).getByteBuffer().remaining();
        assertThat(bytes).isLessThan(16 * 1024);
        assertThat(Mono.from(f.mongo.template.getCollection(WalletStore.POSTINGS).block()
                .countDocuments(new Document("walletId", "float"))).block()).isEqualTo(10_001);
    }

    /**
     * A wallet stored with the long lists (up to 5,000 applied and burnt ids) is converted at start-up:
     * its burnt ids and its applied ids without a posting become fences, and none of them can move money.
     */
    @Test
    void aWalletWithTheOldLongListsKeepsRefusingItsOperationsAfterConversion() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        f.wallets.debit("w", "order-1", "NGN", 1_000);
        toTheOldShape("w");

        f.walletStore.ensureIndexes();
        f.walletStore.ensureIndexes();

        assertThat(raw("w")).doesNotContainKeys("appliedOps", "burnedOps").containsEntry("opCount", 0L);
        assertOldOperationsAsOneConversionLeavesThem();
        assertThat(f.wallets.refund("w", "ancient", "NGN", 1_000)).isEqualTo(CreditResult.APPLIED);
        assertThat(balance()).isEqualTo(9_000);
    }

    /**
     * Two order-service instances starting together (scale-out) both run the start-up conversion on the same
     * wallet, again and again: neither start fails, the wallet ends converted, and its old operations are
     * refused or known as applied exactly as after one conversion.
     */
    @Test
    void twoInstancesStartingTogetherConvertAWalletAsOneWould() throws Exception {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        f.wallets.debit("w", "order-1", "NGN", 1_000);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                toTheOldShape("w");
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
                List<Callable<Object>> starts = new ArrayList<>();
                for (int instance = 0; instance < 2; instance++) {
                    WalletStore store = new WalletStore(f.mongo.template);
                    starts.add(() -> {
                        together.await();
                        store.ensureIndexes();
                        return null;
                    });
                }
                for (Future<Object> start : pool.invokeAll(starts)) {
                    start.get();
                }
                assertThat(raw("w")).doesNotContainKeys("appliedOps", "burnedOps").containsEntry("opCount", 0L);
            }
        } finally {
            pool.shutdown();
        }

        assertOldOperationsAsOneConversionLeavesThem();
    }

    /**
     * After the conversion of {@link #toTheOldShape}'s wallet (10,000 less order-1's 1,000): order-1 and the
     * ancient operation are known as applied and move nothing, the burnt order-2 is refused, a new debit lands.
     */
    private void assertOldOperationsAsOneConversionLeavesThem() {
        assertThat(f.wallets.debit("w", "order-1", "NGN", 1_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(f.wallets.debit("w", "ancient", "NGN", 1_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(f.wallets.debit("w", "order-2", "NGN", 1_000)).isEqualTo(DebitResult.INSUFFICIENT_FUNDS);
        assertThat(balance()).isEqualTo(9_000);
        assertThat(f.wallets.debit("w", "order-3", "NGN", 1_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(balance()).isEqualTo(8_000);
    }

    /** The old shape: applied ids (one from before statements, without a posting) and burnt ids, no counter. */
    private void toTheOldShape(String walletId) {
        Mono.from(wallets().updateOne(new Document("_id", walletId), new Document("$set", new Document("appliedOps",
                List.of("w:opening", "order-1:debit", "ancient:debit")).append("burnedOps", List.of("order-2:debit")))
                .append("$unset", new Document("recentOps", "").append("opCount", "")))).block();
    }

    /** Another order-service instance on the same store: its own WalletStore, its own batches. */
    private Wallets instance() {
        return new Wallets(new WalletStore(f.mongo.template),
                new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4), f.clock, 5,
                java.time.Duration.ofMinutes(30));
    }

    /**
     * A wallet the start-up conversion has not reached yet (it began after this instance took traffic, or
     * a crash stopped it part way) is converted by the first debit that meets it, which then goes on.
     */
    @Test
    void aDebitMeetingAWalletStillInTheOldShapeConvertsItAndGoesOn() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        f.wallets.debit("w", "order-1", "NGN", 1_000);
        toTheOldShape("w");

        assertThat(f.wallets.debit("w", "order-3", "NGN", 1_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(raw("w")).doesNotContainKeys("appliedOps", "burnedOps").containsEntry("opCount", 1L);
        assertThat(balance()).isEqualTo(8_000);
        // Its old operations stay applied once, or refused, as before.
        assertThat(f.wallets.debit("w", "order-1", "NGN", 1_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(f.wallets.debit("w", "ancient", "NGN", 1_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(f.wallets.debit("w", "order-2", "NGN", 1_000)).isEqualTo(DebitResult.INSUFFICIENT_FUNDS);
        assertThat(balance()).isEqualTo(8_000);
        // The start-up conversion arriving later finds nothing left to do.
        f.walletStore.ensureIndexes();
        assertThat(f.wallets.debit("w", "order-2", "NGN", 1_000)).isEqualTo(DebitResult.INSUFFICIENT_FUNDS);
        assertThat(balance()).isEqualTo(8_000);
    }

    /**
     * A refusal made final on a wallet still in the old shape, before the conversion reached it, must not
     * hide the wallet from the conversion: its old burnt ids would never become fences and could be debited.
     */
    @Test
    void aFenceOnAWalletStillInTheOldShapeLeavesItToTheConversionAndStaysRefused() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        f.wallets.debit("w", "order-1", "NGN", 1_000);
        toTheOldShape("w");

        assertThat(f.walletStore.fence("w", "order-5:debit")).isFalse();
        f.walletStore.ensureIndexes();

        assertThat(raw("w")).doesNotContainKeys("appliedOps", "burnedOps");
        assertThat(f.wallets.debit("w", "order-5", "NGN", 1_000)).isEqualTo(DebitResult.INSUFFICIENT_FUNDS);
        assertThat(f.wallets.debit("w", "order-2", "NGN", 1_000)).isEqualTo(DebitResult.INSUFFICIENT_FUNDS);
        assertThat(f.walletStore.hasApplied("w", "order-5:debit")).isFalse();
        assertThat(balance()).isEqualTo(9_000);
    }

    /** A caller already interrupted that writes the batch still moves the money, and keeps its interrupt. */
    @Test
    void aCallerArrivingInterruptedStillAppliesItsOperationAndKeepsTheInterrupt() {
        f.walletStore.createIfAbsent("w", "m1", "MERCHANT", "NGN", 10_000, null);
        Optional<Long> after;
        boolean stillInterrupted;
        Thread.currentThread().interrupt();
        try {
            after = f.walletStore.apply("w", "NGN", "order-1:debit", "order-1", "DEBIT", -1_000, Instant.now());
        } finally {
            stillInterrupted = Thread.interrupted();
        }
        assertThat(after).contains(9_000L);
        assertThat(stillInterrupted).isTrue();
        assertThat(balance()).isEqualTo(9_000);
    }

    /**
     * The balance guard alone refuses an update: another instance lowers the balance between this caller's
     * read and its update (one operation, well within the window, none of its ids remembered). The update
     * must not land, and the caller, reading again, finds the debit no longer covered.
     */
    @Test
    void aDebitNoLongerCoveredWhenItsUpdateArrivesIsRefusedByTheBalanceGuard() {
        WalletStore other = new WalletStore(f.mongo.template);
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        WalletStore stalling = new WalletStore(f.mongo.template) {
            @Override
            protected void beforeUpdate(String walletId, String op) {
                if (once.compareAndSet(false, true)) {
                    assertThat(other.apply(walletId, "NGN", "order-2:debit", "order-2", "DEBIT", -500, Instant.now()))
                            .contains(500L);
                }
            }
        };
        stalling.createIfAbsent("w", "m1", "MERCHANT", "NGN", 1_000, null);
        assertThat(stalling.apply("w", "NGN", "order-1:debit", "order-1", "DEBIT", -600, Instant.now())).isEmpty();
        assertThat(once).isTrue();
        assertThat(balance()).isEqualTo(500);
        List<Posting> statement = stalling.statement("w", null, null, 0, 10);
        assertThat(statement).extracting(Posting::id).containsExactly("order-2:debit", "w:opening");
        assertChained(statement, 500);
    }
}
