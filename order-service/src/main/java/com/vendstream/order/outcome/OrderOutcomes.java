package com.vendstream.order.outcome;

import com.vendstream.events.Envelope;
import com.vendstream.events.RefundMethod;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendFailed;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendSucceeded;
import com.vendstream.events.VendUnresolved;
import com.vendstream.kit.deadletter.BatchFailed;
import com.vendstream.kit.events.Events;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.kit.outbox.OutboxTrigger;
import com.vendstream.order.order.Fields;
import com.vendstream.order.order.Order;
import com.vendstream.order.order.OrderEvents;
import com.vendstream.order.order.OrderLifecycle;
import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.order.OrderTransitions;
import com.vendstream.order.order.RecoverySweep;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
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

    /** Folds one outcome and has the order's outbox published. */
    public void apply(SpecificRecord event) {
        if (fold(event)) {
            relay.relay(OrderStore.COLLECTION, Events.envelope(event).getOrderId());
        }
    }

    /**
     * Folds one outcome, reading the order first; true when the order exists and the event was new to it
     * (its outbox may have news).
     */
    private boolean fold(SpecificRecord event) {
        Envelope envelope = Events.envelope(event);
        String orderId = envelope.getOrderId();
        Optional<Order> found = store.find(orderId);
        if (found.isEmpty()) {
            orphan(event);
            return false;
        }
        Order order = found.get();
        String eventId = envelope.getEventId();
        if (store.hasApplied(orderId, eventId)) {
            return false;
        }
        boolean changed;
        if (event instanceof VendSucceeded s) {
            changed = transitions.complete(order, s);
        } else if (event instanceof VendFailed f) {
            // Which provider refused, under which reference: support and reconciliation ask for it.
            Fields failedVend = f.getVend() == null ? Fields.none()
                    : vendFields(f.getVend().getProvider(), f.getVend().getProviderReference());
            changed = transitions.startRefund(order, eventId, failureReason(f),
                    order.paymentMethod() == com.vendstream.events.PaymentMethod.MOBILE_MONEY
                            ? RefundMethod.MOBILE_MONEY_PAYOUT : RefundMethod.WALLET_CREDIT, failedVend);
        } else if (event instanceof VendPending p) {
            changed = store.write(pending(orderId, p, eventId));
        } else if (event instanceof VendUnresolved u) {
            changed = escalate(order, u, eventId);
        } else {
            changed = false;
        }
        if (!changed) {
            noteUnapplied(order, event, eventId);
        }
        return true;
    }

    /**
     * Why the order is refunded: the failure's class, or, for two operators' decision on an unresolved vend
     * (status-poller's VendFailed with resolvedBy MANUAL), that the provider's portal shows it not delivered.
     */
    static String failureReason(VendFailed f) {
        return f.getResolvedBy() == Resolution.MANUAL
                ? "vend not delivered: decided manually from the provider's portal"
                : "vend failed: " + f.getReasonClass();
    }

    private void orphan(SpecificRecord event) {
        // An outcome for an order this service never stored: nothing to fold, but say so.
        meters.counter("vendstream.order.outcome.orphan", "type", Events.typeOf(event)).increment();
        log.warn("Outcome {} for unknown order", Events.describe(event));
    }

    private static OrderStore.Transition pending(String orderId, VendPending p, String eventId) {
        return new OrderStore.Transition(orderId, OrderLifecycle.VEND_PENDING,
                vendFields(p.getVend().getProvider(), p.getVend().getProviderReference()), List.of(), eventId, null);
    }


    /**
     * Folds a batch of outcomes (in the order they were delivered) with the same end states as folding them
     * one by one, in a few store round trips: one read of all their orders, one write of the changes that
     * only move an order's state (VendPending, VendSucceeded while awaiting an outcome, an outcome that
     * changes nothing), then one by one what moves money or needs its own evidence (a refund, an escalation,
     * a contradiction) and what follows it for the same order, then one outbox relay per order.
     * <p>
     * The batched changes are worked out from the orders as read, each after the ones before it for the same
     * order, and each is guarded by the state it expects and by its event not being applied, so one finding
     * the order moved by someone else (a recovery sweep, the other outcome topic's consumer) changes nothing;
     * the orders concerned are then folded one by one, re-read, and what the write did apply is recognised by
     * its event id. Returns once every change is acknowledged (durable, with the services' write concern);
     * throws {@link BatchFailed} at the first outcome not folded, all before it being written.
     */
    public void applyAll(List<? extends SpecificRecord> events) {
        Map<String, List<Integer>> byOrder = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            String orderId;
            try {
                orderId = Events.envelope(events.get(i)).getOrderId();
            } catch (Throwable e) {
                // An outcome without an envelope: fold the ones before it, then name it, so only it is retried.
                applyAll(events.subList(0, i));
                throw new BatchFailed("vend outcome", i, e);
            }
            byOrder.computeIfAbsent(orderId, id -> new ArrayList<>()).add(i);
        }
        if (events.isEmpty()) {
            return;
        }
        Map<String, OrderStore.Stored> stored;
        try {
            stored = store.findAll(byOrder.keySet());
        } catch (Throwable e) {
            // An outage, or one order that cannot be read back: one by one fails at the first outcome during an
            // outage (the batch is tried again from there) and at that order's own outcome otherwise, so its
            // neighbours are never blamed (nor dead-lettered) for it.
            meters.counter("vendstream.order.outcome.batch.fallback", "reason", "read").increment();
            foldOneByOne(events, new TreeSet<>(IntStream.range(0, events.size()).boxed().toList()),
                    new LinkedHashSet<>());
            return;
        }
        List<OrderStore.Write> writes = new ArrayList<>();
        Set<String> written = new HashSet<>();
        SortedSet<Integer> oneByOne = new TreeSet<>();
        Set<String> touched = new LinkedHashSet<>();
        for (Map.Entry<String, List<Integer>> entry : byOrder.entrySet()) {
            OrderStore.Stored order = stored.get(entry.getKey());
            if (order == null) {
                entry.getValue().forEach(i -> orphan(events.get(i)));
                continue;
            }
            List<Integer> indexes = entry.getValue();
            int before = writes.size();
            int planned = plan(order, indexes.stream().map(events::get).toList(), writes);
            if (writes.size() > before) {
                written.add(entry.getKey());
                touched.add(entry.getKey());
            }
            oneByOne.addAll(indexes.subList(planned, indexes.size()));
        }
        try {
            long changed = -1;
            try {
                changed = store.writeAll(writes);
            } catch (Throwable e) {
                // The store failed part-way, or one change cannot be written: one by one finds which outcome it
                // is (and during an outage fails at the first, so the batch is tried again from there).
                log.debug("Batched outcome write failed ({}); folding the batch one by one", e.getClass().getName());
            }
            if (changed != writes.size()) {
                meters.counter("vendstream.order.outcome.batch.fallback", "reason",
                        changed < 0 ? "write" : "moved").increment();
                written.forEach(id -> oneByOne.addAll(byOrder.get(id)));
            } else {
                // Published now, not after the batch's refunds (which call providers).
                written.forEach(id -> relay.relay(OrderStore.COLLECTION, id));
                touched.removeAll(written);
            }
            foldOneByOne(events, oneByOne, touched);
        } finally {
            touched.forEach(id -> relay.relay(OrderStore.COLLECTION, id));
        }
    }

    /** Folds the given outcomes one by one, in order, noting the orders changed; fails at the first not folded. */
    private void foldOneByOne(List<? extends SpecificRecord> events, SortedSet<Integer> indexes, Set<String> touched) {
        try {
            for (int i : indexes) {
                try {
                    if (fold(events.get(i))) {
                        touched.add(Events.envelope(events.get(i)).getOrderId());
                    }
                } catch (Throwable e) {
                    // An Error too: named by its position, so the batch is tried again from it, not as a whole.
                    throw new BatchFailed("vend outcome", i, e);
                }
            }
        } finally {
            touched.forEach(id -> relay.relay(OrderStore.COLLECTION, id));
            touched.clear();
        }
    }

    /**
     * Works out, from the order as read, the changes its outcomes make that need no money moved and no
     * evidence kept, in order, adding them to {@code writes}; stops at the first outcome that does (or may:
     * a refund, an escalation, a contradiction) and returns how many outcomes it covered. Outcomes the order
     * has already applied are covered by nothing, as one by one would drop them.
     */
    private int plan(OrderStore.Stored stored, List<? extends SpecificRecord> outcomes, List<OrderStore.Write> writes) {
        Order order = stored.order();
        OrderState state = order.state();
        Set<String> applied = new HashSet<>(stored.appliedEvents());
        for (int k = 0; k < outcomes.size(); k++) {
            SpecificRecord event = outcomes.get(k);
            String eventId = Events.envelope(event).getEventId();
            if (applied.contains(eventId)) {
                continue;
            }
            OrderStore.Write write;
            try {
                write = plainChange(order, state, event, eventId);
            } catch (Throwable e) {
                // An outcome this code cannot handle: folded one by one, it fails again at its own position.
                return k;
            }
            if (write == null) {
                return k;
            }
            writes.add(write);
            applied.add(eventId);
            if (write instanceof OrderStore.Transition t) {
                state = t.to();
            }
        }
        return outcomes.size();
    }

    /**
     * What one outcome does to an order in {@code state} when that moves no money and keeps no evidence (the
     * same decisions as {@link #fold}); null when it may do either.
     */
    private OrderStore.Write plainChange(Order order, OrderState state, SpecificRecord event, String eventId) {
        boolean awaiting = OrderState.AWAITING_OUTCOME.contains(state);
        if (event instanceof VendPending p) {
            return state == OrderState.VENDING ? pending(order.orderId(), p, eventId)
                    : new OrderStore.Note(order.orderId(), state, eventId);
        }
        if (event instanceof VendSucceeded s) {
            if (awaiting) {
                return transitions.completion(order, state, s);
            }
            return contradicts(event, state) ? null : new OrderStore.Note(order.orderId(), state, eventId);
        }
        if (event instanceof VendFailed) {
            return awaiting || contradicts(event, state) ? null : new OrderStore.Note(order.orderId(), state, eventId);
        }
        if (event instanceof VendUnresolved) {
            // Escalations are few (a deadline passed, or a provider answer that needs a person): one by one.
            return null;
        }
        return new OrderStore.Note(order.orderId(), state, eventId);
    }

    /** An outcome that says the opposite of where the order already is: kept as evidence for reconciliation. */
    private static boolean contradicts(SpecificRecord event, OrderState state) {
        return (event instanceof VendSucceeded && (state == OrderState.REFUNDED || state == OrderState.REFUNDING))
                || (event instanceof VendFailed && state == OrderState.COMPLETED);
    }

    private boolean escalate(Order order, VendUnresolved u, String eventId) {
        boolean changed = store.transition(order.orderId(), OrderLifecycle.VEND_UNRESOLVED,
                vendFields(u.getVend().getProvider(), u.getVend().getProviderReference()), List.of(), eventId);
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
        boolean contradiction = contradicts(event, now.state());
        if (contradiction) {
            meters.counter("vendstream.order.contradictions", "type", Events.typeOf(event)).increment();
            log.warn("Contradictory outcome {} for order in state {}", Events.describe(event), now.state());
            store.contradiction(order.orderId(), eventId, Events.typeOf(event), now.state(), clock.instant());
        } else {
            store.note(order.orderId(), eventId);
        }
    }

    static Fields vendFields(String provider, String reference) {
        return Fields.of("vend.provider", provider).and("vend.providerReference", reference);
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
            reminded += RecoverySweep.run(store, state, OrderStore.Backlog.REMINDER_DUE, before, now, o -> {
                Instant requestedAt = store.enteredAt(o.orderId(), OrderState.VENDING);
                OutboxEntry request = OrderEvents.vendRequested(o, null, requestedAt == null ? o.updatedAt() : requestedAt);
                if (store.remind(o.orderId(), state, List.of(request), now)) {
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
        return RecoverySweep.run(store, OrderState.REFUNDING, OrderStore.Backlog.ALL, now.minus(olderThan), now, o -> {
            try {
                return transitions.finishRefund(o);
            } finally {
                relay.relay(OrderStore.COLLECTION, o.orderId());
            }
        });
    }
}
