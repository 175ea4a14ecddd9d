package com.vendstream.ops.vend;

import com.vendstream.events.Envelope;
import com.vendstream.events.ManualVendOutcome;
import com.vendstream.events.Money;
import com.vendstream.events.OpsAction;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.ops.audit.AuditEntry;
import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.ops.user.OpsUser;
import com.vendstream.ops.vend.UnresolvedVend.Proposal;
import com.vendstream.ops.vend.UnresolvedVend.Rejection;
import com.vendstream.ops.vend.UnresolvedVend.Requery;
import com.vendstream.ops.vend.UnresolvedVend.Settlement;
import com.vendstream.ops.vend.UnresolvedVend.State;
import com.vendstream.ops.vend.VendRefusal.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The queue of unresolved vends and its maker-checker decisions. status-poller's VendUnresolved opens an entry, and
 * its VendSucceeded or VendFailed settles it, whatever found the answer (a late requery, or the decision approved
 * here). An operator proposes what the provider's portal shows, a second one approves or rejects it. Each step is
 * audited first, then written as a compare-and-set on the entry's state, then answered; an approval puts its
 * ManualVendDecision into the entry's outbox in that same write.
 */
public class UnresolvedVends {

    private final UnresolvedVendStore store;
    private final AuditTrail audit;
    private final OutboxTrigger relay;
    private final Clock clock;
    private final Duration approvalGrace;

    /**
     * @param approvalGrace how long an approved proposal must wait for its outcome before it may be rejected (the
     *                      way out when status-poller dead-letters the decision)
     */
    public UnresolvedVends(UnresolvedVendStore store, AuditTrail audit, OutboxTrigger relay, Clock clock,
                           Duration approvalGrace) {
        this.store = store;
        this.audit = audit;
        this.relay = relay;
        this.clock = clock;
        this.approvalGrace = approvalGrace;
    }

    /**
     * An event of vendstream.vend.resolutions; returns when its effect is stored (at most once per event id), on the
     * consumer's thread, which commits the offset after it.
     */
    public void apply(SpecificRecord event) {
        if (event instanceof VendUnresolved u) {
            store.escalate(escalation(u), u.getEnvelope().getEventId());
        } else if (event instanceof VendSucceeded s) {
            settle(s.getEnvelope(), s.getVend(), s.getAmount(), ManualVendOutcome.DELIVERED, s.getResolvedBy());
        } else if (event instanceof VendFailed f) {
            settle(f.getEnvelope(), f.getVend(), f.getAmount(), ManualVendOutcome.NOT_DELIVERED, f.getResolvedBy());
        }
    }

    private void settle(Envelope e, VendRef vend, Money amount, ManualVendOutcome outcome, Resolution by) {
        UnresolvedVend facts = facts(e, vend, amount, null, 0, null, null, List.of());
        store.settle(facts, new Settlement(outcome, by == Resolution.MANUAL ? Settlement.MANUAL
                : Settlement.AUTOMATIC, e.getOccurredAt(), e.getEventId()));
    }

    private static UnresolvedVend escalation(VendUnresolved u) {
        List<Requery> requeries = u.getRequeries().stream()
                .map(r -> new Requery(r.getAt(), r.getProviderCode(), r.getDecision(), r.getDetail())).toList();
        return facts(u.getEnvelope(), u.getVend(), u.getAmount(), u.getFirstPendingAt(), u.getRequeryCount(),
                u.getLastProviderCode(), u.getReason(), requeries);
    }

    private static UnresolvedVend facts(Envelope e, VendRef vend, Money amount, Instant firstPendingAt,
                                        int requeryCount, String lastCode, String reason, List<Requery> requeries) {
        return new UnresolvedVend(e.getOrderId(), e.getMerchantId(), vend.getProvider(), vend.getProviderReference(),
                vend.getProviderTransactionId(), amount.getAmountMinor(), amount.getCurrency(), firstPendingAt,
                e.getOccurredAt(), e.getBusinessDate(), e.getEventId(), reason, lastCode, requeryCount, requeries,
                State.OPEN, null, null, List.of());
    }

    public Mono<UnresolvedVend> find(String orderId) {
        return store.find(orderId);
    }

    public Flux<UnresolvedVend> list(Collection<State> states, int limit) {
        return store.list(states, limit);
    }

