package com.vendstream.vend.vending;

import com.vendstream.events.FailureClass;
import com.vendstream.events.OrderLine;
import com.vendstream.events.PendingReason;
import com.vendstream.events.VendRequested;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.kit.providers.ProviderEnums;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.guard.GuardedConnectors;
import com.vendstream.vend.attempt.VendAttempt;
import com.vendstream.vend.attempt.VendAttempt.State;
import com.vendstream.vend.attempt.VendAttemptStore;
import com.vendstream.vend.routing.Router;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one VendRequested into at most one provider vend.
 *
 * <p>The order's attempt document is claimed (unique by order id) with the provider and our
 * reference before the provider is called; whoever fails to claim it does not call. The call is
 * made once. Its outcome settles the attempt and queues the outcome event in the same update. An
 * attempt left SENDING by a crash is never resent: once its lease expires it becomes PENDING and
 * status-poller requeries it by the same reference.
 */
public class Vending {

    private static final Logger log = LoggerFactory.getLogger(Vending.class);
    static final int PAGE = 100;

    private final VendAttemptStore store;
    private final GuardedConnectors connectors;
    private final Router router;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration lease;
    private final Duration minRetry;
    private final Duration giveUpAfter;
    private final int maxDeferrals;
    private final Map<State, AtomicLong> overdue = new EnumMap<>(State.class);
    private final Map<String, Semaphore> handOffSlots = new ConcurrentHashMap<>();

    public Vending(VendAttemptStore store, GuardedConnectors connectors, Router router, OutboxTrigger relay,
                   MeterRegistry meters, Clock clock, Duration lease) {
        this(store, connectors, router, relay, meters, clock, lease, Duration.ofSeconds(1), Duration.ofMinutes(30), 20);
    }

    /**
     * @param minRetry    shortest wait before a vend that was not sent is tried again
     * @param giveUpAfter how long, from the claim, a vend that keeps not being sent may wait before it
     *                    fails (and is refunded)
     * @param maxDeferrals how many times it may be put back before it fails
     */
    public Vending(VendAttemptStore store, GuardedConnectors connectors, Router router, OutboxTrigger relay,
                   MeterRegistry meters, Clock clock, Duration lease, Duration minRetry, Duration giveUpAfter,
                   int maxDeferrals) {
        this.minRetry = minRetry;
        this.giveUpAfter = giveUpAfter;
        this.maxDeferrals = maxDeferrals;
        this.store = store;
        this.connectors = connectors;
        this.router = router;
        this.relay = relay;
        this.meters = meters;
        this.clock = clock;
        this.lease = lease;
        for (State state : List.of(State.SENDING, State.DEFERRED)) {
            AtomicLong count = new AtomicLong();
            overdue.put(state, count);
            Gauge.builder("vendstream.vend.overdue", count, AtomicLong::get).tag("state", state.name())
                    .description("Attempts the lease or deferred sweep should have moved on more than one lease ago")
                    .register(meters);
        }
    }

    /** Claims the order's vend and makes the call, in this thread (what {@link #claim} and its call do together). */
    public void handle(VendRequested request) {
        Runnable call = claim(request);
        if (call != null) {
            call.run();
        }
    }

