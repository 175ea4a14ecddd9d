package com.vendstream.wallet;

import java.time.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import com.vendstream.wallet.WalletLedger.CreditResult;
import com.vendstream.wallet.WalletLedger.DebitResult;
import com.vendstream.wallet.WalletLedger.Opened;
import com.vendstream.wallet.WalletStore.StoredWallet;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Debits, refunds, PIN checks and lockout, opening customers' wallets (the operations behind
 * {@link WalletLedger}; {@link WalletStore} keeps the balances and postings). Each order has at most one debit
 * and at most one refund, identified by operation ids derived from the order id, so a retried step is
 * recognised and not applied again.
 */
public class Wallets {

    /**
     * A reserved PIN check not finished after this long is taken to have died with its process; a
     * BCrypt comparison takes well under a second.
     */
    static final Duration STALE_PIN_CHECK = Duration.ofMinutes(2);

    private final WalletStore store;
    private final PasswordEncoder pins;
    private final Clock clock;
    private final int maxPinAttempts;
    private final Duration lockFor;
    private final MeterRegistry meters;

    public Wallets(WalletStore store, PasswordEncoder pins, Clock clock, int maxPinAttempts, Duration lockFor) {
        this(store, pins, clock, maxPinAttempts, lockFor, new CompositeMeterRegistry());
    }

    /** @param meters counts PIN checks ({@code vendstream.wallet.pin.checks{result}}) and refused ones */
    public Wallets(WalletStore store, PasswordEncoder pins, Clock clock, int maxPinAttempts, Duration lockFor,
                   MeterRegistry meters) {
        this.store = store;
        this.pins = pins;
        this.clock = clock;
        this.maxPinAttempts = maxPinAttempts;
        this.lockFor = lockFor;
        this.meters = meters;
    }

    /** Checks ownership, lock and PIN before money moves; empty when the payer may be charged. */
    public Optional<DebitResult> authorise(String walletId, String merchantId, String currency, String pin) {
        // Another merchant's wallet is indistinguishable from an unknown one, so no merchant can probe another's.
        Optional<StoredWallet> found = store.findOwned(walletId, merchantId);
        if (found.isEmpty()) {
            return Optional.of(DebitResult.UNKNOWN_WALLET);
        }
        StoredWallet wallet = found.get();
        Optional<DebitResult> standing = standing(wallet, currency);
        if (standing.isPresent()) {
            return standing;
        }
        if (wallet.pinHash() == null) {
            return Optional.empty();
        }
        if (pin == null || pin.isBlank()) {
            return Optional.of(DebitResult.PIN_REQUIRED);
        }
        return checkPin(walletId, pin);
    }

    /**
     * Compares a PIN only after reserving the attempt in the wallet document, so parallel requests share
     * the limit instead of each reading "not locked" before any of them is counted: at most
     * {@code maxPinAttempts} wrong PINs are ever compared before the wallet locks. A right PIN gives its
     * place back and forgets earlier wrong ones; a wrong one keeps its place, and the one reaching the
     * limit locks the wallet.
     */
    private Optional<DebitResult> checkPin(String walletId, String pin) {
        Instant now = clock.instant();
        Optional<WalletStore.PinCheck> check = store.reservePinCheck(walletId, maxPinAttempts, now, STALE_PIN_CHECK);
        if (check.isEmpty()) {
            // Locked, or as many checks as the limit allows are under way: either way none is made.
            meters.counter("vendstream.wallet.pin.refused").increment();
            return Optional.of(DebitResult.LOCKED);
        }
        boolean right;
        try {
            right = check.get().pinHash() == null || pins.matches(pin, check.get().pinHash());
        } catch (RuntimeException e) {
            store.releasePinCheck(walletId, 0);
            throw e;
        }
        meters.counter("vendstream.wallet.pin.checks", "result", right ? "correct" : "wrong").increment();
        if (right) {
            store.releasePinCheck(walletId, check.get().failuresBefore());
            return Optional.empty();
        }
        return Optional.of(store.recordWrongPin(walletId, maxPinAttempts, now.plus(lockFor))
                ? DebitResult.LOCKED : DebitResult.WRONG_PIN);
    }

    /**
     * The authorisation again, for an order a crash left stored but not charged (the recovery sweep):
     * owner, currency and lock as {@link #authorise} checks them. The PIN cannot be checked again, since it
     * is never stored: a wallet with a PIN is charged only for an order whose PIN was checked before the
     * order was stored ({@code authorisedWhenPlaced}), otherwise it is PIN_REQUIRED.
     */
    public Optional<DebitResult> reauthorise(String walletId, String merchantId, String currency,
                                             boolean authorisedWhenPlaced) {
        Optional<StoredWallet> found = store.findOwned(walletId, merchantId);
        if (found.isEmpty()) {
            return Optional.of(DebitResult.UNKNOWN_WALLET);
        }
        Optional<DebitResult> standing = standing(found.get(), currency);
        if (standing.isPresent() || authorisedWhenPlaced || found.get().pinHash() == null) {
            return standing;
        }
        return Optional.of(DebitResult.PIN_REQUIRED);
    }

    /** What refuses any charge to the merchant's own wallet before its PIN is looked at: currency, lock. */
    private Optional<DebitResult> standing(StoredWallet wallet, String currency) {
        if (!currency.equals(wallet.currency())) {
            return Optional.of(DebitResult.CURRENCY_MISMATCH);
        }
        Instant lockedUntil = wallet.lockedUntil();
        if (lockedUntil != null && lockedUntil.isAfter(clock.instant())) {
            return Optional.of(DebitResult.LOCKED);
        }
        return Optional.empty();
    }

