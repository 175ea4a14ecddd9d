package com.vendstream.providers.mobilemoney;

import com.vendstream.providers.Decision;
import java.time.Duration;

/**
 * What a mobile-money provider (Dollr) said about one collection or payout execution, or one status
 * lookup, by our reference.
 *
 * @param status COMPLETED, FAILED, PENDING (ask the status with the same reference), or NOT_SENT:
 *               nothing reached Dollr's processing (no session could be had, no connection, or a 429
 *               before processing), so the same reference may be executed again after {@code retryAfter}
 * @param decision what to do next: DONE, FAIL, REQUERY, RETRY (nothing was executed; the same
 *                 reference may be sent again), MANUAL
 * @param providerStatus Dollr's status word or {@code HTTP nnn}, as received
 * @param gatewayMessage Dollr's free-text reason (the only failure detail it gives), with every long number
 *                       masked: operators quote the customer's phone there
 * @param providerTransactionId the wallet operator's transaction id, when Dollr gives it
 * @param retryAfter for NOT_SENT: the earliest time to send again (zero when Dollr named none)
 * @param throttled Dollr answered with its rate limit (HTTP 429, a throttled row of {@link DollrStatuses}):
 *                  whoever asks again should slow down
 * @param providerDown the provider gave no reply, refused or reset the connection, or answered 5xx (its token
 *                     endpoint included): the only outcomes that count against its circuit breaker. A PENDING
 *                     or PROCESSING status, a throttle or a refusal is an answer, and never counts
 */
public record PaymentOutcome(Status status, String referenceId, String gatewayMessage, Long payerAmountMinor,
                             Long feeMinor, Decision decision, String providerStatus, String providerTransactionId,
                             Duration retryAfter, boolean throttled, boolean providerDown) {

    public enum Status { COMPLETED, FAILED, PENDING, NOT_SENT }

    /** The provider status of a call the providers' guard kept back (circuit open, call slots busy): never sent. */
    public static final String KEPT_BACK = "KEPT BACK";

    public PaymentOutcome {
        retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
    }

    public PaymentOutcome(Status status, String referenceId, String gatewayMessage, Long payerAmountMinor,
                          Long feeMinor, Decision decision, String providerStatus, String providerTransactionId,
                          Duration retryAfter, boolean throttled) {
        this(status, referenceId, gatewayMessage, payerAmountMinor, feeMinor, decision, providerStatus,
                providerTransactionId, retryAfter, throttled, false);
    }

    public PaymentOutcome(Status status, String referenceId, String gatewayMessage, Long payerAmountMinor,
                          Long feeMinor, Decision decision, String providerStatus) {
        this(status, referenceId, gatewayMessage, payerAmountMinor, feeMinor, decision, providerStatus, null, null);
    }

    public PaymentOutcome(Status status, String referenceId, String gatewayMessage, Long payerAmountMinor,
                          Long feeMinor, Decision decision, String providerStatus, String providerTransactionId,
                          Duration retryAfter) {
        this(status, referenceId, gatewayMessage, payerAmountMinor, feeMinor, decision, providerStatus,
                providerTransactionId, retryAfter, false);
    }

    /** This outcome marked as the provider being down (see {@code providerDown}). */
    public PaymentOutcome asProviderDown() {
        return new PaymentOutcome(status, referenceId, gatewayMessage, payerAmountMinor, feeMinor, decision,
                providerStatus, providerTransactionId, retryAfter, throttled, true);
    }

    /** The providers' guard kept this call from leaving: nothing was asked, nothing was sent. */
    public boolean keptBack() {
        return KEPT_BACK.equals(providerStatus);
    }

    /** COMPLETED or FAILED: the money's fate is known. */
    public boolean isFinal() {
        return status == Status.COMPLETED || status == Status.FAILED;
    }
}
