package com.vendstream.order.order;

import static com.vendstream.order.order.OrderState.AWAITING_PAYMENT;
import static com.vendstream.order.order.OrderState.COMPLETED;
import static com.vendstream.order.order.OrderState.PAYMENT_UNRESOLVED;
import static com.vendstream.order.order.OrderState.RECEIVED;
import static com.vendstream.order.order.OrderState.REFUNDED;
import static com.vendstream.order.order.OrderState.REFUNDING;
import static com.vendstream.order.order.OrderState.REJECTED;
import static com.vendstream.order.order.OrderState.UNRESOLVED;
import static com.vendstream.order.order.OrderState.VENDING;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The order lifecycle as one table: every change of an order's state (or of what it records in one state)
 * is one of these events, which says the states it may happen in, the state it leads to, the events the
 * order publishes with it and the fields it may set. {@link OrderStore} writes a change only as one of these,
 * compare-and-set on the event's states, so a move the table does not have cannot be written.
 *
 * <p>An order starts RECEIVED, or REJECTED when stored invalid (one insert, with its OrderRejected). COMPLETED,
 * REFUNDED and REJECTED are final: nothing leaves them; REJECTED still records a collection that completed
 * after the rejection and the payout returning it. Where the same answer is allowed from different states at
 * different places (a collection's answer from AWAITING_PAYMENT or PAYMENT_UNRESOLVED, a person's decision
 * only from PAYMENT_UNRESOLVED), those are different events. The module README shows this table; a test
 * keeps the two the same.
 */
public enum OrderLifecycle {

    // ---- charging a wallet (OrderPlacement)
    /** The wallet debit applied: on to the vend. */
    PAID_FROM_WALLET(from(RECEIVED).to(VENDING).emits("OrderAccepted", "VendRequested")),
    /** The order failed its checks again, or its debit was refused and fenced: nothing charged. */
    REFUSED(from(RECEIVED).to(REJECTED).emits("OrderRejected").records("rejection")),

    // ---- collecting mobile money (MobileMoneyPayments)
    /** The collection call is claimed (marked under way) before it is made. */
    COLLECTION_STARTED(from(RECEIVED).to(AWAITING_PAYMENT).records("payment.sendingUntil")),
    /** The provider (the call's answer or status-poller) says the money was collected: on to the vend. */
    COLLECTION_COMPLETED(from(AWAITING_PAYMENT, PAYMENT_UNRESOLVED).to(VENDING)
            .emits("PaymentCollected", "OrderAccepted", "VendRequested")
            .records("payment.collectedAt", "payment.sendingUntil")),
    /** The provider says the collection failed: nothing was collected. */
    COLLECTION_FAILED(from(AWAITING_PAYMENT, PAYMENT_UNRESOLVED).to(REJECTED).emits("PaymentFailed", "OrderRejected")
            .records("rejection", "payment.sendingUntil")),
    /** The call's answer was not final: status-poller follows the reference. */
    COLLECTION_PENDING(from(AWAITING_PAYMENT).to(AWAITING_PAYMENT).emits("PaymentPending")
            .records("payment.pendingAt", "payment.sendingUntil")),
    /** Nothing reached the gateway (throttled, unreachable): sent again after a pause, same reference. */
    COLLECTION_NOT_SENT(from(AWAITING_PAYMENT, PAYMENT_UNRESOLVED).to(AWAITING_PAYMENT)
            .records("payment.notSent", "payment.pendingAt", "payment.sendingUntil")),
    /** The sweep claims the next try of a collection not sent (one sweeper per attempt). */
    COLLECTION_RETRIED(from(AWAITING_PAYMENT).to(AWAITING_PAYMENT)
            .records("payment.notSent.retryAt", "payment.sendingUntil")),
    /** A collection that could not be started for {@code give-up-after}: nothing was collected. */
    COLLECTION_GIVEN_UP(from(AWAITING_PAYMENT).to(REJECTED).emits("PaymentFailed", "OrderRejected")
            .records("rejection", "payment.sendingUntil")),
    /** The sweep hands a collection whose call ended without an answer (its process died) to status-poller. */
    COLLECTION_FOLLOWED(from(AWAITING_PAYMENT).to(AWAITING_PAYMENT).emits("PaymentPending")
            .records("payment.pendingAt")),
    /** PaymentUnresolved: no final status by the provider's deadline; money may have left the payer. */
    COLLECTION_UNRESOLVED(from(AWAITING_PAYMENT).to(PAYMENT_UNRESOLVED).records("payment.unresolved")),
    /** A person, having checked with the provider, decides an unresolved collection was collected. */
    SETTLED_AS_COLLECTED(from(PAYMENT_UNRESOLVED).to(VENDING)
            .emits("PaymentCollected", "OrderAccepted", "VendRequested")
            .records("payment.collectedAt", "payment.sendingUntil")),
    /** A person decides an unresolved collection was not collected. */
    SETTLED_AS_NOT_COLLECTED(from(PAYMENT_UNRESOLVED).to(REJECTED).emits("PaymentFailed", "OrderRejected")
            .records("rejection", "payment.sendingUntil")),
    /** A collection completed after the order was rejected: recorded, and paid back by payout. */
    COLLECTED_AFTER_REJECTION(from(REJECTED).to(REJECTED).emits("PaymentCollected")
            .records("payment.collectedAfterRejection")),

