package com.vendstream.poller.requery;

import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.poller.schedule.RequerySchedule;
import com.vendstream.poller.schedule.Schedules;
import com.vendstream.providers.Masking;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every pending operation to one final answer by requerying the provider with the original
 * reference on the provider's schedule, or escalates it past the deadline.
 *
 * <ul>
 *   <li>Intake is idempotent by event id and by operation: a redelivered or repeated pending event
 *       finds the schedule already there.</li>
 *   <li>Exactly one instance requeries a schedule at a time: the one owning its source partition
 *       sets the timer, and each requery first takes the schedule's lease (compare-and-set); the
 *       result is written only by the lease holder.</li>
 *   <li>Exactly one terminal event: the move from PENDING/ESCALATED to SUCCEEDED/FAILED and the
 *       event are one conditional update; the event id is deterministic.</li>
 *   <li>Past the deadline, or at once when the provider's answer needs a person (its code table's MANUAL
 *       decision): ESCALATED plus VendUnresolved (PaymentUnresolved for payments), never a guessed
 *       failure; slow requeries continue (for {@code requery-for} when the schedule sets one), and a
 *       late final answer still resolves it. An answer that contradicts a
 *       recorded final one is stored as evidence and counted, never a second state change.</li>
 * </ul>
 */
public class RequeryEngine {

    private static final Logger log = LoggerFactory.getLogger(RequeryEngine.class);
    /** The two reasons a schedule escalates, as they begin its {@code escalationReason}. */
    static final String DEADLINE = "deadline passed";
    static final String NEEDS_PERSON = "needs a person";
    /** Timers may fire a hair early against the wall clock; a claim accepts that much. */
    private static final Duration TOLERANCE = Duration.ofMillis(50);

    private final RequeryStore store;
    private final DueTimers timers;
    private final Schedules schedules;
    private final Map<Kind, Prober> probers;
    private final Map<Kind, Resolutions> resolutions;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration lease;
    private final String instance;
    /** Per provider: no requeries before this instant (the provider throttled us, or our guards keep them back). */
    private final Map<String, Instant> throttledUntil = new ConcurrentHashMap<>();
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();

    public RequeryEngine(RequeryStore store, DueTimers timers, Schedules schedules, Map<Kind, Prober> probers,
                         Map<Kind, Resolutions> resolutions, OutboxTrigger relay,
                         MeterRegistry meters, Clock clock, RandomGenerator random, Duration lease, String instance) {
        this.store = store;
        this.timers = timers;
        this.schedules = schedules;
        this.probers = Map.copyOf(probers);
        this.resolutions = Map.copyOf(resolutions);
        this.relay = relay;
        this.meters = meters;
        this.clock = clock;
        this.random = random;
        this.lease = lease;
        this.instance = instance;
        timers.onDue(this::due);
        schedules.providers().forEach(this::gauge);
    }

    private void gauge(String provider) {
        if (gauged.add(provider)) {
            Gauge.builder("vendstream.poller.unresolved", timers, t -> t.escalated(provider))
                    .description("Escalated operations still without a final answer, driven by this instance")
                    .tag("provider", provider).register(meters);
        }
    }

    /** A pending operation arrived. Returns false when it was already known (duplicate). */
    public boolean accept(NewRequery n) {
        Instant now = clock.instant();
        RequerySchedule schedule = schedules.forProvider(n.provider());
        gauge(n.provider());
        Requery start = Requery.start(n, n.firstPendingAt().plus(schedule.deadline()),
                schedule.nextWhilePending(n.firstPendingAt(), 0, now, random));
        boolean created = store.create(start, now);
        if (!created) {
            boolean newEvent = store.addCause(n.id(), n.causeEventId());
            Optional<Requery> existing = store.find(n.id());
            existing.ifPresent(r -> {
                if (!r.reference().equals(n.reference())) {
                    // At most one vend per order: a second reference would mean that broke upstream.
                    meters.counter("vendstream.poller.reference.mismatch", "provider", n.provider()).increment();
                    log.error("Pending {} for order {} carries reference {} but the schedule follows {}; ignored",
                            n.kind(), n.orderId(), n.reference(), r.reference());
                }
            });
            meters.counter("vendstream.poller.pending.duplicates", "kind", n.kind().name(),
                    "repeated_event", String.valueOf(!newEvent)).increment();
            // Asked again (the order heard nothing): what this schedule last said is published again, the same
            // event with the same id, in case its consumer lost it. A schedule that said nothing yet says nothing.
            if (store.requeueLastEmitted(n.id())) {
                meters.counter("vendstream.poller.resolution.republished", "kind", n.kind().name()).increment();
                log.info("Pending {} of order {} repeated; its last resolution is published again", n.kind(),
                        n.orderId());
                relay.relay(RequeryStore.COLLECTION, n.id());
            }
            // This instance may have taken the partition over from one that crashed before setting a timer.
            existing.ifPresent(timers::ensure);
            return false;
        }
        meters.counter("vendstream.poller.pending.accepted", "kind", n.kind().name(), "provider", n.provider())
                .increment();
        log.info("Following pending {} of order {} at {} (reference {})", n.kind(), n.orderId(), n.provider(),
                n.reference());
        store.find(n.id()).ifPresent(timers::ensure);
        return true;
    }