    /**
     * Takes the order's amount once; a repeated call for the same order reports APPLIED again. Only a
     * positive amount is taken: a debit of a negative amount would credit the wallet.
     */
    public DebitResult debit(String walletId, String orderId, String currency, long amountMinor) {
        if (amountMinor <= 0) {
            return DebitResult.INVALID_AMOUNT;
        }
        String op = WalletLedger.debitOp(orderId);
        // The posting is recorded by the same update that moves the money (see WalletStore).
        if (store.apply(walletId, currency, op, orderId, "DEBIT", -amountMinor, clock.instant()).isPresent()) {
            return DebitResult.APPLIED;
        }
        return whyNotApplied(walletId, op, currency);
    }

    /**
     * Makes a refused debit of the order final: burns its operation id so that a debit of the same order
     * still in flight elsewhere (the request and the recovery sweep can both charge an order) can no
     * longer land. Returns false when such a debit had already landed, i.e. the money moved after all.
     */
    public boolean fenceDebit(String walletId, String orderId) {
        return !store.fence(walletId, WalletLedger.debitOp(orderId));
    }

    /**
     * Why a guarded debit changed nothing: APPLIED if an earlier attempt made it (its posting filed now,
     * in case a crash interrupted that), otherwise the reason it is refused.
     */
    DebitResult whyNotApplied(String walletId, String op, String currency) {
        if (store.hasApplied(walletId, op)) {
            // A retry after a crash: the money moved before; finish filing its posting if the crash interrupted it.
            store.file(walletId);
            return DebitResult.APPLIED;
        }
        Optional<StoredWallet> wallet = store.find(walletId);
        if (wallet.isEmpty()) {
            return DebitResult.UNKNOWN_WALLET;
        }
        if (!currency.equals(wallet.get().currency())) {
            return DebitResult.CURRENCY_MISMATCH;
        }
        return DebitResult.INSUFFICIENT_FUNDS;
    }

    /**
     * Gives the order's debit back once, to the wallet it was taken from: APPLIED when the refund's
     * posting is in that wallet (now, or by an earlier call; a repeat moves nothing). A refund with no
     * wallet, an unknown one, one of another currency, or one this order never debited is refused: it
     * would return nothing, or create money. The posting id is {@link WalletLedger#refundOp}.
     */
    public CreditResult refund(String walletId, String orderId, String currency, long amountMinor) {
        if (walletId == null) {
            return CreditResult.UNKNOWN_WALLET;
        }
        if (!store.hasApplied(walletId, WalletLedger.debitOp(orderId))) {
            return store.find(walletId).isEmpty() ? CreditResult.UNKNOWN_WALLET : CreditResult.NOT_DEBITED;
        }
        String op = WalletLedger.refundOp(orderId);
        if (store.apply(walletId, currency, op, orderId, "REFUND", amountMinor, clock.instant()).isPresent()) {
            return CreditResult.APPLIED;
        }
        return switch (whyNotApplied(walletId, op, currency)) {
            case APPLIED -> CreditResult.APPLIED;
            case UNKNOWN_WALLET -> CreditResult.UNKNOWN_WALLET;
            case CURRENCY_MISMATCH -> CreditResult.CURRENCY_MISMATCH;
            default -> throw new IllegalStateException("Refund " + op + " was neither applied nor refused");
        };
    }

    public String hashPin(String pin) {
        return pins.encode(pin);
    }

    /**
     * Opens the merchant's wallet for this customer and currency, once: a repeated or concurrent call
     * gets the same wallet (the unique customer key decides) and its PIN, if any, is ignored. The
     * balance starts at zero, so money enters only by a top-up from the merchant's float.
     */
    public Opened open(String merchantId, String customerId, String currency, String pin) {
        Optional<StoredWallet> existing = store.findCustomerWallet(merchantId, customerId, currency);
        if (existing.isPresent()) {
            return new Opened(existing.get().toWallet(), false);
        }
        // Random, not derived from the customer reference, so a wallet id tells nothing about the customer.
        String walletId = "wal_" + UUID.randomUUID().toString().replace("-", "");
        Optional<StoredWallet> opened = store.openCustomerWallet(walletId, merchantId, customerId, currency,
                pin == null ? null : hashPin(pin));
        return opened.map(w -> new Opened(w.toWallet(), true)).orElseGet(() -> new Opened(
                store.findCustomerWallet(merchantId, customerId, currency).orElseThrow().toWallet(), false));
    }

    /**
     * Sets a new PIN after checking the current one exactly as a debit does (a wrong one counts toward
     * the lock). Returns the refusal, or empty when the PIN was changed. The wallet must be the merchant's.
     */
    public Optional<WalletRefusal> changePin(String walletId, String merchantId, String currentPin, String newPin) {
        Optional<StoredWallet> wallet = store.findOwned(walletId, merchantId);
        if (wallet.isEmpty()) {
            return Optional.of(WalletRefusal.UNKNOWN_WALLET);
        }
        if (!"CUSTOMER".equals(wallet.get().ownerType())) {
            // A PIN set on a float would make every order paid from it fail for want of the PIN.
            return Optional.of(WalletRefusal.NOT_A_CUSTOMER_WALLET);
        }
        String oldHash = wallet.get().pinHash();
        Optional<DebitResult> refused = authorise(walletId, merchantId, wallet.get().currency(), currentPin);
        if (refused.isPresent()) {
            return refused.map(WalletRefusal::of);
        }
        if (!store.replacePinHash(walletId, oldHash, hashPin(newPin))) {
            // Changed by someone else since it was read: the current PIN checked may no longer be the wallet's.
            return Optional.of(WalletRefusal.PIN_CHANGED);
        }
        return Optional.empty();
    }
}
