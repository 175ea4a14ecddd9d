package com.vendstream.poller.vend;

import com.vendstream.events.Envelope;
import com.vendstream.events.FailureClass;
import com.vendstream.events.Money;
import com.vendstream.events.RequeryReply;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.kit.providers.ProviderEnums;
import com.vendstream.poller.requery.Answer;
import com.vendstream.poller.requery.ManualDecision;
import com.vendstream.poller.requery.Reply;
import com.vendstream.poller.requery.Requery;
import com.vendstream.poller.requery.Resolutions;
import com.vendstream.providers.VendOutcome;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events status-poller publishes about vends, on {@code vendstream.vend.resolutions}. Each
 * follows the VendPending it resolves (same order, merchant, business date, correlation). The event
 * id is derived from the order, the type and our reference: the success or failure of one vend is
 * one fact, with one id, however many times or by whichever instance it is built.
 */
public class VendResolutions implements Resolutions {

    public static final String SOURCE = "status-poller";
    public static final String BINDING = "vendResolutions-out";
    /** VendFailed's provider code when two operators decided the vend was not delivered. */
    public static final String MANUAL_NOT_DELIVERED = "MANUAL_NOT_DELIVERED";

    @Override
    public OutboxEntry resolved(Requery r, Answer.Final answer, Instant at) {
        VendPending pending = (VendPending) r.cause();
        if (answer.success()) {
            VendOutcome.Succeeded s = (VendOutcome.Succeeded) answer.detail();
            Envelope e = Envelopes.following(pending.getEnvelope(), VendSucceeded.class, r.reference(), at, SOURCE);
            Money amount = pending.getAmount();
            VendSucceeded event = VendSucceeded.newBuilder().setEnvelope(e)
                    .setVend(ref(r, s.providerTransactionId())).setAmount(amount)
                    .setToken(s.token()).setUnits(s.units()).setPins(s.pins()).setReceipt(s.receipt())
                    .setProviderCost(s.providerCostMinor() == null ? null
                            : new Money(s.providerCostMinor(), amount.getCurrency()))
                    .setResolvedBy(Resolution.REQUERY).build();
            return new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event);
        }
        VendOutcome.Failed f = (VendOutcome.Failed) answer.detail();
        Envelope e = Envelopes.following(pending.getEnvelope(), VendFailed.class, r.reference(), at, SOURCE);
        VendFailed event = VendFailed.newBuilder().setEnvelope(e).setVend(ref(r, null))
                .setAmount(pending.getAmount()).setReasonClass(ProviderEnums.failureClass(f.failureClass()))
                .setProviderCode(f.providerCode()).setProviderMessage(f.message())
                .setResolvedBy(Resolution.REQUERY).build();
        return new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event);
    }

    @Override
    public Optional<OutboxEntry> unresolved(Requery r, Instant at, String lastCode, String reason,
                                            List<Reply> replies) {
        VendPending pending = (VendPending) r.cause();
        Envelope e = Envelopes.following(pending.getEnvelope(), VendUnresolved.class, r.reference(), at, SOURCE);
        VendUnresolved event = VendUnresolved.newBuilder().setEnvelope(e).setVend(ref(r, null))
                .setAmount(pending.getAmount()).setFirstPendingAt(r.firstPendingAt())
                .setRequeryCount(r.attempts() + 1).setLastProviderCode(lastCode).setReason(reason)
                .setRequeries(replies.stream().map(VendResolutions::reply).toList()).build();
        return Optional.of(new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event));
    }

    /**
     * The decision as the event an automatic answer would be, with the same id (one vend, one success or failure,
     * however it was learnt), {@code resolvedBy=MANUAL}, and the decision as its cause. Delivered: the token,
     * units, PINs and receipt the operators read from the portal. Not delivered: {@link #MANUAL_NOT_DELIVERED},
     * which order-service refunds (a wallet credit, or a payout for mobile money).
     */
    @Override
    public Optional<OutboxEntry> decided(Requery r, ManualDecision d, Instant at) {
        VendPending pending = (VendPending) r.cause();
        Class<?> type = d.delivered() ? VendSucceeded.class : VendFailed.class;
        Envelope e = Envelope.newBuilder(Envelopes.following(pending.getEnvelope(), type, r.reference(), at, SOURCE))
                .setCausationId(d.eventId()).build();
        SpecificRecord event;
        if (d.delivered()) {
            event = VendSucceeded.newBuilder().setEnvelope(e).setVend(ref(r, d.providerTransactionId()))
                    .setAmount(pending.getAmount()).setToken(d.token()).setUnits(d.units())
                    .setPins(d.pins()).setReceipt(d.receipt()).setResolvedBy(Resolution.MANUAL).build();
        } else {
            event = VendFailed.newBuilder().setEnvelope(e).setVend(ref(r, d.providerTransactionId()))
                    .setAmount(pending.getAmount()).setReasonClass(FailureClass.OTHER)
                    .setProviderCode(MANUAL_NOT_DELIVERED)
                    .setProviderMessage("not delivered: decided by two operators from the provider's portal")
                    .setResolvedBy(Resolution.MANUAL).build();
        }
        return Optional.of(new OutboxEntry(BINDING, e.getOrderId(), e.getEventId(), event));
    }

    private static RequeryReply reply(Reply r) {
        return RequeryReply.newBuilder().setAt(r.at()).setProviderCode(r.providerCode()).setDecision(r.decision())
                .setDetail(r.detail()).build();
    }

    private static VendRef ref(Requery r, String providerTransactionId) {
        return VendRef.newBuilder().setProvider(r.provider()).setProviderReference(r.reference())
                .setProviderTransactionId(providerTransactionId != null ? providerTransactionId
                        : r.providerTransactionId()).build();
    }
}
