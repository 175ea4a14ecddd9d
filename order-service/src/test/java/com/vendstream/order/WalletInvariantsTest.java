package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.wallet.WalletStore;
import com.vendstream.order.wallet.WalletStore.Posting;
import com.vendstream.order.wallet.Wallets.CreditResult;
import com.vendstream.order.wallet.Wallets.DebitResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
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

    private final OrderFixture f = new OrderFixture();

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
        long balance = f.walletStore.find("w").orElseThrow().getLong("balanceMinor");
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
        assertThat(f.walletStore.find("other").orElseThrow().getLong("balanceMinor")).isEqualTo(10_000);
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
        assertThat(f.walletStore.find("w").orElseThrow().getString("pinHash")).isNotEqualTo("4321").startsWith("$2");
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
        Mono.from(f.mongo.template.getCollection(WalletStore.WALLETS).block().updateOne(new Document("_id", "w"),
                new Document("$inc", new Document("balanceMinor", -2_000L).append("postingSeq", 1L))
                        .append("$push", new Document("appliedOps", "order-2:debit").append("unfiledPostings",
                                new Document("op", "order-2:debit").append("kind", "DEBIT").append("orderId", "order-2")
                                        .append("amountMinor", -2_000L).append("at", new Date()))))).block();
        assertThat(f.walletStore.statement("w", null, null, 0, 10)).extracting(Posting::id).first()
                .isEqualTo("order-2:debit");

        // The next debit files it too; a retried debit of the crashed order moves nothing.
        Mono.from(f.mongo.template.getCollection(WalletStore.WALLETS).block().updateOne(new Document("_id", "w"),
                new Document("$push", new Document("unfiledPostings", new Document("op", "order-3:debit")
                        .append("kind", "DEBIT").append("orderId", "order-3").append("amountMinor", -500L)
                        .append("at", new Date()))).append("$inc", new Document("balanceMinor", -500L)
                        .append("postingSeq", 1L)))).block();
        assertThat(f.wallets.debit("w", "order-4", "NGN", 100)).isEqualTo(DebitResult.APPLIED);
        assertThat(f.wallets.debit("w", "order-2", "NGN", 2_000)).isEqualTo(DebitResult.APPLIED);
        assertThat(balance()).isEqualTo(10_000 - 1_000 - 2_000 - 500 - 100);
        List<Posting> statement = f.walletStore.statement("w", null, null, 0, 10);
        assertThat(statement).extracting(Posting::id)
                .containsExactly("order-4:debit", "order-3:debit", "order-2:debit", "order-1:debit", "w:opening");
        assertChained(statement, balance());
        Document raw = Mono.from(f.mongo.template.getCollection(WalletStore.WALLETS).block()
                .find(new Document("_id", "w")).first()).block();
        assertThat(raw.getList("unfiledPostings", Document.class)).isEmpty();
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
        return f.walletStore.find("w").orElseThrow().getLong("balanceMinor");
    }

    /**
     * The request and the recovery sweep can both charge an order still RECEIVED. A refusal by one
     * must not become a rejected order that the other's debit, landing later, leaves charged.
     */
    @Test
    void aRejectedOrderNeverKeepsADebitThatLandsLater() {
        f.walletStore.createIfAbsent("thin", "m1", "MERCHANT", "NGN", 1_000, null);
        var rejected = f.placement.place(OrderFixture.airtime("m1", "r-1", 5_000, "thin"), true);
        assertThat(rejected.order().state()).isEqualTo(com.vendstream.order.order.OrderState.REJECTED);
        // Money arrives, and then the other driver's debit of the same order lands: it is fenced off.
        f.walletStore.apply("thin", "NGN", "credit-1", null, "REFUND", 10_000, Instant.now());
        assertThat(f.wallets.debit("thin", rejected.order().orderId(), "NGN", 5_000)).isNotEqualTo(DebitResult.APPLIED);
        assertThat(f.walletStore.find("thin").orElseThrow().getLong("balanceMinor")).isEqualTo(11_000);
    }

    @Test
    void aDebitThatLandedWhileTheRefusalWasBeingMadeFinalAcceptsTheOrder() {
        // The other driver's debit lands between this driver's refusal and its fence.
        WalletStore racing = new WalletStore(f.mongo.template) {
            @Override
            protected void burn(String walletId, String opId) {
                apply(walletId, "NGN", "credit-1", null, "REFUND", 10_000, Instant.now());
                apply(walletId, "NGN", opId, opId.replace(":debit", ""), "DEBIT", -5_000, Instant.now());
                super.burn(walletId, opId);
            }
        };
        var wallets = new com.vendstream.order.wallet.Wallets(racing,
                new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4), f.clock, 5,
                java.time.Duration.ofMinutes(30));
        var placement = new com.vendstream.order.order.OrderPlacement(f.orders, f.catalog, wallets, f.merchants,
                f.relay, f.clock);
        racing.createIfAbsent("thin", "m1", "MERCHANT", "NGN", 1_000, null);
        var result = placement.place(OrderFixture.airtime("m1", "r-2", 5_000, "thin"), true);
        // The money moved, so the order goes on to be vended (and is refunded if the vend fails).
        assertThat(result.order().state()).isEqualTo(com.vendstream.order.order.OrderState.VENDING);
        assertThat(racing.find("thin").orElseThrow().getLong("balanceMinor")).isEqualTo(6_000);
        assertThat(racing.statement("thin", null, null, 0, 10)).extracting(Posting::kind)
                .containsExactly("DEBIT", "REFUND", "OPENING");
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
        Document raw = Mono.from(f.mongo.template.getCollection(WalletStore.WALLETS).block()
                .find(new Document("_id", "w")).first()).block();
        assertThat(raw.getList("appliedOps", String.class)).hasSize(3).doesNotContain("order-1:debit");
        assertThat(forgetful.apply("w", "NGN", "order-1:debit", "order-1", "DEBIT", -1_000, Instant.now())).isEmpty();
        assertThat(forgetful.hasApplied("w", "order-1:debit")).isTrue();
        assertThat(forgetful.find("w").orElseThrow().getLong("balanceMinor")).isEqualTo(8_500);
    }
}
