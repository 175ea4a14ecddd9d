package com.vendstream.wallet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger over MongoDB: {@link Wallets} for debits, refunds, PINs and opening, {@link WalletStore} for
 * balances and postings, {@link WalletTransfers} for top-ups. Stateless besides them, so any number of
 * instances (one per order-service process) may share one store.
 */
public class MongoWalletLedger implements WalletLedger {

    private final WalletStore store;
    private final Wallets wallets;
    private final WalletTransfers transfers;

    public MongoWalletLedger(WalletStore store, Wallets wallets, WalletTransfers transfers) {
        this.store = store;
        this.wallets = wallets;
        this.transfers = transfers;
    }

    @Override
    public Optional<DebitResult> authorise(String walletId, String merchantId, String currency, String pin) {
        return wallets.authorise(walletId, merchantId, currency, pin);
    }

    @Override
    public Optional<DebitResult> reauthorise(String walletId, String merchantId, String currency,
                                             boolean authorisedWhenPlaced) {
        return wallets.reauthorise(walletId, merchantId, currency, authorisedWhenPlaced);
    }

    @Override
    public DebitResult debit(String walletId, String orderId, String currency, long amountMinor) {
        return wallets.debit(walletId, orderId, currency, amountMinor);
    }

    @Override
    public boolean fenceDebit(String walletId, String orderId) {
        return wallets.fenceDebit(walletId, orderId);
    }

    @Override
    public CreditResult refund(String walletId, String orderId, String currency, long amountMinor) {
        return wallets.refund(walletId, orderId, currency, amountMinor);
    }

    @Override
    public Optional<Wallet> findOwned(String walletId, String merchantId) {
        return store.findOwned(walletId, merchantId).map(WalletStore.StoredWallet::toWallet);
    }

    @Override
    public List<Wallet> ofMerchant(String merchantId, int page, int size) {
        return store.ofMerchant(merchantId, page, size).stream().map(WalletStore.StoredWallet::toWallet).toList();
    }

    @Override
    public boolean hasFloat(String merchantId, String currency) {
        return store.hasWallet(merchantId, "MERCHANT", currency);
    }

    @Override
    public Opened open(String merchantId, String customerId, String currency, String pin) {
        return wallets.open(merchantId, customerId, currency, pin);
    }

    @Override
    public Optional<WalletRefusal> changePin(String walletId, String merchantId, String currentPin, String newPin) {
        return wallets.changePin(walletId, merchantId, currentPin, newPin);
    }

    @Override
    public List<Posting> statement(String walletId, Instant from, Instant to, int offset, int limit) {
        return store.statement(walletId, from, to, offset, limit);
    }

    @Override
    public void createIfAbsent(String walletId, String merchantId, String ownerType, String currency,
                               long openingBalanceMinor, String pinHash) {
        store.createIfAbsent(walletId, merchantId, ownerType, currency, openingBalanceMinor, pinHash);
    }

    @Override
    public void prepare() {
        store.ensureIndexes();
        transfers.ensureIndexes();
    }

    @Override
    public TopUpResult topUp(TopUp request) {
        return transfers.topUp(request);
    }

    @Override
    public Optional<Transfer> transfer(String transferId) {
        return transfers.find(transferId);
    }

    @Override
    public int recoverTopUps(Duration olderThan) {
        return transfers.recover(olderThan);
    }

    @Override
    public Map<TransferState, Long> countStuckTopUps(Instant createdBefore) {
        return transfers.countStuck(createdBefore);
    }
}