    /** {@code proposer} proposes a decision for an OPEN entry. */
    public Mono<UnresolvedVend> propose(OpsUser proposer, String orderId, ProposalRequest request, String clientAddress) {
        ProposalRequest.Checked checked = request.check();
        return toItsEnd(existing(orderId).flatMap(vend -> {
            if (vend.state() != State.OPEN) {
                return Mono.error(notOpen(vend));
            }
            Proposal proposal = new Proposal(UUID.randomUUID().toString(), checked.outcome(), checked.token(),
                    checked.units(), checked.pins(), checked.receipt(), checked.note(), proposer.username(),
                    clock.instant(), null, null, null);
            Map<String, String> details = details(proposal);
            if (proposal.token() != null) {
                details.put("token", Masking.token(proposal.token()));
            }
            if (!proposal.pins().isEmpty()) {
                details.put("pins", String.valueOf(proposal.pins().size()));
            }
            if (proposal.units() != null) {
                details.put("units", proposal.units());
            }
            details.put("note", Masking.text(proposal.note(), proposal.token(), proposal.pins()));
            return audit.record(OpsAction.VEND_DECISION_PROPOSED, proposer, orderId, null, clientAddress, details,
                            concerning(vend, proposal.id()))
                    .then(store.propose(orderId, proposal))
                    .flatMap(done -> done ? existing(orderId)
                            : existing(orderId).flatMap(now -> Mono.<UnresolvedVend>error(notOpen(now))));
        }));
    }

    private static VendRefusal notOpen(UnresolvedVend vend) {
        return vend.state() == State.SETTLED ? settled(vend)
                : new VendRefusal(Reason.ALREADY_PROPOSED, "A proposal already waits for approval");
    }

    /**
     * {@code checker}, a second operator, approves proposal {@code proposalId}, the one they saw (another one in
     * its place is 409 proposal-changed): the decision goes into the entry's outbox with the approval, and is
     * published from there. The entry settles when status-poller's outcome comes back.
     */
    public Mono<UnresolvedVend> approve(OpsUser checker, String orderId, String proposalId, String clientAddress) {
        String seen = ProposalRequest.proposalId(proposalId);
        return toItsEnd(existing(orderId).flatMap(vend -> {
            VendRefusal refusal = refusal(vend, seen);
            if (refusal != null) {
                return Mono.error(refusal);
            }
            Proposal p = vend.proposal();
            if (sameOperator(p.proposedBy(), checker.username())) {
                return Mono.error(new VendRefusal(Reason.SELF_APPROVAL,
                        "A proposal is approved by another operator than the one who proposed it"));
            }
            Instant now = clock.instant();
            OutboxEntry decision = Decisions.of(vend, p, checker.username(), now);
            Map<String, String> details = details(p);
            details.put("proposedBy", p.proposedBy());
            details.put("decisionId", decision.eventId());
            return audit.record(OpsAction.VEND_DECISION_APPROVED, checker, orderId, null, clientAddress, details,
                            concerning(vend, p.id()))
                    .then(store.approve(orderId, p.id(), checker.username(), now, decision))
                    .flatMap(done -> {
                        if (!done) {
                            return conflict(orderId, p.id());
                        }
                        relay.relay(UnresolvedVendStore.COLLECTION, orderId);
                        return existing(orderId);
                    });
        }));
    }

    /**
     * Whether two names are one operator, as status-poller decides it (it refuses a decision whose approver is its
     * proposer ignoring case and surrounding spaces): the back office must never let through what it refuses.
     */
    static boolean sameOperator(String proposedBy, String checker) {
        return proposedBy.strip().equalsIgnoreCase(checker.strip());
    }

