package com.vendstream.order.payment;

import com.vendstream.events.PaymentCollected;
import com.vendstream.events.PaymentFailed;
import com.vendstream.events.PaymentKind;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Orders paid by mobile money: collect first, vend only after a COMPLETED collection, and pay the
 * money back by payout if the vend fails. Each execution's reference is generated and stored on the
 * order before the call; a lost or uncertain reply becomes PaymentPending for status-poller to
 * follow by that reference, never a second execution.
 */
public class MobileMoneyPayments {

    private static final Logger log = LoggerFactory.getLogger(MobileMoneyPayments.class);

    private final OrderStore store;
    private final MobileMoney gateway;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;

    public MobileMoneyPayments(OrderStore store, MobileMoney gateway, OutboxTrigger relay, MeterRegistry meters,
                               Clock clock) {
        this.store = store;
        this.gateway = gateway;
        this.relay = relay;
        this.meters = meters;
        this.clock = clock;
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
        MobileMoney.Result result;
        try {
            result = gateway.collect(order.paymentReference(), order.orderId(), order.payerPhone(), order.amountMinor(),
                    order.currency(), order.service() + " " + order.billerId());
        } catch (RuntimeException e) {
            log.warn("Collection call for order {} ended uncertainly: {}", order.orderId(), e.toString());
            result = MobileMoney.Result.pending(e.getClass().getSimpleName());
        }
        applyCollection(order, result, null);
        relay.relay(OrderStore.COLLECTION, order.orderId());
    }

    private void applyCollection(Order order, MobileMoney.Result result, String eventId) {
        Instant at = clock.instant();
        switch (result.status()) {
            case COMPLETED -> {
                List<Document> events = new ArrayList<>();
                events.add(OrderEvents.paymentCollected(order, gateway.provider(), order.paymentReference(),
                        result.providerTransactionId(), result.feeMinor(), at));
                events.addAll(OrderEvents.accepted(order, null, at));
                store.transition(order.orderId(), EnumSet.of(OrderState.AWAITING_PAYMENT), OrderState.VENDING,
                        new Document("payment.collectedAt", java.util.Date.from(at)), events, eventId);
            }
            case FAILED -> {
                Rejection rejection = new Rejection(RejectionReason.PAYMENT_FAILED,
                        "Mobile-money payment failed: " + (result.message() == null ? "declined" : result.message()));
                store.transition(order.orderId(), EnumSet.of(OrderState.AWAITING_PAYMENT), OrderState.REJECTED,
                        new Document("rejection", new Document("code", rejection.reason().name())
                                .append("message", rejection.message())),
                        List.of(OrderEvents.paymentFailed(order, gateway.provider(), order.paymentReference(),
                                result.message() == null ? "FAILED" : result.message(), at),
                                OrderEvents.rejected(order, rejection, at)), eventId);
            }
            case PENDING -> store.transition(order.orderId(), EnumSet.of(OrderState.AWAITING_PAYMENT),
                    OrderState.AWAITING_PAYMENT, new Document("payment.pendingAt", java.util.Date.from(at)),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.COLLECTION, gateway.provider(),
                            order.paymentReference(), result.sessionId(), at)), eventId);
        }
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
        } else if (store.hasField(order.orderId(), "payment.payoutFailedAt")) {
            String fresh = newReference();
            if (!store.retryPayout(order.orderId(), reference, fresh, clock.instant())) {
                // Retried by someone else already (or the order moved on).
                return Optional.of(BlockedReason.PAYOUT_PENDING);
            }
            log.info("Payout of order {} is tried again under a new reference after a refusal", order.orderId());
            reference = fresh;
        } else {
            follow(order, reference);
            return Optional.of(BlockedReason.PAYOUT_PENDING);
        }
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
        };
    }

    private void follow(Order order, String reference) {
        store.transition(order.orderId(), EnumSet.of(OrderState.REFUNDING), OrderState.REFUNDING,
                new Document("payment.payoutPendingAt", java.util.Date.from(clock.instant())),
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
                        new Document("payment.payoutFailedAt", java.util.Date.from(at))
                                .append("payment.payoutFailure", result.message()),
                        List.of(OrderEvents.payoutFailed(order, gateway.provider(), reference,
                                result.message() == null ? "FAILED" : result.message(), at)), eventId);
            }
            case PENDING -> store.transition(order.orderId(), EnumSet.of(OrderState.REFUNDING), OrderState.REFUNDING,
                    new Document("payment.payoutPendingAt", java.util.Date.from(at)),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.PAYOUT, gateway.provider(), reference,
                            result.sessionId(), at)), eventId);
        }
    }

    /** Folds status-poller's final answers about collections and payouts. */
    public void apply(SpecificRecord event) {
        String orderId = Events.envelope(event).getOrderId();
        String eventId = Events.envelope(event).getEventId();
        Order order = store.find(orderId).orElse(null);
        if (order == null || store.hasApplied(orderId, eventId)) {
            return;
        }
        if (event instanceof PaymentCollected c) {
            applyCollection(order, new MobileMoney.Result(MobileMoney.Status.COMPLETED, null,
                    c.getProviderTransactionId(), null, c.getFee() == null ? null : c.getFee().getAmountMinor()), eventId);
        } else if (event instanceof PaymentFailed f) {
            applyCollection(order, new MobileMoney.Result(MobileMoney.Status.FAILED, null, null, f.getReason(), null),
                    eventId);
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

    /** Collections left without a call or a PaymentPending by a crash: ask status-poller to follow them. */
    public void recover(Order order) {
        if (order.state() == OrderState.RECEIVED) {
            collect(order);
        } else if (order.state() == OrderState.AWAITING_PAYMENT) {
            store.transition(order.orderId(), EnumSet.of(OrderState.AWAITING_PAYMENT), OrderState.AWAITING_PAYMENT,
                    new Document("payment.pendingAt", java.util.Date.from(clock.instant())),
                    List.of(OrderEvents.paymentPending(order, PaymentKind.COLLECTION, gateway.provider(),
                            order.paymentReference(), null, clock.instant())), "collection-follow:" + order.paymentReference());
            relay.relay(OrderStore.COLLECTION, order.orderId());
        }
    }
}
