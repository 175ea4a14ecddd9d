package com.vendstream.providers.dollr;

import com.vendstream.providers.Decision;

/**
 * What Dollr said about one collection or payout execution, by our reference_id.
 *
 * @param decision what to do next: DONE, FAIL, REQUERY (ask the status with the same reference),
 *                 RETRY (nothing was executed; the same reference may be sent again), MANUAL
 * @param providerStatus Dollr's status word or {@code HTTP nnn}, as received
 * @param gatewayMessage Dollr's free-text reason (the only failure detail it gives); no customer data
 */
public record PaymentOutcome(Status status, String referenceId, String gatewayMessage, Long payerAmountMinor,
                             Long feeMinor, Decision decision, String providerStatus) {

    public enum Status { COMPLETED, FAILED, PENDING }

    public boolean isFinal() {
        return status != Status.PENDING;
    }
}