    /**
     * {@code checker} turns proposal {@code proposalId} down; the entry is OPEN again. A proposal waiting for
     * approval can be rejected at once. An approved one only once its outcome is overdue ({@code approvalGrace}
     * after the approval): the way out when status-poller dead-letters the decision. Its decision may still have
     * been applied; status-poller is the authority, its outcome settles the entry whenever it comes, and a
     * contradicting re-proposal is flagged there, never applied twice.
     */
    public Mono<UnresolvedVend> reject(OpsUser checker, String orderId, String proposalId, String reason,
                                       String clientAddress) {
        String checkedReason = ProposalRequest.reason(reason);
        String seen = ProposalRequest.proposalId(proposalId);
        return toItsEnd(existing(orderId).flatMap(vend -> {
            Instant now = clock.instant();
            VendRefusal refusal = refusal(vend, seen);
            boolean overdue = refusal != null && refusal.reason() == Reason.ALREADY_APPROVED
                    && !vend.proposal().approvedAt().plus(approvalGrace).isAfter(now);
            if (refusal != null && !overdue) {
                return Mono.error(refusal.reason() == Reason.ALREADY_APPROVED ? new VendRefusal(Reason.ALREADY_APPROVED,
                        refusal.getMessage() + "; it can be rejected once its outcome is " + approvalGrace
                                + " overdue") : refusal);
            }
            Proposal p = vend.proposal();
            // The rejected deliverable is not kept here, not even in the note (an approved one is in its decision).
            String maskedReason = Masking.text(checkedReason, p.token(), p.pins());
            Rejection rejection = new Rejection(p.id(), p.outcome(), Masking.text(p.note(), p.token(), p.pins()),
                    p.proposedBy(), p.proposedAt(), checker.username(), now, maskedReason, p.approvedBy(),
                    p.decisionId());
            Map<String, String> details = details(p);
            details.put("proposedBy", p.proposedBy());
            if (p.approved()) {
                details.put("approvedBy", p.approvedBy());
                details.put("decisionId", p.decisionId());
            }
            return audit.record(OpsAction.VEND_DECISION_REJECTED, checker, orderId, maskedReason, clientAddress,
                            details, concerning(vend, p.id()))
                    .then(store.reject(orderId, rejection, now.minus(approvalGrace)))
                    .flatMap(done -> done ? existing(orderId) : conflict(orderId, p.id()));
        }));
    }

    /**
     * A step, once taken up, runs to its end even if its client hangs up: an entry stored without its change, or
     * an approval whose decision waits for the relay's next full sweep instead of going at once, is what a
     * cancelled chain would leave.
     */
    private static <T> Mono<T> toItsEnd(Mono<T> step) {
        return Mono.defer(() -> Mono.fromFuture(step.toFuture(), true));
    }

    private Mono<UnresolvedVend> existing(String orderId) {
        return store.find(orderId).switchIfEmpty(Mono.error(() -> new VendRefusal(Reason.NO_SUCH_VEND,
                "No unresolved vend has this order id")));
    }

    /** A compare-and-set that matched nothing: someone else's step came first; says whose. */
    private Mono<UnresolvedVend> conflict(String orderId, String proposalId) {
        return existing(orderId).flatMap(vend -> {
            VendRefusal refusal = refusal(vend, proposalId);
            return Mono.<UnresolvedVend>error(refusal != null ? refusal : new VendRefusal(Reason.PROPOSAL_CHANGED,
                    "The proposal changed meanwhile"));
        });
    }

    /** Why no step can be taken on this entry's proposal {@code proposalId}, or null. */
    private static VendRefusal refusal(UnresolvedVend vend, String proposalId) {
        if (vend.state() == State.SETTLED) {
            return settled(vend);
        }
        if (vend.state() == State.OPEN) {
            return new VendRefusal(Reason.NO_PROPOSAL, "No proposal waits for approval (it was rejected)");
        }
        if (!proposalId.equals(vend.proposal().id())) {
            return new VendRefusal(Reason.PROPOSAL_CHANGED, "The proposal was replaced by another one meanwhile");
        }
        if (vend.proposal().approved()) {
            return new VendRefusal(Reason.ALREADY_APPROVED, "The proposal was approved by "
                    + vend.proposal().approvedBy() + "; the vend settles when its outcome comes back");
        }
        return null;
    }

    private static VendRefusal settled(UnresolvedVend vend) {
        return new VendRefusal(Reason.ALREADY_SETTLED, "The vend is settled (" + vend.settlement().by() + ")");
    }

    /** Audit details every step has; never the token, PINs or the note unmasked. */
    private static Map<String, String> details(Proposal p) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("proposalId", p.id());
        details.put("outcome", p.outcome().name());
        return details;
    }

    private static AuditEntry.Concerning concerning(UnresolvedVend vend, String proposalId) {
        return new AuditEntry.Concerning(vend.orderId(), vend.merchantId(), proposalId);
    }
}
