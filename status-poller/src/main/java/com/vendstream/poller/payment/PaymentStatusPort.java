package com.vendstream.poller.payment;

/**
 * The status lookup of a mobile-money provider (Dollr: GET /v1/status/collection|payout/{reference_id}),
 * by our reference. Implementations never throw for provider trouble: anything unclear is PENDING.
 */
public interface PaymentStatusPort {

    enum Status { COMPLETED, FAILED, PENDING }

    /**
     * @param message     the gateway's message (free text, no customer data)
     * @param throttled   the provider rate-limited this lookup (HTTP 429)
     * @param keptBackFor the providers' guard kept the lookup from leaving (circuit open, call slots busy) and will
     *                    for about this long; null when it was sent
     */
    record PaymentStatus(Status status, String providerTransactionId, String message, Long feeMinor,
                         boolean throttled, java.time.Duration keptBackFor) {

        public PaymentStatus(Status status, String providerTransactionId, String message, Long feeMinor,
                             boolean throttled) {
            this(status, providerTransactionId, message, feeMinor, throttled, null);
        }

        public static PaymentStatus pending(String message) {
            return new PaymentStatus(Status.PENDING, null, message, null, false);
        }
    }

    /** Provider id, as in PaymentPending.provider (e.g. dollr). */
    String provider();

    PaymentStatus collectionStatus(String referenceId, String sessionId);

    PaymentStatus payoutStatus(String referenceId, String sessionId);
}
