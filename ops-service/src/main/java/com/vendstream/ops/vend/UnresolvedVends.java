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

    public UnresolvedVends(UnresolvedVendStore store, AuditTrail audit, OutboxTrigger relay, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.relay = relay;
        this.clock = clock;
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
                : Settlement.AUTOMATIC, e.getOccurredAt(), e.getEventId()), clock.instant());
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
     * {@code checker}, a second operator, approves the waiting proposal: the decision goes into the entry's outbox
     * with the approval, and is published from there. The entry settles when status-poller's outcome comes back.
     */
    public Mono<UnresolvedVend> approve(OpsUser checker, String orderId, String clientAddress) {
        return toItsEnd(waitingProposal(orderId).flatMap(vend -> {
            Proposal p = vend.proposal();
            if (p.proposedBy().equals(checker.username())) {
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

    /** {@code checker} turns the waiting proposal down; the entry is OPEN again. */
    public Mono<UnresolvedVend> reject(OpsUser checker, String orderId, String reason, String clientAddress) {
        String checkedReason = ProposalRequest.reason(reason);
        return toItsEnd(waitingProposal(orderId).flatMap(vend -> {
            Proposal p = vend.proposal();
            // The rejected deliverable was never delivered: its token and PINs are not kept, not even in the note.
            String maskedReason = Masking.text(checkedReason, p.token(), p.pins());
            Rejection rejection = new Rejection(p.id(), p.outcome(), Masking.text(p.note(), p.token(), p.pins()),
                    p.proposedBy(), p.proposedAt(), checker.username(), clock.instant(), maskedReason);
            Map<String, String> details = details(p);
            details.put("proposedBy", p.proposedBy());
            return audit.record(OpsAction.VEND_DECISION_REJECTED, checker, orderId, maskedReason, clientAddress,
                            details, concerning(vend, p.id()))
                    .then(store.reject(orderId, rejection))
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

    /** The entry, if a proposal waits on it (not yet approved). */
    private Mono<UnresolvedVend> waitingProposal(String orderId) {
        return existing(orderId).flatMap(vend -> {
            VendRefusal refusal = refusal(vend, null);
            return refusal == null ? Mono.just(vend) : Mono.error(refusal);
        });
    }

    /** A compare-and-set that matched nothing: someone else's step came first; says whose. */
    private Mono<UnresolvedVend> conflict(String orderId, String proposalId) {
        return existing(orderId).flatMap(vend -> {
            VendRefusal refusal = refusal(vend, proposalId);
            return Mono.<UnresolvedVend>error(refusal != null ? refusal : new VendRefusal(Reason.PROPOSAL_CHANGED,
                    "The proposal changed meanwhile"));
        });
    }

    /** Why no step can be taken on this entry's proposal {@code proposalId} (null: the waiting one), or null. */
    private static VendRefusal refusal(UnresolvedVend vend, String proposalId) {
        if (vend.state() == State.SETTLED) {
            return settled(vend);
        }
        if (vend.state() == State.OPEN) {
            return proposalId == null ? new VendRefusal(Reason.NO_PROPOSAL, "No proposal waits for approval")
                    : new VendRefusal(Reason.NO_PROPOSAL, "The proposal was rejected meanwhile");
        }
        if (proposalId != null && !proposalId.equals(vend.proposal().id())) {
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
