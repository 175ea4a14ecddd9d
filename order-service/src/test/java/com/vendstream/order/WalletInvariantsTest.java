package com.vendstream.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.wallet.Wallets.DebitResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
        assertThat(f.walletStore.statement("w", 0, 100)).hasSize(33);
        assertThat(results).filteredOn(r -> r != DebitResult.APPLIED).containsOnly(DebitResult.INSUFFICIENT_FUNDS);
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
        List<Document> postings = f.walletStore.statement("w", 0, 10);
        assertThat(postings).extracting(d -> d.getString("type")).containsExactlyInAnyOrder("DEBIT", "REFUND");
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

    private long balance() {
        return f.walletStore.find("w").orElseThrow().getLong("balanceMinor");
    }
}
