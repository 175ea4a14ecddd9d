package com.vendstream.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.vendstream.wallet.WalletLedger.Posting;
import com.vendstream.wallet.WalletLedger.TopUp;
import com.vendstream.wallet.WalletLedger.TopUpOutcome;
import com.vendstream.wallet.WalletLedger.TopUpResult;
import com.vendstream.wallet.WalletLedger.Transfer;
import com.vendstream.wallet.WalletLedger.TransferState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Invariant 4 for top-ups, which change two wallet documents without a transaction: the float never
 * goes negative, the sum of the float and the customers' wallets never changes, and a crash at any
 * step is finished by the recovery sweep with each wallet moved exactly once.
 */
class WalletTopUpInvariantsTest {

    private static final long FLOAT = 10_000;

    private final LedgerFixture f = new LedgerFixture();
    private final WalletTransfers transfers = new WalletTransfers(f.mongo.template, f.walletStore, f.wallets, f.clock);

    @BeforeEach
    void wallets() {
        transfers.ensureIndexes();
        f.walletStore.createIfAbsent("float", "m1", "MERCHANT", "NGN", FLOAT, null);
        for (int i = 0; i < 5; i++) {
            f.walletStore.createIfAbsent("c" + i, "m1", "CUSTOMER", "NGN", 0, null);
        }
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static TopUp topUp(String reference, String to, long minor) {
        return new TopUp("m1", reference, "float", to, minor, "NGN");
    }

    private long balance(String walletId) {
        return f.walletStore.find(walletId).orElseThrow().balanceMinor();
    }

    private long total() {
        long sum = balance("float");
        for (int i = 0; i < 5; i++) {
            sum += balance("c" + i);
        }
        return sum;
    }

    private List<Posting> statement(String walletId) {
        return f.walletStore.statement(walletId, null, null, 0, 200);
    }

    @Test
    void parallelTopUpsNeverOverdrawTheFloatAndConserveMoney() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<TopUpResult>> calls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String reference = "r-" + i;
            String to = "c" + (i % 5);
            calls.add(() -> transfers.topUp(topUp(reference, to, 300)));
        }
        List<TopUpResult> results = new ArrayList<>();
        for (Future<TopUpResult> r : pool.invokeAll(calls)) {
            results.add(r.get());
        }
        pool.shutdown();

