package com.vendstream.ops.vend;

import com.vendstream.events.ManualVendOutcome;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * A vend status-poller could not settle (its VendUnresolved), as the back office sees it: the provider's evidence
 * (every requery and its reply), the proposal waiting for a second operator, and how it was settled in the end.
 * Proposals carry what the customer is owed (token, PINs): shown in full only to operators, never logged.
 */
public record UnresolvedVend(String orderId, String merchantId, String provider, String providerReference,
                             String providerTransactionId, long amountMinor, String currency, Instant firstPendingAt,
                             Instant escalatedAt, LocalDate businessDate, String unresolvedEventId, String reason,
                             String lastProviderCode, int requeryCount, List<Requery> requeries, State state,
                             Proposal proposal, Settlement settlement, List<Rejection> rejections) {

    public UnresolvedVend {
        requeries = requeries == null ? List.of() : List.copyOf(requeries);
        rejections = rejections == null ? List.of() : List.copyOf(rejections);
    }

    /**
     * OPEN: waits for a proposal. PROPOSED: waits for a second operator, or (approvedBy set) for status-poller to
     * turn the approved decision into the vend's outcome. SETTLED: the outcome came, automatic or manual.
     */
    public enum State { OPEN, PROPOSED, SETTLED }

    /** One requery of the vend and the provider's reply, as status-poller reported it. */
    public record Requery(Instant at, String providerCode, String decision, String detail) {
    }

    /**
     * A decision one operator proposed; approvedBy, approvedAt and decisionId are set once a second one approved it
     * (the ManualVendDecision with event id decisionId is then in the entry's outbox or published).
     */
    public record Proposal(String id, ManualVendOutcome outcome, String token, String units, List<String> pins,
                           Map<String, String> receipt, String note, String proposedBy, Instant proposedAt,
                           String approvedBy, Instant approvedAt, String decisionId) {
        public Proposal {
            pins = pins == null ? List.of() : List.copyOf(pins);
            receipt = receipt == null ? Map.of() : Map.copyOf(receipt);
        }

        public boolean approved() {
            return approvedBy != null;
        }
    }

    /**
     * A proposal a second operator turned down (kept without its token and PINs). approvedBy and decisionId are set
     * when it had been approved and its outcome was overdue: that decision may still have been applied.
     */
    public record Rejection(String proposalId, ManualVendOutcome outcome, String note, String proposedBy,
                            Instant proposedAt, String rejectedBy, Instant rejectedAt, String reason,
                            String approvedBy, String decisionId) {
    }

    /**
     * This entry as a user may see it who is not shown customers' deliverables (or once it is settled, when no one
     * needs them here any more): the token and PINs by their last four characters, and masked in the note and
     * receipt too (an operator may paste one there).
     */
    public UnresolvedVend masked() {
        if (proposal == null) {
            return this;
        }
        Proposal p = proposal;
        Map<String, String> receipt = new java.util.LinkedHashMap<>();
        p.receipt().forEach((k, v) -> receipt.put(k, Masking.text(v, p.token(), p.pins())));
        Proposal masked = new Proposal(p.id(), p.outcome(), Masking.token(p.token()), p.units(),
                p.pins().stream().map(Masking::token).toList(), receipt, Masking.text(p.note(), p.token(), p.pins()),
                p.proposedBy(), p.proposedAt(), p.approvedBy(), p.approvedAt(), p.decisionId());
        return new UnresolvedVend(orderId, merchantId, provider, providerReference, providerTransactionId,
                amountMinor, currency, firstPendingAt, escalatedAt, businessDate, unresolvedEventId, reason,
                lastProviderCode, requeryCount, requeries, state, masked, settlement, rejections);
    }

    /** The vend's outcome: by "automatic" (a requery's answer) or "manual" (an approved decision). */
    public record Settlement(ManualVendOutcome outcome, String by, Instant at, String eventId) {
        public static final String AUTOMATIC = "automatic";
        public static final String MANUAL = "manual";
    }
}
