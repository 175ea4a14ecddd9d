package com.vendstream.order.payment;

/**
 * The port through which order-service collects money from, and pays it back to, a customer's
 * mobile-money wallet. The reference is ours, generated and stored before the call, so a lost reply
 * is resolved by asking for the status with it, never by a second execution.
 */
public interface MobileMoney {

    enum Status { COMPLETED, FAILED, PENDING }

    /** @param message the gateway's message (free text; no customer data) */
    record Result(Status status, String sessionId, String providerTransactionId, String message, Long feeMinor) {
        public static Result pending(String message) {
            return new Result(Status.PENDING, null, null, message, null);
        }
    }

    String provider();

    /** Invoice, publish, checkout session, payment account and collection, for one order. */
    Result collect(String referenceId, String orderId, String payerPhone, long amountMinor, String currency,
                   String description);

    /** Payout session and execution, paying an order's money back. */
    Result payout(String referenceId, String orderId, String payeePhone, long amountMinor, String currency);
}
