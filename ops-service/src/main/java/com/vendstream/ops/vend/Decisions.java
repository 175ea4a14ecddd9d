package com.vendstream.ops.vend;

import com.vendstream.events.Envelope;
import com.vendstream.events.ManualVendDecision;
import com.vendstream.events.Money;
import com.vendstream.events.VendRef;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.ops.vend.UnresolvedVend.Proposal;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.TreeMap;

/** ManualVendDecision on vendstream.ops.decisions (ops-service is its one writer; status-poller reads it). */
final class Decisions {

    static final String SOURCE = "ops-service";
    /** Output binding of the decisions topic (see ops-service.yml). */
    static final String BINDING = "decisions-out";

    private Decisions() {
    }

    /**
     * The decision's id: one per proposal, so an approval written again (a retry, a relay after a crash) is the
     * same event, and status-poller applies it once.
     */
    static String eventId(String orderId, String proposalId) {
        return Envelopes.eventId(orderId, ManualVendDecision.class.getSimpleName(), proposalId);
    }

    /** The approved proposal as the event, keyed by the order; correlated by the proposal, caused by the escalation. */
    static OutboxEntry of(UnresolvedVend vend, Proposal p, String approvedBy, Instant approvedAt) {
        String eventId = eventId(vend.orderId(), p.id());
        Envelope envelope = Envelopes.create(eventId, ManualVendDecision.class, vend.orderId(), approvedAt,
                vend.businessDate() != null ? vend.businessDate() : approvedAt.atZone(ZoneOffset.UTC).toLocalDate(),
                vend.merchantId(), SOURCE, p.id(), vend.unresolvedEventId());
        ManualVendDecision event = ManualVendDecision.newBuilder().setEnvelope(envelope)
                .setVend(VendRef.newBuilder().setProvider(vend.provider()).setProviderReference(vend.providerReference())
                        .setProviderTransactionId(vend.providerTransactionId()).build())
                .setAmount(new Money(vend.amountMinor(), vend.currency())).setOutcome(p.outcome())
                .setToken(p.token()).setUnits(p.units()).setPins(new ArrayList<>(p.pins()))
                .setReceipt(new TreeMap<>(p.receipt())).setNote(p.note()).setProposedBy(p.proposedBy())
                .setProposedAt(p.proposedAt()).setApprovedBy(approvedBy).setApprovedAt(approvedAt).build();
        return new OutboxEntry(BINDING, vend.orderId(), eventId, event);
    }
}
