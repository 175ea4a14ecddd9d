package com.vendstream.wallet;

/**
 * Why the wallet API refused a request: the problem's {@code reasonCode}, its HTTP status and the
 * message a merchant's developer reads. Another merchant's wallet is {@link #UNKNOWN_WALLET} too.
 */
public enum WalletRefusal {
    UNKNOWN_WALLET(404, "No such wallet"),
    UNSUPPORTED_CURRENCY(422, "The merchant has no float wallet in this currency"),
    PIN_REQUIRED(422, "This wallet has a PIN: currentPin is required"),
    WRONG_PIN(422, "Wrong wallet PIN"),
    WALLET_LOCKED(422, "The wallet is locked after too many wrong PINs; try again later"),
    PIN_CHANGED(409, "The PIN was changed by another request at the same time; try again"),
    INVALID_AMOUNT(422, "amount.minor must be greater than zero"),
    CURRENCY_MISMATCH(422, "The amount's currency is not the currency of both wallets"),
    NOT_A_FLOAT_WALLET(422, "Top-ups come only from one of the merchant's float (MERCHANT) wallets"),
    NOT_A_CUSTOMER_WALLET(422, "Only a CUSTOMER wallet can be topped up"),
    INSUFFICIENT_FUNDS(422, "The float wallet's balance is too low"),
    DUPLICATE_REFERENCE_CONFLICT(409, "This reference was already used for a different top-up");

    private final int status;
    private final String message;

    WalletRefusal(int status, String message) {
        this.status = status;
        this.message = message;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    /** The wallet API's name for a refused PIN check or debit. */
    static WalletRefusal of(WalletLedger.DebitResult result) {
        return switch (result) {
            case UNKNOWN_WALLET, NOT_OWNER -> UNKNOWN_WALLET;
            case CURRENCY_MISMATCH -> CURRENCY_MISMATCH;
            case LOCKED -> WALLET_LOCKED;
            case WRONG_PIN -> WRONG_PIN;
            case PIN_REQUIRED -> PIN_REQUIRED;
            case INSUFFICIENT_FUNDS -> INSUFFICIENT_FUNDS;
            case INVALID_AMOUNT -> INVALID_AMOUNT;
            case APPLIED -> throw new IllegalArgumentException("not a refusal");
        };
    }
}
