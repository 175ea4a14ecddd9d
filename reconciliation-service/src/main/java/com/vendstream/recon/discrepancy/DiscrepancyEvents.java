package com.vendstream.recon.discrepancy;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.ReconDiscrepancy;
import com.vendstream.schemas.envelope.Envelopes;
import java.time.Instant;

/**
 * ReconDiscrepancy events; ids derive from the discrepancy id and its revision. Finance's notes are left out: the
 * topic is compacted and kept forever, and free text a person typed stays in this service's store, API and CSV.
 */
public final class DiscrepancyEvents {

    public static final String SOURCE = "reconciliation-service";
    /** Output binding of the discrepancies topic (see reconciliation-service.yml). */
    public static final String BINDING = "discrepancies-out";
    /** Envelope merchant of discrepancies no single merchant owns (a provider vend with no order). */
    public static final String ALL_MERCHANTS = "*";

    private DiscrepancyEvents() {
    }

    public static ReconDiscrepancy event(Discrepancy d, int revision, Instant at) {
        Envelope e = Envelopes.create(Envelopes.eventId(d.discrepancyId(), "ReconDiscrepancy", "r" + revision),
                ReconDiscrepancy.class, d.orderId(), at, d.businessDay(),
                d.merchantId() == null ? ALL_MERCHANTS : d.merchantId(), SOURCE, "recon-" + d.businessDay(), null);
        String currency = d.currency() == null ? "XXX" : d.currency();
        return ReconDiscrepancy.newBuilder().setEnvelope(e).setDiscrepancyId(d.discrepancyId())
                .setBusinessDay(d.businessDay()).setKind(d.kind()).setProvider(d.provider())
                .setProviderReference(d.providerReference())
                .setOurAmount(d.ourAmountMinor() == null ? null : new Money(d.ourAmountMinor(), currency))
                .setProviderAmount(d.providerAmountMinor() == null ? null : new Money(d.providerAmountMinor(), currency))
                .setEvidence(d.evidence()).setSuggestedAction(d.suggestedAction()).setStatus(d.status())
                .setAcknowledgedBy(d.handling().acknowledgedBy()).setAcknowledgedAt(d.handling().acknowledgedAt())
                .setResolution(d.handling().resolution()).setResolvedBy(d.handling().resolvedBy())
                .setResolvedAt(d.handling().resolvedAt()).build();
    }
}