    // ---- the vend (OrderOutcomes, OrderTransitions)
    /** vend-service asks the provider again (requery). */
    VEND_PENDING(from(VENDING).to(OrderState.VEND_PENDING).records("vend")),
    /** Delivered; the money is kept. Also a late success of an escalated order. */
    VEND_SUCCEEDED(from(VENDING, OrderState.VEND_PENDING, UNRESOLVED).to(COMPLETED).emits("OrderCompleted")
            .records("vend")),
    /** The vend failed: the payer's money is given back (credit or payout). */
    VEND_FAILED(from(VENDING, OrderState.VEND_PENDING, UNRESOLVED).to(REFUNDING)
            .records("vend", "failureReason", "refundCause", "refundMethod")),
    /** No answer by the requery deadline: escalated to a person. */
    VEND_UNRESOLVED(from(VENDING, OrderState.VEND_PENDING).to(UNRESOLVED).records("vend")),

    // ---- giving money back (OrderTransitions, MobileMoneyPayments)
    /** The refund's credit posting is in the wallet the order was debited from. */
    REFUND_CREDITED(from(REFUNDING).to(REFUNDED).emits("OrderRefunded")),
    /** The refund's payout completed. */
    REFUND_PAID_OUT(from(REFUNDING).to(REFUNDED).emits("PayoutSucceeded", "OrderRefunded")),
    /**
     * A payout's reference is fixed before its call: of a failed vend's refund (REFUNDING) or of a collection
     * that completed after the rejection (REJECTED). The payout events below keep the order where it is.
     */
    PAYOUT_STARTED(from(REFUNDING, REJECTED).staying().records("payment.payoutReference")),
    /** The sweep claims the next try of a payout not sent (same reference). */
    PAYOUT_RETRIED(from(REFUNDING, REJECTED).staying().records("payment.payoutNotSent.retryAt")),
    /** A payout the provider refused (nothing paid) is made again under a new reference. */
    PAYOUT_RENEWED(from(REFUNDING, REJECTED).staying()
            .records("payment.payoutReference", "payment.payoutFailedAt", "payment.payoutFailure",
                    "payment.payoutPendingAt", "payment.refusedPayouts")),
    /** A payout whose call was made (or died mid-flight) is handed to status-poller. */
    PAYOUT_FOLLOWED(from(REFUNDING, REJECTED).staying().emits("PaymentPending").records("payment.payoutPendingAt")),
    /** The payout's answer was not final: status-poller follows it. */
    PAYOUT_PENDING(from(REFUNDING, REJECTED).staying().emits("PaymentPending").records("payment.payoutPendingAt")),
    /** The provider refused the payout: nothing paid, made again under a new reference. */
    PAYOUT_FAILED(from(REFUNDING, REJECTED).staying().emits("PayoutFailed")
            .records("payment.payoutFailedAt", "payment.payoutFailure")),
    /** Nothing reached the gateway: sent again after a pause, never given up (the payer is owed it). */
    PAYOUT_NOT_SENT(from(REFUNDING, REJECTED).staying().records("payment.payoutNotSent")),
    /** PaymentUnresolved about the payout: kept on the order, which stays where it is. */
    PAYOUT_UNRESOLVED(from(REFUNDING, REJECTED).staying().records("payment.payoutUnresolved")),
    /** A late collection's payout completed: the rejected order is marked paid back. */
    LATE_COLLECTION_PAID_BACK(from(REJECTED).to(REJECTED).emits("PayoutSucceeded")
            .records("payment.collectedAfterRejection"));

