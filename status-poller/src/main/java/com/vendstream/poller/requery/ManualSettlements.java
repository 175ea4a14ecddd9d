package com.vendstream.poller.requery;

import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.poller.schedule.RequerySchedule;
import com.vendstream.poller.schedule.Schedules;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles an escalated vend by two operators' decision (ops-service's maker-checker, from the provider's portal),
 * through the same path as an automatic answer: one compare-and-set from ESCALATED to SUCCEEDED or FAILED on the
 * schedule, with the one terminal event (VendSucceeded / VendFailed, {@code resolvedBy=MANUAL}) in its outbox.
 * The settlement and a final requery answer race on the state, so exactly one of them settles the vend; the
 * other is a confirmation, or a contradiction kept as evidence.
 *
 * <p>A decision never overrides a final answer: one that agrees changes nothing, one that contradicts is kept on
 * the schedule as evidence, counted ({@code vendstream.poller.manual.contradicted}) and logged for review. A
 * later provider answer that contradicts a manual settlement is flagged the same way (by the confirmation
 * requeries, and from {@code vendstream.vend.outcomes}); nothing is applied silently.
 */
public class ManualSettlements {

    private static final Logger log = LoggerFactory.getLogger(ManualSettlements.class);
    /** {@code vendstream.poller.manual.contradicted{contradicts}}: what was there before. */
    static final String AUTOMATIC_OUTCOME = "automatic_outcome";
    static final String MANUAL_DECISION = "manual_decision";
    /** {@code vendstream.poller.manual.contradicted{by}}: what contradicts it. */
    static final String BY_DECISION = "decision";
    static final String BY_REQUERY = "requery";
    static final String BY_VEND_OUTCOME = "vend_outcome";
    /** {@code contradicts}: what vend-service reported for a vend still escalated. */
    static final String VEND_OUTCOME = "vend_outcome";
    /** A schedule that keeps moving under a decision is read again this often before the decision is retried. */
    private static final int ATTEMPTS = 3;

    /** What became of a decision. */
    public enum Result {
        /** It settled the vend; its event is in the outbox. */
        SETTLED,
        /** The same decision again (a redelivery): nothing to do. */
        DUPLICATE,
        /** The vend was already settled the same way: nothing to do. */
        AGREED,
        /** The vend was already settled the other way: kept as evidence and flagged, not applied. */
        CONTRADICTED,
        /** No schedule for the order's vend: the poller never followed it. */
        UNKNOWN_VEND,
        /** The schedule follows another vend (provider, reference or amount differ). */
        OTHER_VEND,
        /** The vend is still being requeried on its schedule and was never escalated. */
        NOT_ESCALATED,
        /** Not checked by a second operator: approved by its proposer, or by nobody (maker-checker). */
        SELF_APPROVED,
        /** DELIVERED with nothing delivered: no token, PINs, receipt or units to hand the customer. */
        NOTHING_DELIVERED;

        /** Whether the decision can never be applied as it is (to be dead-lettered with its cause). */
        public boolean refused() {
            return this == UNKNOWN_VEND || this == OTHER_VEND || this == NOT_ESCALATED || this == SELF_APPROVED
                    || this == NOTHING_DELIVERED;
        }
    }

    private final RequeryStore store;
    private final Schedules schedules;
    private final Resolutions vends;
    private final DueTimers timers;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;

    public ManualSettlements(RequeryStore store, Schedules schedules, Resolutions vends, DueTimers timers,
                             OutboxTrigger relay, MeterRegistry meters, Clock clock) {
        this.store = store;
        this.schedules = schedules;
        this.vends = vends;
        this.timers = timers;
        this.relay = relay;
        this.meters = meters;
        this.clock = clock;
    }

    /** Applies two operators' decision about an order's vend, at most once. */
    public Result decide(ManualDecision d) {
        Result result = settle(d);
        meters.counter("vendstream.poller.manual.decisions", "result", result.name().toLowerCase()).increment();
        return result;
    }

