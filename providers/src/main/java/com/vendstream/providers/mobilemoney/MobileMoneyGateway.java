package com.vendstream.providers.mobilemoney;

import java.time.Duration;

/**
 * The provider-neutral port through which a service collects money from, and pays it back to, a customer's
 * mobile-money wallet: one collection or payout per call, however many calls the provider needs for it
 * (Dollr's invoice flow: {@code dollr.DollrMobileMoney}). The reference is ours, generated and stored before
 * the call, so a lost reply is resolved by asking for the status with it ({@link PaymentStatusLookup}),
 * never by a second execution.
 */
public interface MobileMoneyGateway {

    /**
     * COMPLETED, FAILED (definite: nothing was or will be moved by this attempt), PENDING (follow by
     * the reference), or NOT_SENT: a passing local or gateway trouble (no session with the gateway,
     * throttled, unreachable) stopped the payment before it reached the gateway's processing; the
     * same reference may be tried again after {@code retryAfter}.
     */
    enum Status { COMPLETED, FAILED, PENDING, NOT_SENT }

    /**
     * @param message the gateway's message (free text; no customer data)
     * @param retryAfter for NOT_SENT, the earliest time to try again the gateway asked for (zero if none)
     */
    record Result(Status status, String sessionId, String providerTransactionId, String message, Long feeMinor,
                  Duration retryAfter) {

        public Result {
            retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
        }

        public Result(Status status, String sessionId, String providerTransactionId, String message, Long feeMinor) {
            this(status, sessionId, providerTransactionId, message, feeMinor, Duration.ZERO);
        }

        public static Result pending(String message) {
            return new Result(Status.PENDING, null, null, message, null);
        }

        public static Result notSent(String message, Duration retryAfter) {
            return new Result(Status.NOT_SENT, null, null, message, null, retryAfter);
        }
    }

    /** The provider id, as stored with each payment (e.g. {@code dollr}). */
    String provider();

    /** One collection of an order's amount from the payer's wallet. */
    Result collect(String referenceId, String orderId, String payerPhone, long amountMinor, String currency,
                   String description);

    /** One payout to the payee's wallet, paying an order's money back. */
    Result payout(String referenceId, String orderId, String payeePhone, long amountMinor, String currency);
}