    /** Loads the schedules of a partition this instance now owns. */
    public List<Requery> scheduledFor(Owner owner) {
        return store.scheduledFor(owner);
    }

    /** A schedule's timer fired: claim it, requery once, record the result. */
    void due(String id) {
        Instant now = clock.instant();
        String token = UUID.randomUUID().toString();
        Optional<Requery> claimed = store.claim(id, now, TOLERANCE, now.plus(lease), token, instance);
        if (claimed.isEmpty()) {
            // Not due yet, leased elsewhere, or done: re-arm from what is stored.
            store.find(id).ifPresentOrElse(timers::ensure, () -> timers.cancel(id));
            return;
        }
        Requery r = claimed.get();
        RequerySchedule schedule = schedules.forProvider(r.provider());
        Instant gate = throttledUntil.get(r.provider());
        Instant limit = limit(r, schedule);
        Answer answer;
        Reply reply;
        if (gate != null && gate.isAfter(now)) {
            if (limit == null || now.isBefore(limit)) {
                // The provider asked us to slow down (or our guards hold it back): no requery to it from here until
                // the pause is over, nor past the deadline or the end of the requery period, which come on time.
                Instant later = gate.plus(schedule.jitterOf(Duration.ofSeconds(1), random).abs());
                store.apply(id, token, r.state(), Change.nextDue(limit != null && later.isAfter(limit) ? limit : later))
                        .ifPresent(timers::ensure);
                return;
            }
            // Its deadline (or the end of its requery period) came while the provider is paused: it is escalated
            // (or its requeries stopped) now, without a call, rather than whenever the pause ends.
            answer = new Answer.NoAnswer(r.lastCode(), "no requery while the provider is paused", false);
            reply = Reply.notAsked(clock.instant(), answer.message());
            meters.counter("vendstream.poller.requeries.skipped", "provider", r.provider(), "kind", r.kind().name())
                    .increment();
        } else {
            try {
                answer = probers.get(r.kind()).probe(r);
            } catch (RuntimeException e) {
                answer = new Answer.NoAnswer(null, e.getClass().getSimpleName(), false);
            }
            meters.counter("vendstream.poller.requeries", "provider", r.provider(), "kind", r.kind().name(),
                    "answer", answerTag(answer)).increment();
            reply = Reply.of(answer, clock.instant());
        }
        Instant at = reply.at();
        Optional<Requery> after = r.state().unresolved()
                ? resolveOrReschedule(r, token, answer, reply, schedule, at)
                : confirm(r, token, answer, reply, schedule, at);
        if (after.isEmpty() && r.state().unresolved()) {
            // Two operators may have settled it while the provider was being asked (a decision does not wait for
            // the lease): the answer is kept, and as evidence if it contradicts them, never dropped silently. It
            // was asked before the decision, so it is not one of the confirmations after it: those stay as the
            // settlement set them. A lease really lost fails here too.
            Answer heard = answer;
            after = store.find(id).filter(settled -> !settled.state().unresolved() && settled.manual() != null)
                    .flatMap(settled -> answeredBeforeDecision(settled, token, heard, reply, at));
        }
        if (after.isEmpty()) {
            log.warn("Lost the lease on {} during a requery; its result is dropped and the holder will requery",
                    id);
            return;
        }
        Requery updated = after.get();
        if (!updated.outbox().isEmpty()) {
            relay.relay(RequeryStore.COLLECTION, id);
        }
        timers.ensure(updated);
    }

    /** When an unresolved schedule must next be looked at whatever the pause: its deadline, or the end of its requeries. */
    private static Instant limit(Requery r, RequerySchedule schedule) {
        return switch (r.state()) {
            case PENDING -> r.deadlineAt();
            case ESCALATED -> schedule.requeryUntil(r.firstPendingAt());
            case SUCCEEDED, FAILED -> null;
        };
    }

