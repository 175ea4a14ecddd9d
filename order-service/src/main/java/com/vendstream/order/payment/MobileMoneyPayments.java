package com.vendstream.order.payment;

import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentUnresolved;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.events.RejectionReason;
import com.vendstream.kit.events.Events;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.order.order.AccountMasking;
import com.vendstream.order.order.BlockedReason;
import com.vendstream.order.order.Fields;
import com.vendstream.order.order.Order;
import com.vendstream.order.order.OrderEvents;
import com.vendstream.order.order.OrderLifecycle;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.RecoverySweep;
import com.vendstream.order.order.Rejection;
import com.vendstream.providers.mobilemoney.MobileMoneyGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Orders paid by mobile money: collect first, vend only after a COMPLETED collection, and pay the
 * money back by payout if the vend fails. Each execution's reference is generated and stored on the
 * order before the call; a lost or uncertain reply becomes PaymentPending for status-poller to
 * follow by that reference, never a second execution.
 *
 * <p>A payment that could not be sent for a passing reason (the gateway's token endpoint throttled
 * or down, the gateway unreachable) is never turned into a rejection or a finished refund while it
 * can wait: the order keeps its state with a {@code notSent} marker and the recovery sweep sends it
 * again, with the same reference, after a growing pause. A collection is given up (rejected, nothing
 * was collected) after {@link Retry#giveUpAfter()}; a payout, which owes the customer money, never is.
 *
 * <p>A collection call is marked under way ({@value #SENDING_UNTIL}) by the conditional update that
 * starts it, and the update recording its answer clears the mark. A throttled gateway can keep one call
 * going for longer than the sweep's {@code recovery-after}; while the mark holds, the sweep neither
 * follows the collection (it may not have reached the gateway) nor starts another attempt, and
 * status-poller's deadline does not escalate it.
 *
 * <p>A collection whose status stays unknown past status-poller's deadline (PaymentUnresolved) moves
 * to PAYMENT_UNRESOLVED; a late PaymentCollected or PaymentFailed, or a person's decision
 * ({@link #settle}), settles it through the same transitions. An answer that comes after the order
 * moved on and contradicts it is kept on the order as a contradiction and counted; a collection that
 * completed on an order already rejected is paid back by payout ({@link #payout}), the order staying
 * REJECTED.
 */
public class MobileMoneyPayments {

    private static final Logger log = LoggerFactory.getLogger(MobileMoneyPayments.class);
    /** Until when a collection call may still be under way; null once its answer is recorded. */
    public static final String SENDING_UNTIL = OrderStore.SENDING_UNTIL;
    private static final String NOT_SENT_RETRY_AT = "payment.notSent.retryAt";

    /**
     * When payments that were not sent are tried again.
     *
     * @param first the pause after the first failed attempt; it doubles per attempt up to {@code max},
     *              and is never shorter than the Retry-After the gateway asked for
     * @param giveUpAfter how long a collection may keep failing to start before the order is rejected
     * @param inFlightFor how long a collection call is taken to be under way, so left alone by the sweep
     *                    and by status-poller's deadline; longer than the gateway's slowest call (Dollr:
     *                    ten requests, each with token retries and two 429 waits). A call whose process
     *                    died is followed by status once this has passed
     */
    @ConfigurationProperties(prefix = "vendstream.payments.retry")
    public record Retry(Duration first, Duration max, Duration giveUpAfter, Duration inFlightFor) {
        public Retry {
            first = first == null ? Duration.ofSeconds(30) : first;
            max = max == null ? Duration.ofMinutes(5) : max;
            giveUpAfter = giveUpAfter == null ? Duration.ofMinutes(15) : giveUpAfter;
            inFlightFor = inFlightFor == null ? Duration.ofMinutes(10) : inFlightFor;
        }

        public static Retry defaults() {
            return new Retry(null, null, null, null);
        }

        /** The pause after the {@code attempts}-th failed attempt (1, 2, ...). */
        Duration pause(int attempts, Duration asked) {
            Duration pause = first;
            for (int i = 1; i < attempts && pause.compareTo(max) < 0; i++) {
                pause = pause.multipliedBy(2);
            }
            pause = pause.compareTo(max) > 0 ? max : pause;
            return asked != null && asked.compareTo(pause) > 0 ? asked : pause;
        }
    }

    private final OrderStore store;
    private final MobileMoneyGateway gateway;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Retry retry;

    public MobileMoneyPayments(OrderStore store, MobileMoneyGateway gateway, OutboxTrigger relay, MeterRegistry meters,
                               Clock clock) {
        this(store, gateway, relay, meters, clock, Retry.defaults());
    }

    public MobileMoneyPayments(OrderStore store, MobileMoneyGateway gateway, OutboxTrigger relay, MeterRegistry meters,
                               Clock clock, Retry retry) {
        this.store = store;
        this.gateway = gateway;
        this.relay = relay;
        this.meters = meters;
        this.clock = clock;
        this.retry = retry;
    }

    /** Fresh UUID v4, as Dollr requires for reference_id. */
    public static String newReference() {
        return UUID.randomUUID().toString();
    }

    private Instant sendingUntil() {
        return clock.instant().plus(retry.inFlightFor());
    }

    /** Executes the collection for an order stored with its reference; safe against a concurrent second call. */
    public void collect(Order order) {
        if (!store.transition(order.orderId(), OrderLifecycle.COLLECTION_STARTED,
                Fields.of(SENDING_UNTIL, sendingUntil()), List.of(), null)) {
            return;
        }
        attemptCollection(order);
    }

    /** One call to the gateway; the caller has marked it under way by the update that claimed it. */
    private void attemptCollection(Order order) {
        MobileMoneyGateway.Result result;
        try {
            result = gateway.collect(order.paymentReference(), order.orderId(), order.payerPhone(), order.amountMinor(),
                    order.currency(), order.service() + " " + order.billerId());
        } catch (RuntimeException e) {
            log.warn("Collection call for order {} ended uncertainly: {}", order.orderId(), e.toString());
            result = MobileMoneyGateway.Result.pending(e.getClass().getSimpleName());
        }
        if (!applyCollection(order, result, null, false)) {
            unapplied(order, result, null);
        }
        relay.relay(OrderStore.COLLECTION, order.orderId());
    }

    /** @param decision a person's decision about an unresolved collection ({@link #settle}), not the provider's answer */
    private boolean applyCollection(Order order, MobileMoneyGateway.Result result, String eventId, boolean decision) {
        Instant at = clock.instant();
        return switch (result.status()) {
            case COMPLETED -> {
                List<OutboxEntry> events = new ArrayList<>();
                events.add(OrderEvents.paymentCollected(order, gateway.provider(), order.paymentReference(),
                        result.providerTransactionId(), result.feeMinor(), at));
                events.addAll(OrderEvents.accepted(order, null, at));
                yield store.transition(order.orderId(),
                        decision ? OrderLifecycle.SETTLED_AS_COLLECTED : OrderLifecycle.COLLECTION_COMPLETED,
                        Fields.of("payment.collectedAt", at).and(SENDING_UNTIL, null), events, eventId);
            }
            case FAILED -> reject(order, "Mobile-money payment failed: "
                    + (result.message() == null ? "declined" : result.message()), result.message(), eventId,
                    decision ? OrderLifecycle.SETTLED_AS_NOT_COLLECTED : OrderLifecycle.COLLECTION_FAILED, null);
            case PENDING -> store.transition(order.orderId(), OrderLifecycle.COLLECTION_PENDING,
                    Fields.of("payment.pendingAt", at).and(SENDING_UNTIL, null),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.COLLECTION, gateway.provider(),
                            order.paymentReference(), result.sessionId(), at)), eventId);
            // Nothing reached the gateway. Also from PAYMENT_UNRESOLVED: attempts are strictly one after the other
            // (a retry starts only once the previous one answered NOT_SENT), so the gateway never had this
            // reference, and status-poller's deadline (reached while a call outlived its in-flight mark) was
            // about nothing. Never "followed" any more: the sweep sends it again or gives it up.
            case NOT_SENT -> notSent(order, result, "payment.notSent", OrderLifecycle.COLLECTION_NOT_SENT, null,
                    "collection", Fields.of("payment.pendingAt", null).and(SENDING_UNTIL, null));
        };
    }

    /** The payment provider's text made fit for the merchant: the order's numbers and any long number masked. */
    private static String forMerchant(Order order, String text) {
        return AccountMasking.providerText(text, order.account(), order.customerPhone(), order.payerPhone());
    }

    private boolean reject(Order order, String message, String gatewayReason, String eventId, OrderLifecycle event,
                           Instant asOf) {
        Instant at = clock.instant();
        Rejection rejection = new Rejection(RejectionReason.PAYMENT_FAILED, forMerchant(order, message));
        return store.transition(order.orderId(), event,
                Fields.of("rejection", rejection.fields()).and(SENDING_UNTIL, null),
                List.of(OrderEvents.paymentFailed(order, gateway.provider(), order.paymentReference(),
                        forMerchant(order, gatewayReason == null ? "FAILED" : gatewayReason), at),
                        OrderEvents.rejected(order, rejection, at)), eventId, asOf);
    }

    /**
     * Marks when to send the payment again: {@code field} holds {since, attempts, retryAt, reason}; the
     * first failure's time stays. Written as {@code event} (in {@code in} when given), with {@code also} set.
     */
    private boolean notSent(Order order, MobileMoneyGateway.Result result, String field, OrderLifecycle event, OrderState in,
                            String kind, Fields also) {
        Instant now = clock.instant();
        OrderStore.NotSent previous = store.notSent(order.orderId(), field).orElse(null);
        int attempts = previous == null ? 1 : previous.attempts() + 1;
        Instant since = previous == null || previous.since() == null ? now : previous.since();
        Instant retryAt = now.plus(retry.pause(attempts, result.retryAfter()));
        meters.counter("vendstream.order.payment_not_sent", "provider", gateway.provider(), "kind", kind).increment();
        log.warn("Mobile-money {} for order {} not sent (attempt {}, waiting since {}): {}; next try at {}", kind,
                order.orderId(), attempts, since, result.message(), retryAt);
        return store.transition(order.orderId(), event, in, also.and(field, Fields.of("since", since)
                .and("attempts", attempts).and("retryAt", retryAt).and("reason", forMerchant(order, result.message()))),
                List.of(), null, null);
    }

    /**
     * A collection answer that could not be applied because the order had moved on. One that agrees with
     * where it is (collected on an order that went on to the vend, failed on a rejected one) is only
     * noted; one that contradicts it is kept on the order as a contradiction and counted. Money taken from
     * a customer whose order was rejected is paid back.
     */
    private void unapplied(Order seen, MobileMoneyGateway.Result result, String eventId) {
        if (result.status() != MobileMoneyGateway.Status.COMPLETED && result.status() != MobileMoneyGateway.Status.FAILED) {
            return;
        }
        Order order = store.find(seen.orderId()).orElse(seen);
        if (eventId != null && store.hasApplied(order.orderId(), eventId)) {
            return;
        }
        if (result.status() == MobileMoneyGateway.Status.COMPLETED) {
            if (order.state() == OrderState.REJECTED) {
                collectedAfterRejection(order, result, eventId);
            } else {
                store.note(order.orderId(), eventId);
            }
        } else if (store.hasField(order.orderId(), "payment.collectedAt")
                || order.collectedAfterRejectionAt() != null) {
            // The order was vended (or its money is being paid back) on the strength of a collection now said
            // to have failed: nothing can be undone automatically; a person must look at it.
            contradiction(order, eventId, PaymentFailed.class.getSimpleName());
        } else {
            store.note(order.orderId(), eventId);
        }
    }

    /**
     * The customer was charged for an order we rejected (a late PaymentCollected, or a call that completed
     * after the order was given up or settled as not collected). The order stays REJECTED, the collection is
     * recorded with its PaymentCollected and paid back by a payout of its own reference, which the sweep
     * drives until the provider confirms it ({@link #recoverReturns}).
     */
    private void collectedAfterRejection(Order order, MobileMoneyGateway.Result result, String eventId) {
        Instant at = clock.instant();
        Fields late = Fields.of("at", at).and("referenceId", order.paymentReference())
                .and("providerTransactionId", result.providerTransactionId())
                .and("source", eventId == null ? "collection call" : eventId);
        // Only on a mobile-money order with no late collection recorded yet: the row requires it.
        boolean recorded = store.transition(order.orderId(), OrderLifecycle.COLLECTED_AFTER_REJECTION,
                Fields.of(OrderStore.COLLECTED_AFTER_REJECTION, late),
                List.of(OrderEvents.paymentCollected(order, gateway.provider(), order.paymentReference(),
                        result.providerTransactionId(), result.feeMinor(), at)), eventId);
        if (!recorded) {
            // Recorded already (the call's answer and status-poller's both said so): one payout.
            store.note(order.orderId(), eventId);
            return;
        }
        contradiction(order, eventId, PaymentCollected.class.getSimpleName());
        meters.counter("vendstream.order.collected_after_rejection", "provider", gateway.provider()).increment();
        log.warn("Mobile-money collection of order {} completed after the order was rejected; paying it back",
                order.orderId());
        Order rejected = store.find(order.orderId()).orElseThrow();
        payout(rejected).ifPresent(blocked -> store.defer(order.orderId(), OrderState.REJECTED, blocked, at));
    }

    /** Keeps an answer that contradicts the order's state on the order as evidence, and counts it. */
    private void contradiction(Order order, String eventId, String type) {
        meters.counter("vendstream.order.contradictions", "type", type).increment();
        log.warn("Contradictory {} for mobile-money order {} in state {}", type, order.orderId(), order.state());
        store.contradiction(order.orderId(), eventId, type, order.state(), clock.instant());
    }

    /**
     * Where an order's payout lives: REFUNDING (a failed vend paid back; REFUNDED once confirmed) or
     * REJECTED (a collection that completed after the rejection; stays REJECTED, marked paid back).
     */
    private static OrderState payoutState(Order order) {
        return order.state() == OrderState.REJECTED ? OrderState.REJECTED : OrderState.REFUNDING;
    }

    /**
     * Pays an order's money back, once: the payout reference is fixed before the call, and a reference
     * whose call was made (or died mid-flight) is only ever followed by status. Only a payout the provider
     * refused (FAILED: nothing paid) is tried again, under a new reference. Serves REFUNDING orders and
     * REJECTED ones whose collection completed after the rejection. Empty when the payout completed,
     * otherwise why the money is not back yet.
     */
    public Optional<BlockedReason> payout(Order order) {
        // The payout rows require of a REJECTED order a late collection not paid back yet (the store adds it).
        OrderState state = payoutState(order);
        String reference = order.payoutReference();
        if (reference == null) {
            String fresh = newReference();
            // Only while no reference is fixed yet (the row requires it): who fixes it owns the call.
            if (!store.transition(order.orderId(), OrderLifecycle.PAYOUT_STARTED, state,
                    Fields.of("payment.payoutReference", fresh), List.of(), null, null)) {
                // Another thread fixed the reference first and owns the call (or there is nothing to pay back).
                return Optional.of(BlockedReason.PAYOUT_PENDING);
            }
            return attemptPayout(store.find(order.orderId()).orElseThrow(), fresh);
        }
        OrderStore.NotSent notSent = store.notSent(order.orderId(), "payment.payoutNotSent").orElse(null);
        if (notSent != null && notSent.retryAt() != null) {
            // Never reached the gateway: send it again (same reference) once the pause is over.
            if (clock.instant().isBefore(notSent.retryAt())) {
                return Optional.of(BlockedReason.PAYOUT_NOT_SENT);
            }
            if (store.transition(order.orderId(), OrderLifecycle.PAYOUT_RETRIED, state,
                    Fields.of("payment.payoutNotSent.retryAt", null), List.of(),
                    "payout-retry:" + reference + ":" + notSent.attempts(), null)) {
                return attemptPayout(store.find(order.orderId()).orElseThrow(), reference);
            }
            return Optional.of(BlockedReason.PAYOUT_NOT_SENT);
        }
        if (store.hasField(order.orderId(), "payment.payoutFailedAt")) {
            String fresh = newReference();
            if (!store.retryPayout(order.orderId(), state, reference, fresh, clock.instant())) {
                // Retried by someone else already (or the order moved on).
                return Optional.of(BlockedReason.PAYOUT_PENDING);
            }
            log.info("Payout of order {} is tried again under a new reference after a refusal", order.orderId());
            return attemptPayout(store.find(order.orderId()).orElseThrow(), fresh);
        }
        // A reference exists and its call was made (or died mid-flight): only its status may be asked.
        if (!store.transition(order.orderId(), OrderLifecycle.PAYOUT_FOLLOWED, state,
                Fields.of("payment.payoutPendingAt", clock.instant()),
                List.of(OrderEvents.paymentPending(order, PaymentKind.PAYOUT, gateway.provider(), reference, null,
                        clock.instant())), "payout-follow:" + reference, null)) {
            // Followed already: status-poller has said nothing for a while, so it is asked again.
            remindPending(order, state, PaymentKind.PAYOUT, reference, clock.instant());
        }
        return Optional.of(BlockedReason.PAYOUT_PENDING);
    }

    private Optional<BlockedReason> attemptPayout(Order order, String reference) {
        MobileMoneyGateway.Result result;
        try {
            result = gateway.payout(reference, order.orderId(), order.payerPhone(), order.amountMinor(), order.currency());
        } catch (RuntimeException e) {
            log.warn("Payout call for order {} ended uncertainly: {}", order.orderId(), e.toString());
            result = MobileMoneyGateway.Result.pending(e.getClass().getSimpleName());
        }
        applyPayout(store.find(order.orderId()).orElseThrow(), result, null);
        relay.relay(OrderStore.COLLECTION, order.orderId());
        return switch (result.status()) {
            case COMPLETED -> Optional.empty();
            case FAILED -> Optional.of(BlockedReason.PAYOUT_FAILED);
            case PENDING -> Optional.of(BlockedReason.PAYOUT_PENDING);
            case NOT_SENT -> Optional.of(BlockedReason.PAYOUT_NOT_SENT);
        };
    }

    private void applyPayout(Order order, MobileMoneyGateway.Result result, String eventId) {
        Instant at = clock.instant();
        String reference = order.payoutReference();
        OrderState state = payoutState(order);
        switch (result.status()) {
            case COMPLETED -> {
                if (state == OrderState.REFUNDING) {
                    store.transition(order.orderId(), OrderLifecycle.REFUND_PAID_OUT,
                            Fields.none(), List.of(OrderEvents.payoutSucceeded(order, gateway.provider(), reference, at),
                                    OrderEvents.refundedByPayout(order, reference, at)), eventId);
                } else {
                    paidBackAfterRejection(order, reference, at, eventId);
                }
            }
            case FAILED -> {
                meters.counter("vendstream.order.payout_failed", "provider", gateway.provider()).increment();
                String reason = forMerchant(order, result.message() == null ? "FAILED" : result.message());
                store.transition(order.orderId(), OrderLifecycle.PAYOUT_FAILED, state,
                        Fields.of("payment.payoutFailedAt", at).and("payment.payoutFailure", reason),
                        List.of(OrderEvents.payoutFailed(order, gateway.provider(), reference, reason, at)), eventId,
                        null);
            }
            case PENDING -> store.transition(order.orderId(), OrderLifecycle.PAYOUT_PENDING, state,
                    Fields.of("payment.payoutPendingAt", at),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.PAYOUT, gateway.provider(), reference,
                            result.sessionId(), at)), eventId, null);
            // The customer is owed this money: the order keeps its state and it is sent again, never given up.
            case NOT_SENT -> notSent(order, result, "payment.payoutNotSent", OrderLifecycle.PAYOUT_NOT_SENT, state,
                    "payout", Fields.none());
        }
    }

    /**
     * A late collection's payout confirmed: the order stays REJECTED (the merchant was told so and never
     * sold anything), marked paid back; PayoutSucceeded (no OrderRefunded: there was no sale to refund)
     * closes the money trail that its PaymentCollected opened.
     */
    private void paidBackAfterRejection(Order order, String reference, Instant at, String eventId) {
        if (store.transition(order.orderId(), OrderLifecycle.LATE_COLLECTION_PAID_BACK,
                Fields.of(OrderStore.COLLECTED_AFTER_REJECTION + ".returnedAt", at)
                        .and(OrderStore.COLLECTED_AFTER_REJECTION + ".payoutReference", reference),
                List.of(OrderEvents.payoutSucceeded(order, gateway.provider(), reference, at)), eventId)) {
            meters.counter("vendstream.order.collected_after_rejection_paid_back", "provider", gateway.provider())
                    .increment();
            log.info("Late collection of rejected order {} paid back", order.orderId());
        }
    }

    /**
     * The sweep's part in paying back collections that completed after their order was rejected: every such
     * REJECTED order untouched since {@code updatedBefore} and due, until the provider confirms its payout.
     * Returns how many were paid back.
     */
    public int recoverReturns(Instant updatedBefore, Instant now) {
        return RecoverySweep.run(store, OrderState.REJECTED, OrderStore.Backlog.OPEN_RETURNS, updatedBefore, now, o -> {
            try {
                return payout(o);
            } finally {
                relay.relay(OrderStore.COLLECTION, o.orderId());
            }
        });
    }

    /** Folds status-poller's answers about collections and payouts. */
    public void apply(SpecificRecord event) {
        String orderId = Events.envelope(event).getOrderId();
        String eventId = Events.envelope(event).getEventId();
        Order order = store.find(orderId).orElse(null);
        if (order == null || store.hasApplied(orderId, eventId)) {
            return;
        }
        if (event instanceof PaymentCollected c) {
            MobileMoneyGateway.Result collected = new MobileMoneyGateway.Result(MobileMoneyGateway.Status.COMPLETED, null,
                    c.getProviderTransactionId(), null, c.getFee() == null ? null : c.getFee().getAmountMinor());
            if (!applyCollection(order, collected, eventId, false)) {
                unapplied(order, collected, eventId);
            }
        } else if (event instanceof PaymentFailed f) {
            MobileMoneyGateway.Result failed = new MobileMoneyGateway.Result(MobileMoneyGateway.Status.FAILED, null, null, f.getReason(), null);
            if (!applyCollection(order, failed, eventId, false)) {
                unapplied(order, failed, eventId);
            }
        } else if (event instanceof PaymentUnresolved u) {
            unresolved(order, u, eventId);
        } else if (event instanceof PayoutSucceeded p) {
            if (isCurrentPayout(order, p.getReferenceId(), event, eventId)) {
                applyPayout(order, new MobileMoneyGateway.Result(MobileMoneyGateway.Status.COMPLETED, null, null, null, null), eventId);
            }
        } else if (event instanceof PayoutFailed f) {
            if (isCurrentPayout(order, f.getReferenceId(), event, eventId)) {
                applyPayout(order, new MobileMoneyGateway.Result(MobileMoneyGateway.Status.FAILED, null, null, f.getReason(), null),
                        eventId);
            }
        }
        relay.relay(OrderStore.COLLECTION, orderId);
    }

    /**
     * No final status by the provider's deadline: a collection moves to PAYMENT_UNRESOLVED (visible,
     * counted, settled later by a late answer or a person); a payout keeps its order's state, marked.
     * Not for a reference the order no longer uses (an earlier, refused payout), nor for a collection
     * the gateway never received: one marked not sent (the sweep sends it again or gives it up) or whose
     * call may still be under way. Those are noted and change nothing.
     */
    private void unresolved(Order order, PaymentUnresolved u, String eventId) {
        Fields fields = Fields.of("unresolvedAt", clock.instant())
                .and("referenceId", u.getReferenceId()).and("lastProviderStatus", u.getLastProviderStatus())
                .and("requeryUntil", u.getRequeryUntil());
        boolean payout = u.getKind() == PaymentKind.PAYOUT;
        String current = payout ? order.payoutReference() : order.paymentReference();
        boolean changed = false;
        if (!u.getReferenceId().equals(current)) {
            log.info("PaymentUnresolved for {} {} of order {}, which is not its current one: ignored", u.getKind(),
                    u.getReferenceId(), order.orderId());
        } else if (payout) {
            OrderState state = payoutState(order);
            changed = store.transition(order.orderId(), OrderLifecycle.PAYOUT_UNRESOLVED, state,
                    Fields.of("payment.payoutUnresolved", fields), List.of(), eventId, null);
        } else {
            // Only with no retry waiting and no call under way by now (the row requires it).
            changed = store.transition(order.orderId(), OrderLifecycle.COLLECTION_UNRESOLVED,
                    Fields.of("payment.unresolved", fields), List.of(), eventId, clock.instant());
        }
        if (changed) {
            meters.counter("vendstream.order.payment_unresolved", "provider", u.getProvider(), "kind",
                    u.getKind().name()).increment();
            log.warn("Mobile-money {} of order {} at {} has no final status after {} status queries; escalated",
                    u.getKind(), order.orderId(), u.getProvider(), u.getRequeryCount());
        } else {
            store.note(order.orderId(), eventId);
        }
    }

    /**
     * A person's decision about a PAYMENT_UNRESOLVED collection, once they have checked with the
     * provider: collected leads to the vend, not collected rejects the order (nothing to pay back).
     * Idempotent by {@code decisionId}; false when the order is not (or no longer) unresolved, e.g. a
     * late provider answer settled it first. A provider answer arriving after the decision and
     * contradicting it is kept as a contradiction (and a collection on the rejected order paid back).
     */
    public boolean settle(String orderId, boolean collected, String reason, String decisionId) {
        Order order = store.find(orderId).orElse(null);
        if (order == null || order.state() != OrderState.PAYMENT_UNRESOLVED) {
            return false;
        }
        MobileMoneyGateway.Result result = new MobileMoneyGateway.Result(collected ? MobileMoneyGateway.Status.COMPLETED
                : MobileMoneyGateway.Status.FAILED, null, null, reason, null);
        boolean changed = applyCollection(order, result, decisionId, true);
        relay.relay(OrderStore.COLLECTION, orderId);
        return changed;
    }

    /**
     * Whether a payout answer is about the order's current payout. An answer about an earlier, refused
     * one changes nothing; a success reported for it would mean money paid twice, so it is kept on the
     * order as a contradiction and counted.
     */
    private boolean isCurrentPayout(Order order, String referenceId, SpecificRecord event, String eventId) {
        if (referenceId != null && referenceId.equals(order.payoutReference())) {
            return true;
        }
        if (event instanceof PayoutSucceeded) {
            contradiction(order, eventId, Events.typeOf(event));
        } else {
            store.note(order.orderId(), eventId);
        }
        return false;
    }

    /**
     * Asks again about collections status-poller was asked to follow ({@code payment.pendingAt}) and has said
     * nothing about for {@link OrderStore#remindAfter()}: its schedule may never have been written (the
     * PaymentPending dead-lettered while its store was down), or its answer lost on the way here. The same
     * PaymentPending is published again; status-poller starts the schedule it lacks, or answers with what it
     * last said. Each order is asked again after a doubling pause; returns how many were asked about.
     */
    public int remindCollections(Instant now) {
        Instant before = now.minus(store.remindAfter());
        // Checked again in the update (OrderStore.remindCollection): the page may be older than a retry or a call
        // started since.
        return RecoverySweep.run(store, OrderState.AWAITING_PAYMENT, OrderStore.Backlog.FOLLOWED_COLLECTIONS_DUE,
                before, now, o -> {
            remindPending(o, OrderState.AWAITING_PAYMENT, PaymentKind.COLLECTION, o.paymentReference(), now);
            return Optional.empty();
        });
    }

    /**
     * Publishes again the PaymentPending of a payment status-poller follows, once it was handed over
     * ({@code payment.pendingAt}, a payout's {@code payment.payoutPendingAt}) longer ago than the reminder pause:
     * the same event, with the same id and time.
     */
    private void remindPending(Order order, OrderState state, PaymentKind kind, String reference, Instant now) {
        boolean collection = kind == PaymentKind.COLLECTION;
        Instant pendingAt = store.paymentTime(order.orderId(), collection ? "pendingAt" : "payoutPendingAt")
                .orElse(null);
        if (pendingAt == null || !pendingAt.isBefore(now.minus(store.remindAfter()))) {
            return;
        }
        List<OutboxEntry> again = List.of(OrderEvents.paymentPending(order, kind, gateway.provider(), reference, null,
                pendingAt));
        if (collection ? store.remindCollection(order.orderId(), again, now)
                : store.remindPayout(order.orderId(), state, reference, again, now)) {
            meters.counter("vendstream.order.republished", "state", state.name(), "event", "PaymentPending")
                    .increment();
            log.info("Mobile-money {} of order {} has had no answer since {}; PaymentPending published again", kind,
                    order.orderId(), pendingAt);
            relay.relay(OrderStore.COLLECTION, order.orderId());
        }
    }

    /**
     * The recovery sweep's entry for RECEIVED and AWAITING_PAYMENT orders: starts a collection a crash
     * left unstarted, sends again one that was not sent (after its pause; rejected once it has failed
     * to start for {@link Retry#giveUpAfter()}), and asks status-poller to follow one whose call ended
     * without a recorded answer (its process died). Never one whose call may still be under way.
     */
    public void recover(Order order) {
        if (order.state() == OrderState.RECEIVED) {
            collect(order);
        } else if (order.state() == OrderState.AWAITING_PAYMENT) {
            OrderStore.NotSent notSent = store.notSent(order.orderId(), "payment.notSent").orElse(null);
            if (notSent != null && notSent.retryAt() != null) {
                retryCollection(order, notSent);
                return;
            }
            Instant now = clock.instant();
            // Checked in the same update: the sweep's page may be older than a call started since.
            // Not followed yet, no retry waiting, no call under way by now: the row requires it.
            store.transition(order.orderId(), OrderLifecycle.COLLECTION_FOLLOWED,
                    Fields.of("payment.pendingAt", now),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.COLLECTION, gateway.provider(),
                            order.paymentReference(), null, now)),
                    "collection-follow:" + order.paymentReference() + ":"
                            + (notSent == null ? 0 : notSent.attempts()), now);
            relay.relay(OrderStore.COLLECTION, order.orderId());
        }
    }

    private void retryCollection(Order order, OrderStore.NotSent notSent) {
        Instant now = clock.instant();
        if (now.isBefore(notSent.retryAt())) {
            return;
        }
        String reference = order.paymentReference();
        Instant since = notSent.since();
        // Only a collection still waiting for its retry, with no call under way by now, may be given up or retried
        // (the rows require it).
        if (!now.isBefore(since.plus(retry.giveUpAfter()))) {
            // Nothing was collected: every attempt stopped before the gateway processed anything.
            if (reject(order, "Mobile-money payment could not be started within " + retry.giveUpAfter()
                            + " (" + notSent.attempts() + " attempts): " + notSent.reason(),
                    "NOT SENT: " + notSent.reason(), "collection-give-up:" + reference,
                    OrderLifecycle.COLLECTION_GIVEN_UP, now)) {
                meters.counter("vendstream.order.payment_not_sent_given_up", "provider", gateway.provider()).increment();
                log.warn("Mobile-money collection for order {} given up after {}: rejected", order.orderId(),
                        retry.giveUpAfter());
            }
            relay.relay(OrderStore.COLLECTION, order.orderId());
            return;
        }
        // The claim: of several sweepers reading the same attempt count, one applies this id and marks the call.
        if (store.transition(order.orderId(), OrderLifecycle.COLLECTION_RETRIED,
                Fields.of(NOT_SENT_RETRY_AT, null).and(SENDING_UNTIL, sendingUntil()), List.of(),
                "collection-retry:" + reference + ":" + notSent.attempts(), now)) {
            attemptCollection(store.find(order.orderId()).orElseThrow());
        }
    }
}
