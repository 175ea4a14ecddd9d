package com.vendstream.poller.payment.gateway;

import com.vendstream.poller.payment.PaymentStatusPort;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import com.vendstream.providers.mobilemoney.PaymentStatusLookup;

/**
 * The payment status port over a mobile-money provider's status lookup (Dollr's GET
 * /status/{collection|payout}/{reference_id}), behind the providers' guard (see StatusPollerConfiguration).
 * The connector already turns transport and HTTP trouble into PENDING, and the guard a lookup it kept back
 * (circuit open, bulkhead full) into PENDING too; this adapter only keeps the throttle signal so the poller
 * backs off instead of asking again on schedule.
 */
public class MobileMoneyStatus implements PaymentStatusPort {

    private final PaymentStatusLookup connector;

    public MobileMoneyStatus(PaymentStatusLookup connector) {
        this.connector = connector;
    }

    @Override
    public String provider() {
        return connector.id();
    }

    @Override
    public PaymentStatus collectionStatus(String referenceId, String sessionId) {
        return map(lookup(() -> connector.collectionStatus(referenceId)));
    }

    @Override
    public PaymentStatus payoutStatus(String referenceId, String sessionId) {
        return map(lookup(() -> connector.payoutStatus(referenceId)));
    }

    private static PaymentOutcome lookup(java.util.function.Supplier<PaymentOutcome> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            // A lookup that blew up says nothing about the money; ask again later.
            return null;
        }
    }

    static PaymentStatus map(PaymentOutcome outcome) {
        if (outcome == null) {
            return PaymentStatus.pending("status lookup failed");
        }
        if (outcome.keptBack()) {
            // Our own guard, not the provider: no answer, asked again after the guard's wait (not a 429 back-off).
            return new PaymentStatus(Status.PENDING, null, outcome.gatewayMessage(), null, false, outcome.retryAfter());
        }
        // A 429 on the lookup or on the token call before it (marked throttled, Retry-After or not), or a wait
        // asked for (a token endpoint held back): back off.
        boolean throttled = outcome.throttled() || !outcome.retryAfter().isZero();
        Status status = switch (outcome.status()) {
            case COMPLETED -> Status.COMPLETED;
            case FAILED -> Status.FAILED;
            // A lookup that was not sent says nothing about the payment.
            case PENDING, NOT_SENT -> Status.PENDING;
        };
        String message = outcome.gatewayMessage() != null ? outcome.gatewayMessage() : outcome.providerStatus();
        return new PaymentStatus(status, outcome.providerTransactionId(), message, outcome.feeMinor(), throttled);
    }
}
