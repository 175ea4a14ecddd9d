package com.vendstream.order.order;

import java.util.EnumSet;
import java.util.Set;

/**
 * An order's lifecycle. COMPLETED, REFUNDED and REJECTED are final; UNRESOLVED is terminal for the
 * automated flow (escalated, money held) but a late provider answer may still settle it.
 */
public enum OrderState {
    /** Stored; the payer has not been charged yet (or the charge's outcome is being confirmed). */
    RECEIVED,
    /**
     * Mobile-money collection executed; waiting for the payer to approve it. Also while a collection
     * that could not be started for a passing reason (provider throttled or unreachable) waits to be
     * tried again ({@code payment.notSent.retryAt}), and while a collection call is under way
     * ({@code payment.sendingUntil}).
     */
    AWAITING_PAYMENT,
    /**
     * The collection's status stayed unknown past the provider's requery deadline (PaymentUnresolved):
     * money may or may not have left the payer. Still requeried slowly; a late COMPLETED leads to the
     * vend and a late FAILED to the rejection, else a person settles it.
     */
    PAYMENT_UNRESOLVED,
    /** Charged; the vend was requested. */
    VENDING,
    /** The provider's outcome is uncertain and being requeried. */
    VEND_PENDING,
    /** Requery found no answer in time; escalated for manual review. */
    UNRESOLVED,
    /** Delivered; money kept. */
    COMPLETED,
    /** The vend failed; the refund is being made. */
    REFUNDING,
    /** The vend failed and the payer got the money back. */
    REFUNDED,
    /**
     * Refused before any vend; nothing charged. Should a mobile-money collection complete after the
     * rejection, the order stays REJECTED and the money is paid back by payout
     * ({@code payment.collectedAfterRejection}, with {@code returnedAt} once confirmed).
     */
    REJECTED;

    /** States in which a vend outcome may still change the order. */
    public static final Set<OrderState> AWAITING_OUTCOME = EnumSet.of(VENDING, VEND_PENDING, UNRESOLVED);

    /**
     * States an order should leave within minutes, or (PAYMENT_UNRESOLVED) that wait for a late answer
     * or a person with the payer's money possibly taken; each has a stuck gauge. UNRESOLVED is
     * escalated and has its own counter.
     */
    public static final Set<OrderState> UNSETTLED = EnumSet.of(RECEIVED, AWAITING_PAYMENT, PAYMENT_UNRESOLVED, VENDING,
            VEND_PENDING, REFUNDING);

    public boolean isFinal() {
        return this == COMPLETED || this == REFUNDED || this == REJECTED;
    }

    /**
     * Whether a customer can be told how the order ended: final, or escalated (UNRESOLVED,
     * PAYMENT_UNRESOLVED: nothing will move it for hours). Anything still moving (awaiting payment
     * included) is not settled, so whoever waits for it keeps waiting.
     */
    public boolean isSettled() {
        return !UNSETTLED.contains(this) || this == PAYMENT_UNRESOLVED;
    }
}