    /**
     * Does the durable part of a request: claims the order's one attempt (SENDING, with the provider, our
     * reference and a lease) or, for a request that cannot be routed, fails it. Returns the provider call
     * still to make, to be handed off, or null when nothing is left to do (the order's attempt existed
     * already, it failed before routing, or its call was made here).
     *
     * <p>Once this returns, the request's offset may be committed while the call is still to run: the claim
     * is what a crash leaves, and a claimed attempt is driven on without the request (settled by its call,
     * or, if the call never ends, handed to requery by the lease sweep with the same reference). Before
     * claiming it waits (up to the bulkhead's wait) for one of the first provider's hand-off slots
     * ({@code bulkhead.max-concurrent-calls} calls handed off and not yet finished per provider), so that a
     * slow provider holds up only requests for itself, and the calls handed off stay bounded. If no slot
     * frees in that time the call is made here, on the caller's (the consumer's) thread, before this
     * returns: its batch, and so its partition, waits for it (back-pressure), and nothing unbounded starts.
     * A repeated request for an order whose attempt exists does not wait for a slot.
     */
    public Runnable claim(VendRequested request) {
        Semaphore slot = handOffSlot(request);
        if (slot != null && !slot.tryAcquire()) {
            // Full: a redelivered request needs no slot (its claim will find the attempt), so it is not
            // made to wait a bulkhead wait for one.
            slot = store.find(request.getEnvelope().getOrderId()).isEmpty() && acquire(slot) ? slot : null;
        }
        Runnable call;
        try {
            call = claimAttempt(request);
        } catch (RuntimeException | Error e) {
            if (slot != null) {
                slot.release();
            }
            throw e;
        }
        if (call == null || slot == null) {
            if (slot != null) {
                slot.release();
            }
            if (call != null) {
                call.run();
            }
            return null;
        }
        Semaphore taken = slot;
        return () -> {
            try {
                call.run();
            } finally {
                taken.release();
            }
        };
    }

