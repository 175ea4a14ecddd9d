package com.vendstream.recon.ledger;

/** What one consumed event says about an order. */
public enum FactKind {
    ACCEPTED, REJECTED, COMPLETED, REFUNDED,
    VEND_PENDING, VEND_SUCCEEDED, VEND_FAILED, VEND_UNRESOLVED,
    PAYMENT_PENDING, PAYMENT_COLLECTED, PAYMENT_FAILED, PAYOUT_SUCCEEDED, PAYOUT_FAILED;

    public boolean isVendOutcome() {
        return this == VEND_PENDING || this == VEND_SUCCEEDED || this == VEND_FAILED || this == VEND_UNRESOLVED;
    }

    /** A vend outcome that ends the wait for the provider (unresolved ends it too: a person takes over). */
    public boolean isFinalVendOutcome() {
        return this == VEND_SUCCEEDED || this == VEND_FAILED || this == VEND_UNRESOLVED;
    }
}
