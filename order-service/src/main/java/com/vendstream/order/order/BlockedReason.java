package com.vendstream.order.order;

/**
 * Why the recovery sweep could not move an order on (the {@code reason} tag of
 * {@code vendstream.order.blocked}). Such an order keeps its state and is tried again after a backoff.
 */
public enum BlockedReason {
    /** The wallet refund was not applied: no wallet, an unknown one, another currency, or no debit to give back. */
    WALLET_CREDIT_REFUSED,
    /** A mobile-money order, and no mobile-money gateway is configured to collect or pay it back. */
    NO_MOBILE_MONEY,
    /** The payout was refused (nothing was paid); the next attempt uses a new payout reference. */
    PAYOUT_FAILED,
    /** The payout could not be sent for a passing reason (no session, throttled); sent again after its pause. */
    PAYOUT_NOT_SENT,
    /** The payout's outcome is not known yet; status-poller follows it by its reference. */
    PAYOUT_PENDING,
    /** Moving it threw (the store or a gateway failing); see the log. */
    ERROR
}
