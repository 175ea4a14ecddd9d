package com.vendstream.vend.vending;

import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.PendingReason;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendRequested;
import com.vendstream.events.VendSucceeded;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.providers.VendOutcome;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;

/** The outcome events vend-service publishes, as outbox entries on the vend outcomes topic. */
final class VendEvents {

    static final String SOURCE = "vend-service";
    static final String BINDING = "vendOutcomes-out";

    private VendEvents() {
    }

    static VendRef ref(String provider, String reference, String providerTransactionId) {
        return VendRef.newBuilder().setProvider(provider).setProviderReference(reference)
                .setProviderTransactionId(providerTransactionId).build();
    }

    static OutboxEntry succeeded(VendRequested request, String provider, String reference, VendOutcome.Succeeded s,
                              Instant at) {
        Envelope e = Envelopes.following(request.getEnvelope(), VendSucceeded.class, reference, at, SOURCE);
        Money amount = request.getLine().getAmount();
        VendSucceeded event = VendSucceeded.newBuilder().setEnvelope(e)
                .setVend(ref(provider, reference, s.providerTransactionId())).setAmount(amount)
                .setToken(s.token()).setUnits(s.units()).setPins(s.pins()).setReceipt(s.receipt())
                .setProviderCost(s.providerCostMinor() == null ? null
                        : new Money(s.providerCostMinor(), amount.getCurrency()))
                .setResolvedBy(Resolution.VEND_CALL).build();
        return new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event);
    }

    static OutboxEntry failed(VendRequested request, String provider, String reference, FailureClass failureClass,
                           String code, String message, Instant at) {
        Envelope e = Envelopes.following(request.getEnvelope(), VendFailed.class, reference, at, SOURCE);
        VendFailed event = VendFailed.newBuilder().setEnvelope(e).setVend(ref(provider, reference, null))
                .setAmount(request.getLine().getAmount()).setReasonClass(failureClass).setProviderCode(code)
                .setProviderMessage(message).setResolvedBy(Resolution.VEND_CALL).build();
        return new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event);
    }

    static OutboxEntry pending(VendRequested request, String provider, String reference, String providerTransactionId,
                            PendingReason reason, String code, Instant at) {
        Envelope e = Envelopes.following(request.getEnvelope(), VendPending.class, reference, at, SOURCE);
        VendPending event = VendPending.newBuilder().setEnvelope(e)
                .setVend(ref(provider, reference, providerTransactionId)).setAmount(request.getLine().getAmount())
                .setReason(reason).setProviderCode(code).setLine(request.getLine()).build();
        return new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event);
    }
}