        List<Transfer> completed = results.stream().map(TopUpResult::transfer)
                .filter(t -> t.state() == TransferState.COMPLETED).toList();
        assertThat(completed).hasSize(33);
        assertThat(results).filteredOn(r -> r.transfer().state() != TransferState.COMPLETED)
                .allSatisfy(r -> assertThat(r.transfer().state()).isEqualTo(TransferState.FAILED))
                .extracting(r -> r.transfer().failureReason()).containsOnly("INSUFFICIENT_FUNDS");
        assertThat(balance("float")).isEqualTo(FLOAT - 33 * 300);
        assertThat(total()).isEqualTo(FLOAT);
        for (int i = 0; i < 5; i++) {
            String wallet = "c" + i;
            long toIt = completed.stream().filter(t -> t.toWalletId().equals(wallet)).count();
            assertThat(balance(wallet)).as(wallet).isEqualTo(toIt * 300);
            assertThat(statement(wallet)).filteredOn(p -> p.kind().equals("TOPUP_IN")).hasSize((int) toIt);
        }
        assertThat(statement("float")).filteredOn(p -> p.kind().equals("TOPUP_OUT")).hasSize(33)
                .allSatisfy(p -> assertThat(p.transferId()).isNotNull());
    }

    /**
     * Item 5 with both kinds of debit: top-ups and orders drain one float from 16 callers at once. The
     * float never goes below zero at any posting, each top-up and order moves money once, and the float,
     * the customers and the orders' charges still add up to the float's opening.
     */
    @Test
    void topUpsAndOrderDebitsRacingOnOneFloatMoveEachOnceAndConserveMoney() throws Exception {
        // Two order-service instances on one store, each with its own wallet store (its own batches): the
        // database guards are what keeps their updates of the float apart.
        WalletStore secondStore = new WalletStore(f.mongo.template);
        var secondWallets = new Wallets(secondStore,
                new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4), f.clock, 5,
                java.time.Duration.ofMinutes(30));
        List<WalletTransfers> transferInstances = List.of(transfers,
                new WalletTransfers(f.mongo.template, secondStore, secondWallets, f.clock));
        List<Wallets> walletInstances = List.of(f.wallets, secondWallets);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<Object>> calls = new ArrayList<>();
        List<TopUpResult> topUps = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Set<String> charged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 40; i++) {
            String reference = "r-" + i;
            String to = "c" + (i % 5);
            String orderId = "order-" + i;
            WalletTransfers viaTransfers = transferInstances.get(i % 2);
            var viaWallets = walletInstances.get((i + 1) % 2);
            calls.add(() -> topUps.add(viaTransfers.topUp(topUp(reference, to, 300))));
            calls.add(() -> {
                if (viaWallets.debit("float", orderId, "NGN", 200) == WalletLedger.DebitResult.APPLIED) {
                    charged.add(orderId);
                }
                return null;
            });
        }
        for (Future<Object> r : pool.invokeAll(calls)) {
            r.get();
        }
        pool.shutdown();

        long completed = topUps.stream().filter(r -> r.transfer().state() == TransferState.COMPLETED).count();
        assertThat(topUps).extracting(r -> r.transfer().state()).containsOnly(TransferState.COMPLETED, TransferState.FAILED);
        // 40 x 300 + 40 x 200 = 20,000 asked of 10,000.
        assertThat(completed * 300 + charged.size() * 200L).isGreaterThan(9_500).isLessThanOrEqualTo(FLOAT);
        assertThat(balance("float")).isEqualTo(FLOAT - completed * 300 - charged.size() * 200L);
        assertThat(total() + charged.size() * 200L).isEqualTo(FLOAT);
        List<Posting> floatStatement = statement("float");
        assertThat(floatStatement).filteredOn(p -> p.kind().equals("TOPUP_OUT")).hasSize((int) completed);
        assertThat(floatStatement).filteredOn(p -> p.kind().equals("DEBIT")).extracting(Posting::orderId)
                .containsExactlyInAnyOrderElementsOf(charged);
        assertThat(floatStatement).allSatisfy(p -> assertThat(p.balanceAfterMinor()).as(p.id()).isNotNegative());
        assertThat(floatStatement.get(0).balanceAfterMinor()).isEqualTo(balance("float"));
    }

    @Test
    void theSameReferenceSentManyTimesAtOnceMovesMoneyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<TopUpResult>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(() -> transfers.topUp(topUp("same", "c0", 1_000)));
        }
        List<TopUpResult> results = new ArrayList<>();
        for (Future<TopUpResult> r : pool.invokeAll(calls)) {
            results.add(r.get());
        }
        pool.shutdown();
        assertThat(results).extracting(r -> r.transfer().transferId()).containsOnly(results.get(0).transfer().transferId());
        assertThat(results).extracting(TopUpResult::outcome).containsOnly(TopUpOutcome.CREATED, TopUpOutcome.REPLAYED)
                .filteredOn(o -> o == TopUpOutcome.CREATED).hasSize(1);
        assertThat(balance("c0")).isEqualTo(1_000);
        assertThat(balance("float")).isEqualTo(FLOAT - 1_000);
    }

    // --- a crash at each step, then the sweep ---

    /** Where the process dies: what it did before the crash stays done. */
    private enum Crash { BEFORE_DEBIT, AFTER_DEBIT_BEFORE_RECORDING_IT, AFTER_DEBIT, AFTER_CREDIT_BEFORE_RECORDING_IT }

    private WalletTransfers crashing(Crash crash) {
        return new WalletTransfers(f.mongo.template, f.walletStore, f.wallets, f.clock) {
            @Override
            protected Transfer debit(Transfer t) {
                if (crash == Crash.BEFORE_DEBIT) {
                    throw new IllegalStateException("crash before the debit");
                }
                if (crash == Crash.AFTER_DEBIT_BEFORE_RECORDING_IT) {
                    // The wallet update happened; the transfer was not yet marked DEBITED.
                    f.walletStore.apply(t.fromWalletId(), t.currency(), WalletTransfers.outOp(t.transferId()), null,
                            t.transferId(), "TOPUP_OUT", -t.amountMinor(), Instant.now());
                    throw new IllegalStateException("crash after the debit");
                }
                return super.debit(t);
            }

            @Override
            protected Transfer credit(Transfer t) {
                if (crash == Crash.AFTER_CREDIT_BEFORE_RECORDING_IT) {
                    // The credit happened; the transfer was not yet marked COMPLETED.
                    f.walletStore.apply(t.toWalletId(), t.currency(), WalletTransfers.inOp(t.transferId()), null,
                            t.transferId(), "TOPUP_IN", t.amountMinor(), Instant.now());
                }
                throw new IllegalStateException("crash at the credit");
            }
        };
    }

    private void crashIn(Crash crash) {
        assertThatThrownBy(() -> crashing(crash).topUp(topUp("r-1", "c0", 2_500))).hasMessageContaining("crash");
    }

    private Document stored(String reference) {
        return Mono.from(f.mongo.template.getCollection(WalletTransfers.TRANSFERS).block()
                .find(new Document("reference", reference)).first()).block();
    }

    /** Lets the crashed top-up be found by the sweep (with several sweepers at once) and checks it moved money once. */
    private void sweepAndExpectExactlyOnce(String reference, String leftIn, long floatAfterCrash, long targetAfterCrash)
            throws Exception {
        assertThat(stored(reference).getString("state")).isEqualTo(leftIn);
        assertThat(balance("float")).isEqualTo(floatAfterCrash);
        assertThat(balance("c0")).isEqualTo(targetAfterCrash);

        ExecutorService sweepers = Executors.newFixedThreadPool(4);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            List<Callable<Integer>> sweeps = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sweeps.add(() -> transfers.recover(Duration.ZERO));
            }
            sweepers.invokeAll(sweeps);
            return TransferState.COMPLETED.name().equals(stored(reference).getString("state"));
        });
        // More sweeps find nothing more to do.
        assertThat(transfers.recover(Duration.ZERO)).isZero();
        sweepers.shutdown();

        assertThat(balance("float")).isEqualTo(FLOAT - 2_500);
        assertThat(balance("c0")).isEqualTo(2_500);
        assertThat(total()).isEqualTo(FLOAT);
        String id = stored(reference).getString("_id");
        assertThat(statement("float")).extracting(Posting::id).containsExactly(id + ":out", "float:opening");
        assertThat(statement("c0")).extracting(Posting::id).containsExactly(id + ":in", "c0:opening");
        assertThat(statement("c0").get(0).balanceAfterMinor()).isEqualTo(2_500);
    }

    @Test
    void aCrashAfterTheDebitIsFinishedByTheSweepCreditingOnce() throws Exception {
        crashIn(Crash.AFTER_DEBIT);
        // Money in flight: taken from the float, not yet given, and the transfer says so.
        sweepAndExpectExactlyOnce("r-1", "DEBITED", FLOAT - 2_500, 0);
    }

    @Test
    void aCrashAfterTheCreditButBeforeItWasRecordedIsCompletedWithoutASecondCredit() throws Exception {
        crashIn(Crash.AFTER_CREDIT_BEFORE_RECORDING_IT);
        sweepAndExpectExactlyOnce("r-1", "DEBITED", FLOAT - 2_500, 2_500);
    }

    @Test
    void aCrashAfterTheDebitButBeforeItWasRecordedIsFinishedWithoutASecondDebit() throws Exception {
        crashIn(Crash.AFTER_DEBIT_BEFORE_RECORDING_IT);
        sweepAndExpectExactlyOnce("r-1", "PENDING", FLOAT - 2_500, 0);
    }

    @Test
    void aCrashBeforeTheDebitIsCarriedOutByTheSweep() throws Exception {
        crashIn(Crash.BEFORE_DEBIT);
        sweepAndExpectExactlyOnce("r-1", "PENDING", FLOAT, 0);
    }

    @Test
    void aRefusedDebitFailsTheTransferWithNothingMovedAndTheSweepLeavesItAlone() {
        TopUpResult result = transfers.topUp(topUp("r-1", "c0", FLOAT + 1));
        assertThat(result.transfer().state()).isEqualTo(TransferState.FAILED);
        assertThat(result.transfer().failureReason()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(transfers.recover(Duration.ZERO)).isZero();
        assertThat(balance("float")).isEqualTo(FLOAT);
        assertThat(balance("c0")).isZero();
        assertThat(statement("float")).extracting(Posting::kind).containsExactly("OPENING");
        // The replay answers with the failed transfer; nothing is retried.
        TopUpResult replay = transfers.topUp(topUp("r-1", "c0", FLOAT + 1));
        assertThat(replay.outcome()).isEqualTo(TopUpOutcome.REPLAYED);
        assertThat(replay.transfer().transferId()).isEqualTo(result.transfer().transferId());
        assertThat(balance("float")).isEqualTo(FLOAT);
    }

    /**
     * The double fault: a request's debit is refused and, before it records FAILED, a sweeper that took
     * the same transfer debits once funds are there. Whichever order the two wallet updates land in,
     * the float and the customer end up consistent with the transfer's final state, and the sum holds.
     */
    @Test
    void aRefusalRacingAStalledSweepersDebitNeverLeavesTheFloatShort() {
        f.walletStore.createIfAbsent("thin", "m1", "MERCHANT", "NGN", 1_000, null);
        // The stalled request: its debit was refused (1,000 available, 2,500 asked) and it now fails the transfer.
        TopUpResult refused = transfers.topUp(new TopUp("m1", "r-race", "thin", "c1", 2_500, "NGN"));
        assertThat(refused.transfer().state()).isEqualTo(TransferState.FAILED);
        String op = WalletTransfers.outOp(refused.transfer().transferId());
        // Funds arrive, and the sweeper that had claimed the transfer earlier now makes its debit: fenced off.
        f.walletStore.apply("thin", "NGN", "top-up-of-thin", null, null, "REFUND", 5_000, Instant.now());
        assertThat(f.walletStore.apply("thin", "NGN", op, null, refused.transfer().transferId(), "TOPUP_OUT", -2_500,
                Instant.now())).isEmpty();
        assertThat(balance("thin")).isEqualTo(6_000);
        assertThat(f.walletStore.hasApplied("thin", op)).isFalse();

        // The other order: the request is refused, and the sweeper's debit lands before the refusal is fenced.
        f.walletStore.createIfAbsent("thin2", "m1", "MERCHANT", "NGN", 1_000, null);
        com.vendstream.wallet.WalletStore racing = new com.vendstream.wallet.WalletStore(f.mongo.template) {
            @Override
            protected void burn(String walletId, String opId) {
                apply(walletId, "NGN", "top-up-of-thin2", null, null, "REFUND", 5_000, Instant.now());
                apply(walletId, "NGN", opId, null, opId.replace(":out", ""), "TOPUP_OUT", -2_500, Instant.now());
                super.burn(walletId, opId);
            }
        };
        TopUpResult landed = new WalletTransfers(f.mongo.template, racing, f.wallets, f.clock)
                .topUp(new TopUp("m1", "r-race-2", "thin2", "c2", 2_500, "NGN"));
        // The money moved, so the transfer goes on and the customer gets it, once.
        assertThat(landed.transfer().state()).isEqualTo(TransferState.COMPLETED);
        assertThat(balance("thin2")).isEqualTo(3_500);
        assertThat(balance("c2")).isEqualTo(2_500);
        assertThat(statement("c2")).extracting(Posting::kind).containsExactly("TOPUP_IN", "OPENING");
    }
}