    private final Map<OrderState, OrderState> moves;
    private final List<String> emits;
    private final List<String> records;

    OrderLifecycle(Row row) {
        this.moves = Collections.unmodifiableMap(row.moves);
        this.emits = row.emits;
        this.records = row.records;
    }

    /** The states this event may happen in. */
    public Set<OrderState> from() {
        return Collections.unmodifiableSet(EnumSet.copyOf(moves.keySet()));
    }

    /** The state the order is in after this event happened in {@code state}; empty when it may not happen there. */
    public Optional<OrderState> next(OrderState state) {
        return Optional.ofNullable(moves.get(state));
    }

    /** Whether the event leaves the order in the state it happened in (it records something, or publishes). */
    public boolean keepsState() {
        return moves.entrySet().stream().allMatch(e -> e.getKey() == e.getValue());
    }

    /**
     * The one state the event leads to from any of {@code states} (all allowed); throws when the table does
     * not allow it from one of them or they lead to different states (a payout event in REFUNDING and in
     * REJECTED keeps each: it must be written for one of them).
     */
    public OrderState to(Collection<OrderState> states) {
        if (states.isEmpty()) {
            throw new IllegalArgumentException(this + " from no state");
        }
        Set<OrderState> next = EnumSet.noneOf(OrderState.class);
        for (OrderState s : states) {
            next.add(next(s).orElseThrow(() -> new IllegalStateException(this + " may not happen in " + s)));
        }
        if (next.size() != 1) {
            throw new IllegalArgumentException(this + " leads " + states + " to different states: name the one");
        }
        return next.iterator().next();
    }

    /** The types of the events the order publishes with this one, in order. */
    public List<String> emits() {
        return emits;
    }

    /** The fields (or the parents of the fields) the event may set on the order. */
    public List<String> records() {
        return records;
    }

    /** Whether the event may set {@code field}: one of {@link #records()}, or a field inside one. */
    public boolean mayRecord(String field) {
        return records.stream().anyMatch(r -> field.equals(r) || field.startsWith(r + "."));
    }

    /** The events that may happen in {@code state}. */
    public static Set<OrderLifecycle> in(OrderState state) {
        Set<OrderLifecycle> events = EnumSet.noneOf(OrderLifecycle.class);
        for (OrderLifecycle e : values()) {
            if (e.moves.containsKey(state)) {
                events.add(e);
            }
        }
        return events;
    }

    /** The table as markdown, one row an event: how the module README shows it. */
    public static String toMarkdown() {
        StringBuilder table = new StringBuilder("| event | from | to | emits | records |\n|---|---|---|---|---|\n");
        for (OrderLifecycle e : values()) {
            table.append("| ").append(e.name())
                    .append(" | ").append(String.join(", ", e.from().stream().map(Enum::name).toList()))
                    .append(" | ").append(e.keepsState() && e.from().size() > 1 ? "unchanged"
                            : e.to(e.from()).name())
                    .append(" | ").append(e.emits.isEmpty() ? "-" : String.join(", ", e.emits))
                    .append(" | ").append(e.records.isEmpty() ? "-"
                            : String.join(", ", e.records.stream().map(r -> "`" + r + "`").toList()))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static Row from(OrderState... states) {
        return new Row(states);
    }

    /** One row of the table as it is written above. */
    private static final class Row {
        private final OrderState[] from;
        private final Map<OrderState, OrderState> moves = new EnumMap<>(OrderState.class);
        private List<String> emits = List.of();
        private List<String> records = List.of();

        private Row(OrderState[] from) {
            this.from = from;
        }

        Row to(OrderState to) {
            Arrays.stream(from).forEach(s -> moves.put(s, to));
            return this;
        }

        Row staying() {
            Arrays.stream(from).forEach(s -> moves.put(s, s));
            return this;
        }

        Row emits(String... types) {
            emits = List.of(types);
            return this;
        }

        Row records(String... fields) {
            records = List.of(fields);
            return this;
        }
    }
}
