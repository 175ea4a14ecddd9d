package com.vendstream.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Transfers stored before the ledger left order-service carry fingerprints computed there; a replay of one must
 * still be told from a conflicting top-up, so the fingerprint is pinned to its stored form, not recomputed.
 */
class TopUpFingerprintTest {

    @Test
    void theFingerprintIsTheSha256HexOfFromToAmountAndCurrencyAsStored() {
        WalletLedger.TopUp topUp = new WalletLedger.TopUp("m-1", "ref-1", "w-a", "w-b", 5000, "NGN");
        assertThat(WalletTransfers.fingerprint(topUp))
                .isEqualTo("5f21f0a1c6cb0561ee60a36341946fef4267cb0795f2d868a01a8903349887c4");
        assertThat(WalletTransfers.fingerprint(new WalletLedger.TopUp("m-2", "ref-2", "w-a", "w-b", 5000, "NGN")))
                .as("merchant and reference are not part of it").isEqualTo(WalletTransfers.fingerprint(topUp));
        assertThat(WalletTransfers.fingerprint(new WalletLedger.TopUp("m-1", "ref-1", "w-a", "w-b", 5001, "NGN")))
                .isNotEqualTo(WalletTransfers.fingerprint(topUp));
    }
}
