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
        NOT_ESCALATED;

        /** Whether the decision can never be applied as it is (to be dead-lettered with its cause). */
        public boolean refused() {
            return this == UNKNOWN_VEND || this == OTHER_VEND || this == NOT_ESCALATED;
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
                    Optional<Requery> settled = store.settle(id, State.ESCALATED, change(r, d));
                    if (settled.isPresent()) {
                        settled(r, d, settled.get());
                        return Result.SETTLED;
                    }
                    // A final requery answer (or another decision) got there first: read it again.
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
     * A final answer vend-service published on {@code vendstream.vend.outcomes} for a vend this poller has settled
     * already (it publishes only VendPending once a vend is pending, so this is late or wrong): one that disagrees is
     * kept as evidence and flagged, never applied; order-service, which folds it too, keeps its own evidence. Vends
     * still unresolved here, or never followed, are order-service's business alone.
     */
    public void laterOutcome(String orderId, boolean success, String code, String eventId) {
        Optional<Requery> found = store.find(Kind.VEND.id(orderId));
        if (found.isEmpty() || found.get().state().unresolved()
                || (found.get().state() == State.SUCCEEDED) == success) {
            return;
        }
        Requery r = found.get();
        Requery.Evidence evidence = new Requery.Evidence(success ? State.SUCCEEDED : State.FAILED, code,
                "vend-service reported it after the vend was settled", clock.instant(), r.attempts(), false);
        if (store.contradicted(r.id(), evidence, BY_VEND_OUTCOME, eventId)) {
            meters.counter("vendstream.poller.contradictions", "provider", r.provider(), "kind", r.kind().name())
                    .increment();
            if (r.manual() != null) {
                contradicted(meters, r, BY_VEND_OUTCOME);
            }
            log.warn("{} of order {} at {} is settled {}{} but vend-service now reports {} (code {}); kept as "
                            + "evidence for review, not applied", r.kind(), r.orderId(), r.provider(), r.state(),
                    r.manual() != null ? " by two operators' decision" : "", success ? "success" : "failure", code);
        }
    }

    /** Counts something contradicting a settled vend in which a manual decision takes part. */
    static void contradicted(MeterRegistry meters, Requery r, String by) {
        meters.counter("vendstream.poller.manual.contradicted", "provider", r.provider(), "contradicts",
                r.manual() != null ? MANUAL_DECISION : AUTOMATIC_OUTCOME, "by", by).increment();
    }
}
