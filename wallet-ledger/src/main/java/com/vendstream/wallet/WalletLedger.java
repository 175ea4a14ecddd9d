package com.vendstream.wallet;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The wallet ledger as order-service sees it: accounts (a merchant's float wallets and its customers'
 * wallets), their postings, PIN checks, and money moved by idempotent operations. Every operation that
 * moves money has an id ({@link #debitOp}, {@link #refundOp}, a top-up's transfer id), and repeating it
 * moves nothing more. Implemented over MongoDB by {@link MongoWalletLedger}.
 */
public interface WalletLedger {

    /** The operation id of an order's debit: at most one per order. */
    static String debitOp(String orderId) {
        return orderId + ":debit";
    }

    /** The operation id of an order's refund: at most one per order, and only of a debit that was made. */
    static String refundOp(String orderId) {
        return orderId + ":refund";
    }

    // --- paying for orders ---

    /** Checks ownership, currency, lock and PIN before money moves; empty when the payer may be charged. */
    Optional<DebitResult> authorise(String walletId, String merchantId, String currency, String pin);

    /**
     * The authorisation again for an order stored but not charged (the recovery sweep). The PIN is never
     * stored, so a wallet with a PIN is charged only if it was checked when the order was placed.
     */
    Optional<DebitResult> reauthorise(String walletId, String merchantId, String currency, boolean authorisedWhenPlaced);

    /** Takes the order's amount once; a repeat for the same order answers APPLIED again. */
    DebitResult debit(String walletId, String orderId, String currency, long amountMinor);

    /**
     * Makes a refused debit of the order final, so a debit of it still in flight elsewhere can no longer
     * land. False when such a debit had already landed: the money moved after all.
     */
    boolean fenceDebit(String walletId, String orderId);

    /** Gives the order's debit back once, to the wallet it was taken from; only APPLIED means it is back. */
    CreditResult refund(String walletId, String orderId, String currency, long amountMinor);

    // --- accounts ---

    /** The wallet if it belongs to this merchant: another merchant's wallet is as absent as an unknown one. */
    Optional<Wallet> findOwned(String walletId, String merchantId);

    /** A merchant's wallets by id. */
    List<Wallet> ofMerchant(String merchantId, int page, int size);

    /** Whether the merchant has a float (MERCHANT) wallet in this currency. */
    boolean hasFloat(String merchantId, String currency);

    /** Opens the merchant's wallet for this customer and currency once, with a zero balance. */
    Opened open(String merchantId, String customerId, String currency, String pin);

    /** Sets a new PIN after checking the current one as a debit does; empty when changed. */
    Optional<WalletRefusal> changePin(String walletId, String merchantId, String currentPin, String newPin);

    /** Postings newest first, at or after {@code from} and before {@code to} (either may be null). */
    List<Posting> statement(String walletId, Instant from, Instant to, int offset, int limit);

    /** Creates a configured wallet unless it exists; an existing wallet keeps its balance. */
    void createIfAbsent(String walletId, String merchantId, String ownerType, String currency, long openingBalanceMinor,
                        String pinHash);

    /** Indexes and the conversion of wallets stored in older shapes; before this instance moves any money. */
    void prepare();

    // --- top-ups ---

    /** Stores and carries out a top-up from a float to a customer's wallet, or answers a repeated reference. */
    TopUpResult topUp(TopUp request);

    Optional<Transfer> transfer(String transferId);

    /** Finishes top-ups a crash left unfinished for longer than {@code olderThan}; returns how many it drove. */
    int recoverTopUps(Duration olderThan);

    /** Top-ups created before {@code createdBefore} still PENDING or DEBITED (money in flight), by state. */
    Map<TransferState, Long> countStuckTopUps(Instant createdBefore);

    // --- value types ---

    enum DebitResult { APPLIED, INSUFFICIENT_FUNDS, UNKNOWN_WALLET, CURRENCY_MISMATCH, NOT_OWNER, LOCKED, WRONG_PIN,
        PIN_REQUIRED, INVALID_AMOUNT }

    /** What a refund found; only APPLIED means the money is back in the wallet. */
    enum CreditResult { APPLIED, UNKNOWN_WALLET, CURRENCY_MISMATCH, NOT_DEBITED }

    /**
     * An account. {@code ownerType} is MERCHANT (a float) or CUSTOMER; {@code customerId} is set for wallets
     * opened through the API; {@code lockedUntil} is the last lock after too many wrong PINs (it may have
     * passed). The PIN hash never leaves the ledger: a wallet only says whether it has a PIN.
     */
    record Wallet(String walletId, String merchantId, String ownerType, String customerId, String currency,
                  long balanceMinor, boolean pinSet, Instant lockedUntil, Instant createdAt) {
    }

    /** A customer's wallet and whether this call opened it (false: it was already open). */
    record Opened(Wallet wallet, boolean created) {
    }

    /**
     * One line of a wallet's statement; {@code amountMinor} is signed (negative for a debit). An order's
     * posting names its {@code orderId}, a top-up's its {@code transferId}; the opening names neither.
     */
    record Posting(String id, long seq, String walletId, String kind, String orderId, String transferId,
                   long amountMinor, String currency, long balanceAfterMinor, Instant at) {
    }

    /** What a merchant asked for; {@code reference} is its idempotency key. */
    record TopUp(String merchantId, String reference, String fromWalletId, String toWalletId, long amountMinor,
                 String currency) {
    }

    enum TransferState { PENDING, DEBITED, COMPLETED, FAILED }

    /** @param fromBalanceAfterMinor null until known (and when a crash hid it: the statement has it) */
    record Transfer(String transferId, String merchantId, String reference, String fromWalletId,
                    String toWalletId, long amountMinor, String currency, TransferState state, String failureReason,
                    Long fromBalanceAfterMinor, Long toBalanceAfterMinor, Instant createdAt, Instant updatedAt) {
    }

    enum TopUpOutcome { CREATED, REPLAYED, CONFLICT, REFUSED }

    /** @param refusal set for REFUSED and CONFLICT, and for a transfer that FAILED */
    record TopUpResult(TopUpOutcome outcome, Transfer transfer, WalletRefusal refusal) {
    }
}