    private boolean acquire(Semaphore slot) {
        try {
            return slot.tryAcquire(connectors.bulkheadWait().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Semaphore handOffSlot(VendRequested request) {
        OrderLine line = request.getLine();
        List<String> providers = router.providers(line.getService().name(), line.getBillerId(),
                request.getPreferredProvider());
        if (providers.isEmpty()) {
            return null;
        }
        return handOffSlots.computeIfAbsent(providers.get(0), p -> new Semaphore(
                connectors.bulkhead(p).getBulkheadConfig().getMaxConcurrentCalls()));
    }

    private Runnable claimAttempt(VendRequested request) {
        String orderId = request.getEnvelope().getOrderId();
        OrderLine line = request.getLine();
        List<String> providers = router.providers(line.getService().name(), line.getBillerId(),
                request.getPreferredProvider());
        Instant now = clock.instant();
        if (request.getDeadline() != null && now.isAfter(request.getDeadline())) {
            claimFailed(request, "none", FailureClass.NO_PROVIDER, "The vend deadline passed before it could start");
            return null;
        }
        if (providers.isEmpty()) {
            claimFailed(request, "none", FailureClass.NO_PROVIDER,
                    "No provider is configured for " + line.getService() + "/" + line.getBillerId());
            return null;
        }
        String provider = providers.get(0);
        String reference = connectors.connector(provider).orElseThrow().newReference();
        if (!store.claim(request, provider, reference, now, now.plus(lease))) {
            // Redelivery, rebalance, a racing instance, or order-service asking again about an order that has
            // heard nothing: the order's one attempt exists already, so nothing is sent. A settled attempt
            // answers with its outcome again (same event, same id; every consumer deduplicates by it), which
            // is what the asker lost; one still in progress is left to its sweeps.
            meters.counter("vendstream.vend.duplicate_requests").increment();
            if (store.requeueOutcome(orderId)) {
                meters.counter("vendstream.vend.outcome.republished").increment();
                log.info("Request for order {} repeated; its attempt is settled, outcome published again", orderId);
            }
            relay.relay(VendAttemptStore.COLLECTION, orderId);
            return null;
        }
        return () -> {
            send(request, providers, 0, reference);
            relay.relay(VendAttemptStore.COLLECTION, orderId);
        };
    }

    private void send(VendRequested request, List<String> providers, int index, String reference) {
        String orderId = request.getEnvelope().getOrderId();
        String provider = providers.get(index);
        VendConnector connector = connectors.connector(provider).orElseThrow();
        if (!connector.referenceUsable(reference, clock.instant())) {
            // e.g. a VTpass request_id claimed before midnight in Lagos: nothing was sent under it yet.
            String fresh = connector.newReference();
            Instant now = clock.instant();
            if (!store.failover(orderId, reference, provider, fresh, now.plus(lease),
                    history(provider, reference, "reference no longer usable", now))) {
                return;
            }
            reference = fresh;
        }
        VendOutcome result;
        try {
            result = connectors.vend(provider, command(request, reference));
        } catch (RuntimeException e) {
            // The request may have left; a bug here must not become a refund.
            log.error("Vend call for order {} to {} threw {}; treating as pending", orderId, provider,
                    e.getClass().getSimpleName());
            result = VendOutcome.pending(PendingCause.UNKNOWN_CODE, null, e.getClass().getSimpleName());
        }
        Instant at = clock.instant();
        boolean nothingSent = (result instanceof VendOutcome.Failed f && f.beforeProcessing())
                || (result instanceof VendOutcome.NotSent ns && ns.reason().mayFailOver());
        if (nothingSent && index + 1 < providers.size()) {
            String next = providers.get(index + 1);
            String nextReference = connectors.connector(next).orElseThrow().newReference();
            if (store.failover(orderId, reference, next, nextReference, at.plus(lease),
                    history(provider, reference, describe(result), at))) {
                meters.counter("vendstream.vend.failover", "from", provider, "to", next).increment();
                send(request, providers, index + 1, nextReference);
            }
            return;
        }
        if (result instanceof VendOutcome.NotSent notSent) {
            defer(request, provider, reference, notSent, at);
            return;
        }
        settle(request, provider, reference, result, at);
    }

    /**
     * Nothing was sent, for a reason that passes: the order waits in the store and the deferred sweep
     * sends it again under a new reference once {@code retryAfter} is over. Only when it has waited
     * longer than {@code giveUpAfter} (or its deadline) is it failed, and so refunded.
     */
    private void defer(VendRequested request, String provider, String reference, VendOutcome.NotSent notSent,
                       Instant at) {
        String orderId = request.getEnvelope().getOrderId();
        Duration wait = notSent.retryAfter().compareTo(minRetry) < 0 ? minRetry : notSent.retryAfter();
        // Jitter, so the orders one limit turned away do not all come back in the same instant.
        long spread = Math.max(wait.toMillis() / 4, 500);
        Instant retryAt = at.plus(wait).plusMillis(java.util.concurrent.ThreadLocalRandom.current().nextLong(spread + 1));
        VendAttempt attempt = store.find(orderId).orElseThrow();
        Instant createdAt = attempt.createdAt();
        int deferrals = attempt.deferrals();
        Instant deadline = createdAt.plus(giveUpAfter);
        if (request.getDeadline() != null && request.getDeadline().isBefore(deadline)) {
            deadline = request.getDeadline();
        }
        meters.counter("vendstream.vend.not_sent", "provider", provider, "reason", notSent.reason().name()).increment();
        if (retryAt.isAfter(deadline) || (deferrals >= maxDeferrals && !ourOwnLimit(notSent.reason()))) {
            settle(request, provider, reference, new VendOutcome.Failed(notSent.providerCode(), giveUpClass(notSent),
                    "Not sent after waiting " + Duration.between(createdAt, at).toSeconds() + " s: "
                            + notSent.reason() + " (" + notSent.message() + ")", true), at);
            return;
        }
        // Our own limits (back-pressure) never use up the tries; only the time limit ends those.
        boolean counted = !ourOwnLimit(notSent.reason());
        if (store.defer(orderId, reference, retryAt, counted, history(provider, reference, describe(notSent), at))) {
            log.info("Vend for order {} not sent to {} ({}); retrying after {}", orderId, provider,
                    notSent.reason(), retryAt);
        }
    }

    /** Refusals that come from our own guards (capacity), not from the provider or its account. */
    private static boolean ourOwnLimit(VendOutcome.NotSentReason reason) {
        return reason == VendOutcome.NotSentReason.LOCAL_RATE_LIMIT || reason == VendOutcome.NotSentReason.BULKHEAD_FULL
                || reason == VendOutcome.NotSentReason.CIRCUIT_OPEN;
    }

    private static com.vendstream.providers.FailureClass giveUpClass(VendOutcome.NotSent notSent) {
        return switch (notSent.reason()) {
            case ACCOUNT_WINDOW, LOCAL_RATE_LIMIT, PROVIDER_THROTTLED, BULKHEAD_FULL ->
                    com.vendstream.providers.FailureClass.THROTTLED;
            case REFERENCE_REFUSED -> com.vendstream.providers.FailureClass.VALIDATION;
            case CIRCUIT_OPEN, AUTH_UNAVAILABLE -> com.vendstream.providers.FailureClass.NO_PROVIDER;
        };
    }

    /**
     * Sends again the deferred attempts whose wait is over, each under a fresh reference (the provider
     * may remember the refused one), starting from the provider that deferred it. The sweep only holds
     * each due attempt back for {@code lease} and hands it to {@code executor}; the attempt is taken
     * (DEFERRED to SENDING, lease started) by the task itself, right before it sends, so time spent
     * queued for a thread never eats into the lease that the stale-lease sweep watches.
     *
     * @return how many were handed on
     */
    public int retryDeferred(java.util.concurrent.Executor executor) {
        int taken = 0;
        Instant now = clock.instant();
        String after = null;
        List<VendAttempt> page;
        do {
            page = store.dueDeferred(now, after, PAGE);
            for (VendAttempt attempt : page) {
                String orderId = attempt.orderId();
                String reference = attempt.reference();
                if (!store.hold(orderId, reference, now, now.plus(lease))) {
                    continue;
                }
                taken++;
                executor.execute(() -> {
                    try {
                        resume(attempt);
                    } catch (RuntimeException e) {
                        // Still DEFERRED (held): the sweep takes it up again once the hold is over.
                        log.warn("Deferred vend for order {} could not be resumed: {}", orderId, e.toString());
                    }
                });
            }
            after = page.isEmpty() ? after : page.get(page.size() - 1).orderId();
        } while (page.size() == PAGE);
        overdue.get(State.DEFERRED).set(store.countOverdue(State.DEFERRED, now.minus(lease)));
        return taken;
    }

    private void resume(VendAttempt attempt) {
        VendRequested request = attempt.request();
        String orderId = attempt.orderId();
        String reference = attempt.reference();
        String deferredAt = attempt.provider();
        // The provider that deferred it first; others after it only where the route allows.
        List<String> route = router.providers(request.getLine().getService().name(), request.getLine().getBillerId(),
                deferredAt);
        Instant now = clock.instant();
        if (route.isEmpty()) {
            // No provider is configured for it any more: fail it (refund) rather than leave it parked.
            if (store.resume(orderId, reference, deferredAt, reference, now.plus(lease))) {
                settle(request, deferredAt, reference, new VendOutcome.Failed(null,
                        com.vendstream.providers.FailureClass.NO_PROVIDER, "No provider is configured for "
                        + request.getLine().getService() + "/" + request.getLine().getBillerId(), true), now);
                relay.relay(VendAttemptStore.COLLECTION, orderId);
            }
            return;
        }
        String provider = route.get(0);
        String fresh = connectors.connector(provider).orElseThrow().newReference();
        if (!store.resume(orderId, reference, provider, fresh, now.plus(lease))) {
            return;
        }
        meters.counter("vendstream.vend.resumed", "provider", provider).increment();
        send(request, route, 0, fresh);
        relay.relay(VendAttemptStore.COLLECTION, orderId);
    }

    private void settle(VendRequested request, String provider, String reference, VendOutcome result, Instant at) {
        String orderId = request.getEnvelope().getOrderId();
        State state;
        OutboxEntry event;
        String code;
        String providerTransactionId = null;
        if (result instanceof VendOutcome.Succeeded s) {
            state = State.SUCCEEDED;
            code = s.providerCode();
            providerTransactionId = s.providerTransactionId();
            event = VendEvents.succeeded(request, provider, reference, s, at);
        } else if (result instanceof VendOutcome.Failed f) {
            state = State.FAILED;
            code = f.providerCode();
            event = VendEvents.failed(request, provider, reference, ProviderEnums.failureClass(f.failureClass()),
                    f.providerCode(), f.message(), at);
        } else {
            VendOutcome.Pending p = (VendOutcome.Pending) result;
            state = State.PENDING;
            code = p.providerCode();
            providerTransactionId = p.providerTransactionId();
            event = VendEvents.pending(request, provider, reference, p.providerTransactionId(),
                    ProviderEnums.pendingReason(p.cause()), p.providerCode(), at);
        }
        if (store.settle(orderId, reference, state, code, providerTransactionId, event)) {
            meters.counter("vendstream.vend.outcome", "provider", provider, "state", state.name()).increment();
            if (result instanceof VendOutcome.Pending p && p.needsPerson()) {
                // The provider's code table says a person must look (MANUAL: e.g. Pagamio 409, VTpass 044). Still
                // pending: status-poller asks about this same reference at its first requery and escalates if that
                // answer is MANUAL too. Never a refund (the value may have been delivered), never another vend.
                meters.counter("vendstream.vend.needs_person", "provider", provider, "code", String.valueOf(code))
                        .increment();
                log.warn("Vend for order {} at {} answered {}, which needs a person; left pending for requery and "
                        + "escalation", orderId, provider, code);
            }
        } else {
            // The stale-lease sweep declared it pending first; status-poller will requery it.
            log.warn("Attempt for order {} was settled by someone else; outcome {} left to requery", orderId, state);
        }
    }

    private static VendAttempt.Tried history(String provider, String reference, String why, Instant at) {
        return new VendAttempt.Tried(provider, reference, why, at);
    }

    /** A vend that failed before any provider was chosen still claims the order's attempt, so it stays failed. */
    private void claimFailed(VendRequested request, String provider, FailureClass failureClass, String message) {
        String orderId = request.getEnvelope().getOrderId();
        Instant now = clock.instant();
        String reference = "unrouted-" + orderId;
        OutboxEntry failed = VendEvents.failed(request, provider, reference, failureClass, null, message, now);
        if (!store.claimFailed(request, provider, reference, now, failed)) {
            store.requeueOutcome(orderId);
        }
        relay.relay(VendAttemptStore.COLLECTION, orderId);
    }

    /**
     * Attempts whose sender died mid-call (or whose call outlived its lease) are handed to
     * status-poller as pending; they are never sent again.
     */
    public int expireLeases() {
        Instant now = clock.instant();
        int found = 0;
        String after = null;
        List<VendAttempt> page;
        do {
            page = store.expiredLeases(now, after, PAGE);
            for (VendAttempt attempt : page) {
                try {
                    handToRequery(attempt, now);
                } catch (RuntimeException e) {
                    // Left SENDING; counted as overdue below if it stays so. One bad attempt holds up no other.
                    log.warn("Attempt for order {} could not be handed to requery: {}", attempt.orderId(),
                            e.getClass().getName());
                }
            }
            found += page.size();
            after = page.isEmpty() ? after : page.get(page.size() - 1).orderId();
        } while (page.size() == PAGE);
        overdue.get(State.SENDING).set(store.countOverdue(State.SENDING, now.minus(lease)));
        return found;
    }

    private void handToRequery(VendAttempt attempt, Instant now) {
        String provider = attempt.provider();
        String reference = attempt.reference();
        OutboxEntry event = VendEvents.pending(attempt.request(), provider, reference, null,
                PendingReason.IN_FLIGHT_AT_RESTART, null, now);
        if (store.expire(attempt.orderId(), reference, event)) {
            meters.counter("vendstream.vend.expired_leases", "provider", provider).increment();
            relay.relay(VendAttemptStore.COLLECTION, attempt.orderId());
        }
    }

    private static String describe(VendOutcome result) {
        if (result instanceof VendOutcome.NotSent n) {
            return "not sent: " + n.reason() + " " + n.message();
        }
        if (result instanceof VendOutcome.Failed f) {
            return "failed before processing: " + f.providerCode() + " " + f.message();
        }
        return String.valueOf(result);
    }

    static VendCommand command(VendRequested request, String reference) {
        OrderLine line = request.getLine();
        return new VendCommand(reference, ProviderEnums.serviceType(line.getService()), line.getBillerId(),
                line.getItemId(), line.getAccount(), line.getCustomerPhone(), line.getAmount().getAmountMinor(),
                line.getAmount().getCurrency(), line.getQuantity() == null ? 1 : line.getQuantity(),
                request.getCustomerName(), request.getVerificationReference());
    }

    Optional<VendConnector> connector(String id) {
        return connectors.connector(id);
    }
}