    private static String answerTag(Answer answer) {
        if (answer instanceof Answer.Final f) {
            return f.success() ? "success" : "failure";
        }
        Answer.NoAnswer none = (Answer.NoAnswer) answer;
        if (none.keptBack()) {
            return "kept_back";
        }
        return none.throttled() ? "throttled" : "pending";
    }

    private Optional<Requery> resolveOrReschedule(Requery r, String token, Answer answer, Reply reply,
                                                  RequerySchedule schedule, Instant at) {
        int attempts = r.attempts() + 1;
        if (answer instanceof Answer.Final f) {
            State to = f.success() ? State.SUCCEEDED : State.FAILED;
            OutboxEntry event = resolutions.get(r.kind()).resolved(r, f, at);
            Change change = Change.nextDue(schedule.confirmations() > 0 ? at.plus(schedule.confirmAfter()) : null)
                    .requeried(attempts, answer.code(), at).reply(reply)
                    .resolved(evidence(f, at, attempts, r.state() == State.ESCALATED), schedule.confirmations())
                    .publish(event);
            Optional<Requery> done = store.apply(r.id(), token, r.state(), change);
            done.ifPresent(d -> {
                meters.counter("vendstream.poller.resolved", "provider", r.provider(), "kind", r.kind().name(),
                        "outcome", to.name(), "after_escalation", String.valueOf(r.state() == State.ESCALATED))
                        .increment();
                log.info("{} of order {} at {} resolved {} by requery {}{}", r.kind(), r.orderId(), r.provider(),
                        to, attempts, r.state() == State.ESCALATED ? " after escalation" : "");
            });
            return done;
        }
        Answer.NoAnswer none = (Answer.NoAnswer) answer;
        Instant next;
        Optional<OutboxEntry> escalation = Optional.empty();
        State state = r.state();
        String escalationReason = null;
        if (state == State.PENDING && (none.needsPerson() || !at.isBefore(r.deadlineAt()))) {
            // An answer that needs a person escalates now, by the same path as the deadline: asking again until the
            // deadline would only keep that person waiting. Slow requeries go on, so a later final answer still counts.
            state = State.ESCALATED;
            escalationReason = none.needsPerson() ? NEEDS_PERSON + ": the provider answered " + none.code()
                    + " on requery " + attempts + ", which its code table marks MANUAL"
                    : DEADLINE + ": no final answer after " + attempts + " requeries";
            escalation = resolutions.get(r.kind()).unresolved(r, at,
                    answer.code() != null ? answer.code() : r.lastCode(), escalationReason, newest(r.replies(), reply));
        }
        next = state == State.ESCALATED ? schedule.nextWhileEscalated(at, random)
                : schedule.nextWhilePending(r.firstPendingAt(), attempts, at, random);
        Instant until = state == State.ESCALATED ? schedule.requeryUntil(r.firstPendingAt()) : null;
        boolean stop = until != null && !at.isBefore(until);
        int throttles = 0;
        if (none.keptBack()) {
            // Our guards, not the provider, held it back, and say for how long: no requery to the provider from
            // here before then. Its 429 count stays as it was: this says nothing about the provider's limit.
            throttles = r.throttles();
            Duration pause = none.keptBackFor();
            throttledUntil.merge(r.provider(), at.plus(pause), (a, b) -> a.isAfter(b) ? a : b);
            Instant resume = at.plus(pause).plus(schedule.jitterOf(pause, random).abs());
            if (resume.isAfter(next)) {
                next = resume;
            }
        } else if (none.throttled()) {
            throttles = r.throttles() + 1;
            Duration pause = schedule.throttleBackoff(throttles);
            throttledUntil.merge(r.provider(), at.plus(pause), (a, b) -> a.isAfter(b) ? a : b);
            Instant resume = at.plus(pause).plus(schedule.jitterOf(pause, random).abs());
            if (resume.isAfter(next)) {
                next = resume;
            }
            meters.counter("vendstream.poller.throttled", "provider", r.provider()).increment();
        }
        Instant limit = state == State.PENDING ? r.deadlineAt() : until;
        if (limit != null && next.isAfter(limit) && !stop) {
            // The last requery falls on the deadline or the end of the requery period, pause or not: escalation
            // and the end of requeries are never later than the schedule says.
            next = limit;
        }
        Change change = Change.nextDue(stop ? null : next).requeried(attempts, answer.code(), at).reply(reply)
                .throttles(throttles);
        if (state != r.state()) {
            change.escalated(at, escalationReason);
        }
        escalation.ifPresent(change::publish);
        if (stop) {
            change.requeriesStopped(at);
        }
        Optional<Requery> done = store.apply(r.id(), token, r.state(), change);
        if (done.isPresent() && stop) {
            meters.counter("vendstream.poller.requeries.stopped", "provider", r.provider(), "kind", r.kind().name())
                    .increment();
            log.warn("{} of order {} at {} still has no final answer at the end of its requery period; requeries "
                    + "stopped, a person must settle it", r.kind(), r.orderId(), r.provider());
        }
        if (done.isPresent() && state == State.ESCALATED && r.state() == State.PENDING) {
            meters.counter("vendstream.poller.escalations", "provider", r.provider(), "kind", r.kind().name(),
                    "reason", none.needsPerson() ? "needs_person" : "deadline").increment();
            if (none.needsPerson()) {
                log.warn("{} of order {} at {}: requery {} answered {}, which needs a person; escalated for manual "
                        + "review before its deadline", r.kind(), r.orderId(), r.provider(), attempts, none.code());
            } else {
                log.warn("{} of order {} at {} still unresolved after {} requeries; escalated for manual review",
                        r.kind(), r.orderId(), r.provider(), attempts);
            }
        }
        return done;
    }

