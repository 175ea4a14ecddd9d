package com.vendstream.order.payment;

import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentUnresolved;
import com.vendstream.events.PayoutFailed;
import com.vendstream.events.PayoutSucceeded;
import com.vendstream.events.RejectionReason;
import com.vendstream.kit.events.Events;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.order.order.BlockedReason;
import com.vendstream.order.order.Order;
import com.vendstream.order.order.OrderEvents;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.Rejection;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
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
 * <p>A collection whose status stays unknown past status-poller's deadline (PaymentUnresolved) moves
 * to PAYMENT_UNRESOLVED; a late PaymentCollected or PaymentFailed, or a person's decision
 * ({@link #settle}), settles it through the same transitions.
 */
public class MobileMoneyPayments {

    private static final Logger log = LoggerFactory.getLogger(MobileMoneyPayments.class);
    private static final Set<OrderState> COLLECTING = EnumSet.of(OrderState.AWAITING_PAYMENT,
            OrderState.PAYMENT_UNRESOLVED);

    /**
     * When payments that were not sent are tried again.
     *
     * @param first the pause after the first failed attempt; it doubles per attempt up to {@code max},
     *              and is never shorter than the Retry-After the gateway asked for
     * @param giveUpAfter how long a collection may keep failing to start before the order is rejected
     */
    @ConfigurationProperties(prefix = "vendstream.payments.retry")
    public record Retry(Duration first, Duration max, Duration giveUpAfter) {
        public Retry {
            first = first == null ? Duration.ofSeconds(30) : first;
            max = max == null ? Duration.ofMinutes(5) : max;
            giveUpAfter = giveUpAfter == null ? Duration.ofMinutes(15) : giveUpAfter;
        }

        public static Retry defaults() {
            return new Retry(null, null, null);
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
    private final MobileMoney gateway;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Retry retry;

    public MobileMoneyPayments(OrderStore store, MobileMoney gateway, OutboxTrigger relay, MeterRegistry meters,
                               Clock clock) {
        this(store, gateway, relay, meters, clock, Retry.defaults());
    }

    public MobileMoneyPayments(OrderStore store, MobileMoney gateway, OutboxTrigger relay, MeterRegistry meters,
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

    /** Executes the collection for an order stored with its reference; safe against a concurrent second call. */
    public void collect(Order order) {
        if (!store.transition(order.orderId(), EnumSet.of(OrderState.RECEIVED), OrderState.AWAITING_PAYMENT,
                new Document(), List.of(), null)) {
            return;
        }
        attemptCollection(order);
    }

    private void attemptCollection(Order order) {
        MobileMoney.Result result;
        try {
            result = gateway.collect(order.paymentReference(), order.orderId(), order.payerPhone(), order.amountMinor(),
                    order.currency(), order.service() + " " + order.billerId());
        } catch (RuntimeException e) {
            log.warn("Collection call for order {} ended uncertainly: {}", order.orderId(), e.toString());
            result = MobileMoney.Result.pending(e.getClass().getSimpleName());
        }
        applyCollection(order, result, null, COLLECTING);
        relay.relay(OrderStore.COLLECTION, order.orderId());
    }

    private boolean applyCollection(Order order, MobileMoney.Result result, String eventId, Set<OrderState> from) {
        Instant at = clock.instant();
        return switch (result.status()) {
            case COMPLETED -> {
                List<Document> events = new ArrayList<>();
                events.add(OrderEvents.paymentCollected(order, gateway.provider(), order.paymentReference(),
                        result.providerTransactionId(), result.feeMinor(), at));
                events.addAll(OrderEvents.accepted(order, null, at));
                yield store.transition(order.orderId(), from, OrderState.VENDING,
                        new Document("payment.collectedAt", Date.from(at)), events, eventId);
            }
            case FAILED -> reject(order, "Mobile-money payment failed: "
                    + (result.message() == null ? "declined" : result.message()), result.message(), eventId, from);
            case PENDING -> store.transition(order.orderId(), EnumSet.of(OrderState.AWAITING_PAYMENT),
                    OrderState.AWAITING_PAYMENT, new Document("payment.pendingAt", Date.from(at)),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.COLLECTION, gateway.provider(),
                            order.paymentReference(), result.sessionId(), at)), eventId);
            case NOT_SENT -> notSent(order, result, "payment.notSent", OrderState.AWAITING_PAYMENT, "collection");
        };
    }

    private boolean reject(Order order, String message, String gatewayReason, String eventId, Set<OrderState> from) {
        Instant at = clock.instant();
        Rejection rejection = new Rejection(RejectionReason.PAYMENT_FAILED, message);
        return store.transition(order.orderId(), from, OrderState.REJECTED,
                new Document("rejection", new Document("code", rejection.reason().name())
                        .append("message", rejection.message())),
                List.of(OrderEvents.paymentFailed(order, gateway.provider(), order.paymentReference(),
                        gatewayReason == null ? "FAILED" : gatewayReason, at),
                        OrderEvents.rejected(order, rejection, at)), eventId);
    }

    /**
     * Keeps the order where it is and marks when to send the payment again: {@code field} holds
     * {since, attempts, retryAt, reason}; the first failure's time stays.
     */
    private boolean notSent(Order order, MobileMoney.Result result, String field, OrderState state, String kind) {
        Instant now = clock.instant();
        Document previous = marker(order.orderId(), field);
        int attempts = previous == null ? 1 : previous.getInteger("attempts", 0) + 1;
        Date since = previous == null || previous.getDate("since") == null ? Date.from(now) : previous.getDate("since");
        Instant retryAt = now.plus(retry.pause(attempts, result.retryAfter()));
        meters.counter("vendstream.order.payment_not_sent", "provider", gateway.provider(), "kind", kind).increment();
        log.warn("Mobile-money {} for order {} not sent (attempt {}, waiting since {}): {}; next try at {}", kind,
                order.orderId(), attempts, since.toInstant(), result.message(), retryAt);
        return store.transition(order.orderId(), EnumSet.of(state), state, new Document(field,
                new Document("since", since).append("attempts", attempts).append("retryAt", Date.from(retryAt))
                        .append("reason", result.message())), List.of(), null);
    }

    private Document marker(String orderId, String field) {
        String name = field.substring(field.indexOf('.') + 1);
        return store.payment(orderId).map(p -> p.get(name, Document.class)).orElse(null);
    }

    /**
     * Pays a failed mobile-money order back, once: the payout reference is fixed before the call, and a
     * reference whose call was made (or died mid-flight) is only ever followed by status. Only a payout
     * the provider refused (FAILED: nothing paid) is tried again, under a new reference. Empty when the
     * payout completed (the order is REFUNDED), otherwise why the order is still REFUNDING.
     */
    public Optional<BlockedReason> payout(Order order) {
        String reference = order.payoutReference();
        if (reference == null) {
            String fresh = newReference();
            store.setOnce(order.orderId(), "payment.payoutReference", fresh);
            reference = store.find(order.orderId()).orElseThrow().payoutReference();
            if (!reference.equals(fresh)) {
                // Another thread fixed the reference first and owns the call.
                return Optional.of(BlockedReason.PAYOUT_PENDING);
            }
            return attemptPayout(store.find(order.orderId()).orElseThrow(), reference);
        }
        Document notSent = marker(order.orderId(), "payment.payoutNotSent");
        if (notSent != null && notSent.getDate("retryAt") != null) {
            // Never reached the gateway: send it again (same reference) once the pause is over.
            if (clock.instant().isBefore(notSent.getDate("retryAt").toInstant())) {
                return Optional.of(BlockedReason.PAYOUT_NOT_SENT);
            }
            if (store.transition(order.orderId(), EnumSet.of(OrderState.REFUNDING), OrderState.REFUNDING,
                    new Document("payment.payoutNotSent.retryAt", null), List.of(),
                    "payout-retry:" + reference + ":" + notSent.getInteger("attempts", 0))) {
                return attemptPayout(store.find(order.orderId()).orElseThrow(), reference);
            }
            return Optional.of(BlockedReason.PAYOUT_NOT_SENT);
        }
        if (store.hasField(order.orderId(), "payment.payoutFailedAt")) {
            String fresh = newReference();
            if (!store.retryPayout(order.orderId(), reference, fresh, clock.instant())) {
                // Retried by someone else already (or the order moved on).
                return Optional.of(BlockedReason.PAYOUT_PENDING);
            }
            log.info("Payout of order {} is tried again under a new reference after a refusal", order.orderId());
            return attemptPayout(store.find(order.orderId()).orElseThrow(), fresh);
        }
        // A reference exists and its call was made (or died mid-flight): only its status may be asked.
        follow(order, reference);
        return Optional.of(BlockedReason.PAYOUT_PENDING);
    }

    private Optional<BlockedReason> attemptPayout(Order order, String reference) {
        MobileMoney.Result result;
        try {
            result = gateway.payout(reference, order.orderId(), order.payerPhone(), order.amountMinor(), order.currency());
        } catch (RuntimeException e) {
            log.warn("Payout call for order {} ended uncertainly: {}", order.orderId(), e.toString());
            result = MobileMoney.Result.pending(e.getClass().getSimpleName());
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

    private void follow(Order order, String reference) {
        store.transition(order.orderId(), EnumSet.of(OrderState.REFUNDING), OrderState.REFUNDING,
                new Document("payment.payoutPendingAt", Date.from(clock.instant())),
                List.of(OrderEvents.paymentPending(order, PaymentKind.PAYOUT, gateway.provider(), reference, null,
                        clock.instant())), "payout-follow:" + reference);
    }

    private void applyPayout(Order order, MobileMoney.Result result, String eventId) {
        Instant at = clock.instant();
        String reference = order.payoutReference();
        switch (result.status()) {
            case COMPLETED -> store.transition(order.orderId(), EnumSet.of(OrderState.REFUNDING), OrderState.REFUNDED,
                    new Document(), List.of(OrderEvents.payoutSucceeded(order, gateway.provider(), reference, at),
                            OrderEvents.refundedByPayout(order, reference, at)), eventId);
            case FAILED -> {
                meters.counter("vendstream.order.payout_failed", "provider", gateway.provider()).increment();
                store.transition(order.orderId(), EnumSet.of(OrderState.REFUNDING), OrderState.REFUNDING,
                        new Document("payment.payoutFailedAt", Date.from(at))
                                .append("payment.payoutFailure", result.message()),
                        List.of(OrderEvents.payoutFailed(order, gateway.provider(), reference,
                                result.message() == null ? "FAILED" : result.message(), at)), eventId);
            }
            case PENDING -> store.transition(order.orderId(), EnumSet.of(OrderState.REFUNDING), OrderState.REFUNDING,
                    new Document("payment.payoutPendingAt", Date.from(at)),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.PAYOUT, gateway.provider(), reference,
                            result.sessionId(), at)), eventId);
            // The customer is owed this money: it stays REFUNDING and is sent again, never given up.
            case NOT_SENT -> notSent(order, result, "payment.payoutNotSent", OrderState.REFUNDING, "payout");
        }
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
            applyCollection(order, new MobileMoney.Result(MobileMoney.Status.COMPLETED, null,
                    c.getProviderTransactionId(), null, c.getFee() == null ? null : c.getFee().getAmountMinor()), eventId,
                    COLLECTING);
        } else if (event instanceof PaymentFailed f) {
            applyCollection(order, new MobileMoney.Result(MobileMoney.Status.FAILED, null, null, f.getReason(), null),
                    eventId, COLLECTING);
        } else if (event instanceof PaymentUnresolved u) {
            unresolved(order, u, eventId);
        } else if (event instanceof PayoutSucceeded p) {
            if (isCurrentPayout(order, p.getReferenceId(), event, eventId)) {
                applyPayout(order, new MobileMoney.Result(MobileMoney.Status.COMPLETED, null, null, null, null), eventId);
            }
        } else if (event instanceof PayoutFailed f) {
            if (isCurrentPayout(order, f.getReferenceId(), event, eventId)) {
                applyPayout(order, new MobileMoney.Result(MobileMoney.Status.FAILED, null, null, f.getReason(), null),
                        eventId);
            }
        }
        relay.relay(OrderStore.COLLECTION, orderId);
    }

    /**
     * No final status by the provider's deadline: a collection moves to PAYMENT_UNRESOLVED (visible,
     * counted, settled later by a late answer or a person); a payout stays REFUNDING, marked.
     */
    private void unresolved(Order order, PaymentUnresolved u, String eventId) {
        Document fields = new Document("unresolvedAt", Date.from(clock.instant()))
                .append("referenceId", u.getReferenceId()).append("lastProviderStatus", u.getLastProviderStatus())
                .append("requeryUntil", u.getRequeryUntil() == null ? null : Date.from(u.getRequeryUntil()));
        boolean changed = u.getKind() == PaymentKind.PAYOUT
                ? store.transition(order.orderId(), EnumSet.of(OrderState.REFUNDING), OrderState.REFUNDING,
                        new Document("payment.payoutUnresolved", fields), List.of(), eventId)
                : store.transition(order.orderId(), EnumSet.of(OrderState.AWAITING_PAYMENT), OrderState.PAYMENT_UNRESOLVED,
                        new Document("payment.unresolved", fields), List.of(), eventId);
        if (changed) {
            meters.counter("vendstream.order.payment_unresolved", "provider", u.getProvider(), "kind",
                    u.getKind().name()).increment();
            log.warn("Mobile-money {} of order {} at {} has no final status after {} status queries; escalated",
                    u.getKind(), order.orderId(), u.getProvider(), u.getRequeryCount());
        }
    }

    /**
     * A person's decision about a PAYMENT_UNRESOLVED collection, once they have checked with the
     * provider: collected leads to the vend, not collected rejects the order (nothing to pay back).
     * Idempotent by {@code decisionId}; false when the order is not (or no longer) unresolved.
     */
    public boolean settle(String orderId, boolean collected, String reason, String decisionId) {
        Order order = store.find(orderId).orElse(null);
        if (order == null || order.state() != OrderState.PAYMENT_UNRESOLVED) {
            return false;
        }
        MobileMoney.Result result = new MobileMoney.Result(collected ? MobileMoney.Status.COMPLETED
                : MobileMoney.Status.FAILED, null, null, reason, null);
        boolean changed = applyCollection(order, result, decisionId, EnumSet.of(OrderState.PAYMENT_UNRESOLVED));
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
        Document evidence = null;
        if (event instanceof PayoutSucceeded) {
            meters.counter("vendstream.order.contradictions", "type", Events.typeOf(event)).increment();
            log.warn("Payout success for an earlier, refused payout of order {}: {}", order.orderId(),
                    Events.describe(event));
            evidence = new Document("contradictions", new Document("eventId", eventId)
                    .append("eventType", Events.typeOf(event)).append("stateAtArrival", order.state().name())
                    .append("at", java.util.Date.from(clock.instant())));
        }
        store.note(order.orderId(), eventId, evidence);
        return false;
    }

    /**
     * The recovery sweep's entry for RECEIVED and AWAITING_PAYMENT orders: starts a collection a crash
     * left unstarted, sends again one that was not sent (after its pause; rejected once it has failed
     * to start for {@link Retry#giveUpAfter()}), and otherwise asks status-poller to follow it.
     */
    public void recover(Order order) {
        if (order.state() == OrderState.RECEIVED) {
            collect(order);
        } else if (order.state() == OrderState.AWAITING_PAYMENT) {
            Document notSent = marker(order.orderId(), "payment.notSent");
            if (notSent != null && notSent.getDate("retryAt") != null) {
                retryCollection(order, notSent);
                return;
            }
            store.transition(order.orderId(), EnumSet.of(OrderState.AWAITING_PAYMENT), OrderState.AWAITING_PAYMENT,
                    new Document("payment.pendingAt", Date.from(clock.instant())),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.COLLECTION, gateway.provider(),
                            order.paymentReference(), null, clock.instant())), "collection-follow:" + order.paymentReference());
            relay.relay(OrderStore.COLLECTION, order.orderId());
        }
    }

    private void retryCollection(Order order, Document notSent) {
        Instant now = clock.instant();
        if (now.isBefore(notSent.getDate("retryAt").toInstant())) {
            return;
        }
        String reference = order.paymentReference();
        Instant since = notSent.getDate("since").toInstant();
        if (!now.isBefore(since.plus(retry.giveUpAfter()))) {
            // Nothing was collected: every attempt stopped before the gateway processed anything.
            if (reject(order, "Mobile-money payment could not be started within " + retry.giveUpAfter()
                            + " (" + notSent.getInteger("attempts", 0) + " attempts): " + notSent.getString("reason"),
                    "NOT SENT: " + notSent.getString("reason"), "collection-give-up:" + reference,
                    EnumSet.of(OrderState.AWAITING_PAYMENT))) {
                meters.counter("vendstream.order.payment_not_sent_given_up", "provider", gateway.provider()).increment();
                log.warn("Mobile-money collection for order {} given up after {}: rejected", order.orderId(),
                        retry.giveUpAfter());
            }
            relay.relay(OrderStore.COLLECTION, order.orderId());
            return;
        }
        // The claim: of several sweepers reading the same attempt count, one applies this id.
        if (store.transition(order.orderId(), EnumSet.of(OrderState.AWAITING_PAYMENT), OrderState.AWAITING_PAYMENT,
                new Document("payment.notSent.retryAt", null), List.of(),
                "collection-retry:" + reference + ":" + notSent.getInteger("attempts", 0))) {
            attemptCollection(store.find(order.orderId()).orElseThrow());
        }
    }
}
