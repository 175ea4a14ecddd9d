package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.order.OrderFixture;
import com.vendstream.wallet.WalletLedger.DebitResult;
import com.vendstream.wallet.WalletLedger.Posting;
import com.vendstream.wallet.WalletStore;
import com.vendstream.wallet.Wallets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Invariant 4 where placement meets the ledger: a refused debit is made final through the ledger's fence
 * before the order is rejected (wallet-ledger's own invariants are tested in that module).
 */
class PlacementDebitFenceTest {

    private final OrderFixture f = new OrderFixture();

    @AfterEach
    void close() {
        f.close();
    }

    /**
     * The request and the recovery sweep can both charge an order still RECEIVED. A refusal by one
     * must not become a rejected order that the other's debit, landing later, leaves charged.
     */
    @Test
    void aRejectedOrderNeverKeepsADebitThatLandsLater() {
        f.walletStore.createIfAbsent("thin", "m1", "MERCHANT", "NGN", 1_000, null);
        var rejected = f.placement.place(OrderFixture.airtime("m1", "r-1", 5_000, "thin"), true);
        assertThat(rejected.order().state()).isEqualTo(OrderState.REJECTED);
        // Money arrives, and then the other driver's debit of the same order lands: it is fenced off.
        f.walletStore.apply("thin", "NGN", "credit-1", null, "REFUND", 10_000, Instant.now());
        assertThat(f.wallets.debit("thin", rejected.order().orderId(), "NGN", 5_000)).isNotEqualTo(DebitResult.APPLIED);
        assertThat(f.walletStore.find("thin").orElseThrow().balanceMinor()).isEqualTo(11_000);
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
        Wallets wallets = new Wallets(racing, new BCryptPasswordEncoder(4), f.clock, 5, Duration.ofMinutes(30));
        var placement = new OrderPlacement(f.orders, f.catalog, f.ledger(racing, wallets), f.merchants, f.relay, f.clock);
        racing.createIfAbsent("thin", "m1", "MERCHANT", "NGN", 1_000, null);
        var result = placement.place(OrderFixture.airtime("m1", "r-2", 5_000, "thin"), true);
        // The money moved, so the order goes on to be vended (and is refunded if the vend fails).
        assertThat(result.order().state()).isEqualTo(OrderState.VENDING);
        assertThat(racing.find("thin").orElseThrow().balanceMinor()).isEqualTo(6_000);
        assertThat(racing.statement("thin", null, null, 0, 10)).extracting(Posting::kind)
                .containsExactly("DEBIT", "REFUND", "OPENING");
    }
}