    private Result settle(ManualDecision d) {
        // Checked before anything is read: an unchecked decision is refused whatever the vend's state.
        if (!d.checked()) {
            return Result.SELF_APPROVED;
        }
        if (d.delivered() && !d.deliversSomething()) {
            return Result.NOTHING_DELIVERED;
        }
        String id = Kind.VEND.id(d.orderId());
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<Requery> found = store.find(id);
            if (found.isEmpty()) {
                return Result.UNKNOWN_VEND;
            }
            Requery r = found.get();
            if (!r.provider().equals(d.provider()) || !r.reference().equals(d.reference())
                    || r.amountMinor() != d.amountMinor() || !r.currency().equals(d.currency())) {
                return Result.OTHER_VEND;
            }
            if (r.manual() != null && r.manual().decisionEventId().equals(d.eventId())) {
                return Result.DUPLICATE;
            }
            switch (r.state()) {
                case PENDING:
                    return Result.NOT_ESCALATED;
                case ESCALATED:
                    Optional<Requery.Evidence> reported = r.reported().stream()
                            .filter(e -> e.outcome() != d.outcome()).findFirst();
                    if (reported.isPresent()) {
                        return againstReportedOutcome(r, d, reported.get());
                    }
                    // Conditional on no contradicting vend-service outcome too: one stored since the read is seen.
                    Optional<Requery> settled = store.settle(id, State.ESCALATED, opposite(d.outcome()),
                            change(r, d));
                    if (settled.isPresent()) {
                        settled(r, d, settled.get());
                        return Result.SETTLED;
                    }
                    // A final requery answer, another decision or a contradicting vend-service outcome got there
                    // first: read it again.
                    continue;
                default:
                    return d.outcome() == r.state() ? Result.AGREED : contradicted(r, d);
            }
        }
        throw new IllegalStateException("Schedule " + id + " kept moving while a decision was applied");
    }

    private Change change(Requery r, ManualDecision d) {
        Instant at = clock.instant();
        RequerySchedule schedule = schedules.forProvider(r.provider());
        OutboxEntry event = vends.decided(r, d, at).orElseThrow(() ->
                new IllegalStateException("No event for a decision on " + r.kind()));
        Requery.Evidence resolution = new Requery.Evidence(d.outcome(), "MANUAL",
                "decided by two operators from the provider's portal", at, r.attempts(), true);
        // Asked again after it, as after any final answer: a provider that later says otherwise is flagged.
        return Change.nextDue(schedule.confirmations() > 0 ? at.plus(schedule.confirmAfter()) : null)
                .settledManually(new Requery.ManualSettlement(d.eventId(), d.outcome(), d.proposedBy(),
                        d.approvedBy(), d.approvedAt(), at), resolution, schedule.confirmations())
                .publish(event);
    }

    private void settled(Requery before, ManualDecision d, Requery after) {
        log.info("{} of order {} at {} settled {} by two operators' decision {}", before.kind(), before.orderId(),
                before.provider(), d.outcome(), d.eventId());
        relay.relay(RequeryStore.COLLECTION, after.id());
        // This instance drives it only if it owns its source partition; the owner's timer finds the new due time.
        timers.ensure(after);
    }

    private Result contradicted(Requery r, ManualDecision d) {
        Requery.Evidence evidence = new Requery.Evidence(d.outcome(), "MANUAL",
                "two operators decided " + (d.delivered() ? "delivered" : "not delivered")
                        + " after the vend was settled " + r.state(), clock.instant(), r.attempts(), false);
        if (store.contradicted(r.id(), evidence, BY_DECISION, d.eventId())) {
            contradicted(meters, r, BY_DECISION);
            log.warn("{} of order {} at {} is settled {}{}; decision {} says {} and is not applied; kept as evidence "
                            + "for review", r.kind(), r.orderId(), r.provider(), r.state(),
                    r.manual() != null ? " by an earlier decision" : " by the provider's answer", d.eventId(),
                    d.outcome());
        }
        return Result.CONTRADICTED;
    }

    /**
     * Refuses to settle an escalated vend against what vend-service reported for it (late, see
     * {@link #laterOutcome}): the operators may have read the portal wrong, or vend-service may be; a person must
     * look again, so the decision is kept as evidence and counted, not applied, and the vend stays escalated.
     */
    private Result againstReportedOutcome(Requery r, ManualDecision d, Requery.Evidence reported) {
        Requery.Evidence evidence = new Requery.Evidence(d.outcome(), "MANUAL",
                "two operators decided " + (d.delivered() ? "delivered" : "not delivered")
                        + " but vend-service reported " + reported.outcome() + " for the vend", clock.instant(),
                r.attempts(), false);
        if (store.contradicted(r.id(), evidence, BY_DECISION, d.eventId())) {
            meters.counter("vendstream.poller.manual.contradicted", "provider", r.provider(), "contradicts",
                    VEND_OUTCOME, "by", BY_DECISION).increment();
            log.warn("{} of order {} at {} is escalated and vend-service reported {} for it; decision {} says {} and "
                            + "is not applied; kept as evidence for review", r.kind(), r.orderId(), r.provider(),
                    reported.outcome(), d.eventId(), d.outcome());
        }
        return Result.CONTRADICTED;
    }

    private static State opposite(State outcome) {
        return outcome == State.SUCCEEDED ? State.FAILED : State.SUCCEEDED;
    }

    /**
     * A final answer vend-service published on {@code vendstream.vend.outcomes} for a vend this poller follows (it
     * publishes only VendPending once a vend is pending, so this is late or wrong), if it names the schedule's vend
     * (provider, reference, amount). For a settled vend, one that disagrees is kept as a contradiction and flagged,
     * never applied. For a vend still unresolved it is kept as evidence ({@code reportedOutcomes}, once per event),
     * so that a decision against it is refused as CONTRADICTED; it settles nothing here (order-service, which folds
     * it too, does its own). Vends never followed are order-service's business alone.
     */
    public void laterOutcome(VendReport report) {
        String id = Kind.VEND.id(report.orderId());
        State outcome = report.success() ? State.SUCCEEDED : State.FAILED;
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<RequeryStore.Standing> found = store.standing(id);
            if (found.isEmpty()) {
                return;
            }
            RequeryStore.Standing r = found.get();
            if (!r.provider().equals(report.provider()) || !r.reference().equals(report.reference())
                    || r.amountMinor() != report.amountMinor() || !r.currency().equals(report.currency())) {
                log.warn("vend-service reported {} for order {} at {} (reference {}), but the schedule follows "
                                + "another vend at {} (reference {}); ignored", outcome, r.orderId(),
                        report.provider(), report.reference(), r.provider(), r.reference());
                return;
            }
            Requery.Evidence evidence = new Requery.Evidence(outcome, report.code(), "vend-service reported it after "
                    + (r.state().unresolved() ? "the vend went pending" : "the vend was settled"), clock.instant(),
                    r.attempts(), false);
            if (r.state().unresolved()) {
                if (store.reported(id, evidence, report.eventId())) {
                    log.warn("{} of order {} at {} is {} and vend-service now reports {} (code {}); kept as evidence "
                                    + "for the operators, not applied", Kind.VEND, r.orderId(), r.provider(),
                            r.state(), outcome, report.code());
                    return;
                }
                // Already kept (a redelivery), or settled since the read: read it again.
                if (store.standing(id).map(now -> now.state().unresolved()).orElse(true)) {
                    return;
                }
                continue;
            }
            if (r.state() == outcome) {
                return;
            }
            contradictedLater(r, evidence, report.eventId());
            return;
        }
    }

    private void contradictedLater(RequeryStore.Standing r, Requery.Evidence evidence, String eventId) {
        if (store.contradicted(r.id(), evidence, BY_VEND_OUTCOME, eventId)) {
            meters.counter("vendstream.poller.contradictions", "provider", r.provider(), "kind", Kind.VEND.name())
                    .increment();
            if (r.manual()) {
                meters.counter("vendstream.poller.manual.contradicted", "provider", r.provider(), "contradicts",
                        MANUAL_DECISION, "by", BY_VEND_OUTCOME).increment();
            }
            log.warn("{} of order {} at {} is settled {}{} but vend-service now reports {} (code {}); kept as "
                            + "evidence for review, not applied", Kind.VEND, r.orderId(), r.provider(), r.state(),
                    r.manual() ? " by two operators' decision" : "", evidence.outcome(), evidence.code());
        }
    }

    /** A VendSucceeded/VendFailed from vend-service, as much of it as is compared with the schedule. */
    public record VendReport(String eventId, String orderId, String provider, String reference, long amountMinor,
                             String currency, boolean success, String code) {
    }

    /** Counts something contradicting a settled vend in which a manual decision takes part. */
    static void contradicted(MeterRegistry meters, Requery r, String by) {
        meters.counter("vendstream.poller.manual.contradicted", "provider", r.provider(), "contradicts",
                r.manual() != null ? MANUAL_DECISION : AUTOMATIC_OUTCOME, "by", by).increment();
    }
}
