package com.vendstream.order.outcome;

import com.vendstream.events.Envelope;
import com.vendstream.events.RefundMethod;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.events.Events;
import com.vendstream.kit.outbox.Outbox;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.order.order.Order;
import com.vendstream.order.order.OrderEvents;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.OrderTransitions;
import com.vendstream.order.order.RecoverySweep;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds vend outcomes into orders. Each event applies at most once (its id is recorded in the same
 * update that changes the state), and only from a state that still awaits an outcome, so
 * redeliveries, the vend-service/status-poller overlap and late answers cannot move an order twice.
 */
public class OrderOutcomes {

    private static final Logger log = LoggerFactory.getLogger(OrderOutcomes.class);

    private final OrderStore store;
    private final OrderTransitions transitions;
    private final OutboxTrigger relay;
    private final MeterRegistry meters;
    private final Clock clock;

    public OrderOutcomes(OrderStore store, OrderTransitions transitions, OutboxTrigger relay, MeterRegistry meters,
                         Clock clock) {
        this.store = store;
        this.transitions = transitions;
        this.relay = relay;
        this.meters = meters;
        this.clock = clock;
    }

    public void apply(SpecificRecord event) {
        Envelope envelope = Events.envelope(event);
        String orderId = envelope.getOrderId();
        Optional<Order> found = store.find(orderId);
        if (found.isEmpty()) {
            // An outcome for an order this service never stored: nothing to fold, but say so.
            meters.counter("vendstream.order.outcome.orphan", "type", Events.typeOf(event)).increment();
            log.warn("Outcome {} for unknown order", Events.describe(event));
            return;
        }
        Order order = found.get();
        String eventId = envelope.getEventId();
        if (store.hasApplied(orderId, eventId)) {
            return;
        }
        boolean changed;
        if (event instanceof VendSucceeded s) {
            changed = transitions.complete(order, s);
        } else if (event instanceof VendFailed f) {
            // Which provider refused, under which reference: support and reconciliation ask for it.
            org.bson.Document failedVend = f.getVend() == null ? new org.bson.Document()
                    : vendFields(f.getVend().getProvider(), f.getVend().getProviderReference());
            changed = transitions.startRefund(order, eventId, "vend failed: " + f.getReasonClass(),
                    order.paymentMethod() == com.vendstream.events.PaymentMethod.MOBILE_MONEY
                            ? RefundMethod.MOBILE_MONEY_PAYOUT : RefundMethod.WALLET_CREDIT, failedVend);
        } else if (event instanceof VendPending p) {
            changed = store.transition(orderId, EnumSet.of(OrderState.VENDING), OrderState.VEND_PENDING,
                    vendFields(p.getVend().getProvider(), p.getVend().getProviderReference()), List.of(), eventId);
        } else if (event instanceof VendUnresolved u) {
            changed = escalate(order, u, eventId);
        } else {
            changed = false;
        }
        if (!changed) {
            noteUnapplied(order, event, eventId);
        }
        relay.relay(OrderStore.COLLECTION, orderId);
    }

    private boolean escalate(Order order, VendUnresolved u, String eventId) {
        boolean changed = store.transition(order.orderId(), EnumSet.of(OrderState.VENDING, OrderState.VEND_PENDING),
                OrderState.UNRESOLVED, vendFields(u.getVend().getProvider(), u.getVend().getProviderReference()),
                List.of(), eventId);
        if (changed) {
            meters.counter("vendstream.order.unresolved", "provider", u.getVend().getProvider()).increment();
        }
        return changed;
    }

    /**
     * An outcome that could not change the order: a duplicate, a stale pending, or a contradiction
     * (success after a refund). Contradictions are kept on the order as evidence for reconciliation.
     */
    private void noteUnapplied(Order order, SpecificRecord event, String eventId) {
        Order now = store.find(order.orderId()).orElse(order);
        boolean contradiction = (event instanceof VendSucceeded
                && (now.state() == OrderState.REFUNDED || now.state() == OrderState.REFUNDING))
                || (event instanceof VendFailed && now.state() == OrderState.COMPLETED);
        Document evidence = null;
        if (contradiction) {
            meters.counter("vendstream.order.contradictions", "type", Events.typeOf(event)).increment();
            log.warn("Contradictory outcome {} for order in state {}", Events.describe(event), now.state());
            evidence = new Document("contradictions", new Document("eventId", eventId)
                    .append("eventType", Events.typeOf(event)).append("stateAtArrival", now.state().name())
                    .append("at", Date.from(clock.instant())));
        }
        store.note(order.orderId(), eventId, evidence);
    }

    static Document vendFields(String provider, String reference) {
        return new Document("vend.provider", provider).append("vend.providerReference", reference);
    }

    /**
     * Asks again about orders that have heard nothing from vend-service for {@link OrderStore#remindAfter()}:
     * VENDING (the request may never have led to a vend attempt: lost with the broker, or dead-lettered while
     * vend-service's store was down) and VEND_PENDING (status-poller may never have scheduled its requery).
     * Their VendRequested is published again, the same event with the same id. vend-service's claim makes it
     * harmless: an order with an attempt is never vended twice, and a settled attempt answers with its
     * outcome again, which status-poller in turn answers with its resolution if it has one. Orders whose
     * events still wait in the outbox are the relay's; each order is asked again after a doubling pause.
     * Reaches every such order (paging); returns how many were asked about.
     */
    public int remindVends() {
        Instant now = clock.instant();
        Instant before = now.minus(store.remindAfter());
        int reminded = 0;
        for (OrderState state : List.of(OrderState.VENDING, OrderState.VEND_PENDING)) {
            Document filter = new Document(Outbox.FIELD + ".0", new Document("$exists", false));
            filter.putAll(OrderStore.reminderDue(now));
            reminded += RecoverySweep.run(store, state, filter, before, now, o -> {
                Instant requestedAt = store.enteredAt(o.orderId(), OrderState.VENDING);
                Document request = OrderEvents.vendRequested(o, null, requestedAt == null ? o.updatedAt() : requestedAt);
                if (store.remind(o.orderId(), state, null, List.of(request), now)) {
                    meters.counter("vendstream.order.republished", "state", state.name(), "event", "VendRequested")
                            .increment();
                    log.info("Order {} has been {} since {} without news from vend-service; VendRequested published "
                            + "again", o.orderId(), state, o.updatedAt());
                    relay.relay(OrderStore.COLLECTION, o.orderId());
                }
                return Optional.empty();
            });
        }
        return reminded;
    }

    /**
     * Re-drives refunds that a crash interrupted or that could not be made yet (a refused or pending
     * payout, a refused credit). Reaches every due REFUNDING order; one still not refunded is deferred
     * with its reason. Returns how many were refunded.
     */
    public int recover(Duration olderThan) {
        Instant now = clock.instant();
        return RecoverySweep.run(store, OrderState.REFUNDING, new Document(), now.minus(olderThan), now, o -> {
            try {
                return transitions.finishRefund(o);
            } finally {
                relay.relay(OrderStore.COLLECTION, o.orderId());
            }
        });
    }
}