    /**
     * A requery after the final answer: agreement is quiet, a contradiction is evidence (and, against two
     * operators' decision, counted as {@code vendstream.poller.manual.contradicted}).
     */
    private Optional<Requery> confirm(Requery r, String token, Answer answer, Reply reply, RequerySchedule schedule,
                                      Instant at) {
        int left = Math.max(0, r.confirmationsLeft() - 1);
        return checkAgainstSettlement(r, token, answer, reply, at,
                Change.nextDue(left > 0 ? at.plus(schedule.confirmAfter()) : null).confirmationsLeft(left));
    }

    /**
     * A requery's answer that lands after two operators settled the vend while it was in flight: kept (the reply,
     * and the contradiction if it is one) and the lease given back, but the settlement's confirmations and next
     * due time are left alone, so the provider is still asked {@code confirmations} times after the decision.
     */
    private Optional<Requery> answeredBeforeDecision(Requery settled, String token, Answer answer, Reply reply,
                                                     Instant at) {
        return checkAgainstSettlement(settled, token, answer, reply, at, Change.keepingSchedule());
    }

    private Optional<Requery> checkAgainstSettlement(Requery r, String token, Answer answer, Reply reply, Instant at,
                                                     Change change) {
        change.countAttempt().reply(reply);
        boolean contradicts = answer instanceof Answer.Final f && f.success() != (r.state() == State.SUCCEEDED);
        if (contradicts) {
            change.contradiction(evidence((Answer.Final) answer, at, r.attempts() + 1, false));
        }
        Optional<Requery> done = store.apply(r.id(), token, r.state(), change);
        if (done.isPresent() && contradicts) {
            meters.counter("vendstream.poller.contradictions", "provider", r.provider(), "kind", r.kind().name())
                    .increment();
            if (r.manual() != null) {
                ManualSettlements.contradicted(meters, r, ManualSettlements.BY_REQUERY);
            }
            log.error("{} of order {} at {} was recorded {}{} but the provider now answers {} (code {}); kept as "
                            + "evidence for review", r.kind(), r.orderId(), r.provider(), r.state(),
                    r.manual() != null ? " by two operators' decision" : "",
                    ((Answer.Final) answer).success() ? "success" : "failure", answer.code());
        }
        return done;
    }

    /** The replies kept with this one added: the newest {@link Reply#KEPT}, oldest first. */
    static List<Reply> newest(List<Reply> kept, Reply reply) {
        List<Reply> all = new java.util.ArrayList<>(kept);
        all.add(reply);
        return List.copyOf(all.subList(Math.max(0, all.size() - Reply.KEPT), all.size()));
    }

    /**
     * What the provider said, without customer data, tokens or PINs: its message masked as a reply's detail is
     * (a failure's text may quote the meter or phone number).
     */
    private static Requery.Evidence evidence(Answer.Final f, Instant at, int attempt, boolean afterEscalation) {
        return new Requery.Evidence(f.success() ? State.SUCCEEDED : State.FAILED, f.code(),
                Masking.numbers(f.message()), at, attempt, afterEscalation);
    }
}
