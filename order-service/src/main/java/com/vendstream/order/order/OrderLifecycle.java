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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The order lifecycle as one table: every change of an order's state (or of what it records in one state)
 * is one of these events, which says the states it may happen in, what else it requires of the order there
 * ({@link Requirement}), the state it leads to, the events the order publishes with it and the fields it may
 * set. {@link OrderStore} writes a change only as one of these, compare-and-set on the event's states and
 * requirements, so a move the table does not have cannot be written. Bookkeeping that is not lifecycle (the
 * events an order has seen, evidence, reminders, the recovery sweep's deferrals, a reference fixed once) is
 * written outside the table and never changes the order's state.
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
    COLLECTION_PENDING(from(AWAITING_PAYMENT).to(AWAITING_PAYMENT).emits("PaymentPending(COLLECTION)")
            .records("payment.pendingAt", "payment.sendingUntil")),
    /** Nothing reached the gateway (throttled, unreachable): sent again after a pause, same reference. */
    COLLECTION_NOT_SENT(from(AWAITING_PAYMENT, PAYMENT_UNRESOLVED).to(AWAITING_PAYMENT)
            .records("payment.notSent", "payment.pendingAt", "payment.sendingUntil")),
    /** The sweep claims the next try of a collection not sent (one sweeper per attempt). */
    COLLECTION_RETRIED(from(AWAITING_PAYMENT).to(AWAITING_PAYMENT)
            .requires(Requirement.RETRY_WAITING, Requirement.NO_CALL_IN_FLIGHT)
            .records("payment.notSent.retryAt", "payment.sendingUntil")),
    /** A collection that could not be started for {@code give-up-after}: nothing was collected. */
    COLLECTION_GIVEN_UP(from(AWAITING_PAYMENT).to(REJECTED).emits("PaymentFailed", "OrderRejected")
            .requires(Requirement.RETRY_WAITING, Requirement.NO_CALL_IN_FLIGHT)
            .records("rejection", "payment.sendingUntil")),
    /** The sweep hands a collection whose call ended without an answer (its process died) to status-poller. */
    COLLECTION_FOLLOWED(from(AWAITING_PAYMENT).to(AWAITING_PAYMENT).emits("PaymentPending(COLLECTION)")
            .requires(Requirement.NOT_FOLLOWED, Requirement.NO_RETRY_WAITING, Requirement.NO_CALL_IN_FLIGHT)
            .records("payment.pendingAt")),
    /** PaymentUnresolved: no final status by the provider's deadline; money may have left the payer. */
    COLLECTION_UNRESOLVED(from(AWAITING_PAYMENT).to(PAYMENT_UNRESOLVED)
            .requires(Requirement.NO_RETRY_WAITING, Requirement.NO_CALL_IN_FLIGHT).records("payment.unresolved")),
    /** A person, having checked with the provider, decides an unresolved collection was collected. */
    SETTLED_AS_COLLECTED(from(PAYMENT_UNRESOLVED).to(VENDING)
            .emits("PaymentCollected", "OrderAccepted", "VendRequested")
            .records("payment.collectedAt", "payment.sendingUntil")),
    /** A person decides an unresolved collection was not collected. */
    SETTLED_AS_NOT_COLLECTED(from(PAYMENT_UNRESOLVED).to(REJECTED).emits("PaymentFailed", "OrderRejected")
            .records("rejection", "payment.sendingUntil")),
    /** A collection completed after the order was rejected: recorded, and paid back by payout. */
    COLLECTED_AFTER_REJECTION(from(REJECTED).to(REJECTED).emits("PaymentCollected")
            .requires(Requirement.MOBILE_MONEY, Requirement.NO_LATE_COLLECTION)
            .records("payment.collectedAfterRejection")),

    // ---- the vend (OrderOutcomes, OrderTransitions)
    /** vend-service asks the provider again (requery). */
    VEND_PENDING(from(VENDING).to(OrderState.VEND_PENDING).records("vend.provider", "vend.providerReference")),
    /** Delivered; the money is kept. Also a late success of an escalated order. */
    VEND_SUCCEEDED(from(VENDING, OrderState.VEND_PENDING, UNRESOLVED).to(COMPLETED).emits("OrderCompleted")
            .records("vend.provider", "vend.providerReference", "vend.providerTransactionId", "vend.token",
                    "vend.units", "vend.pins", "vend.receipt")),
    /** The vend failed: the payer's money is given back (credit or payout). */
    VEND_FAILED(from(VENDING, OrderState.VEND_PENDING, UNRESOLVED).to(REFUNDING)
            .records("vend.provider", "vend.providerReference", "failureReason", "refundCause", "refundMethod")),
    /** No answer by the requery deadline: escalated to a person. */
    VEND_UNRESOLVED(from(VENDING, OrderState.VEND_PENDING).to(UNRESOLVED)
            .records("vend.provider", "vend.providerReference")),

    // ---- giving money back (OrderTransitions, MobileMoneyPayments)
    /** The refund's credit posting is in the wallet the order was debited from. */
    REFUND_CREDITED(from(REFUNDING).to(REFUNDED).emits("OrderRefunded")),
    /** The refund's payout completed. */
    REFUND_PAID_OUT(from(REFUNDING).to(REFUNDED).emits("PayoutSucceeded", "OrderRefunded")),
    /**
     * A payout's reference is fixed before its call: of a failed vend's refund (REFUNDING) or of a collection
     * that completed after the rejection (REJECTED). The payout events below keep the order where it is, and
     * in REJECTED happen only while such a collection is not paid back yet: an ordinary rejected order
     * (nothing collected) owes nothing.
     */
    PAYOUT_STARTED(from(REFUNDING, REJECTED).staying().requires(Requirement.NO_PAYOUT_REFERENCE)
            .requiresIn(REJECTED, Requirement.OPEN_RETURN).records("payment.payoutReference")),
    /** The sweep claims the next try of a payout not sent (same reference). */
    PAYOUT_RETRIED(from(REFUNDING, REJECTED).staying().requiresIn(REJECTED, Requirement.OPEN_RETURN)
            .records("payment.payoutNotSent.retryAt")),
    /**
     * A payout the provider refused (nothing paid) is made again under a new reference. Written by its own
     * update ({@code OrderStore.retryPayout}, checked against this row's states and requirements): it also
     * unsets the refusal and keeps the refused reference, and leaves {@code updatedAt} and history as they are.
     */
    PAYOUT_RENEWED(from(REFUNDING, REJECTED).staying().requiresIn(REJECTED, Requirement.OPEN_RETURN)
            .records("payment.payoutReference", "payment.payoutFailedAt", "payment.payoutFailure",
                    "payment.payoutPendingAt", "payment.refusedPayouts")),
    /** A payout whose call was made (or died mid-flight) is handed to status-poller. */
    PAYOUT_FOLLOWED(from(REFUNDING, REJECTED).staying().requiresIn(REJECTED, Requirement.OPEN_RETURN)
            .emits("PaymentPending(PAYOUT)").records("payment.payoutPendingAt")),
    /** The payout's answer was not final: status-poller follows it. */
    PAYOUT_PENDING(from(REFUNDING, REJECTED).staying().requiresIn(REJECTED, Requirement.OPEN_RETURN)
            .emits("PaymentPending(PAYOUT)").records("payment.payoutPendingAt")),
    /** The provider refused the payout: nothing paid, made again under a new reference. */
    PAYOUT_FAILED(from(REFUNDING, REJECTED).staying().requiresIn(REJECTED, Requirement.OPEN_RETURN)
            .emits("PayoutFailed").records("payment.payoutFailedAt", "payment.payoutFailure")),
    /** Nothing reached the gateway: sent again after a pause, never given up (the payer is owed it). */
    PAYOUT_NOT_SENT(from(REFUNDING, REJECTED).staying().requiresIn(REJECTED, Requirement.OPEN_RETURN)
            .records("payment.payoutNotSent")),
    /** PaymentUnresolved about the payout: kept on the order, which stays where it is. */
    PAYOUT_UNRESOLVED(from(REFUNDING, REJECTED).staying().requiresIn(REJECTED, Requirement.OPEN_RETURN)
            .records("payment.payoutUnresolved")),
    /** A late collection's payout completed: the rejected order is marked paid back. */
    LATE_COLLECTION_PAID_BACK(from(REJECTED).to(REJECTED).emits("PayoutSucceeded").requires(Requirement.OPEN_RETURN)
            .records("payment.collectedAfterRejection.returnedAt", "payment.collectedAfterRejection.payoutReference"));

    private final Map<OrderState, OrderState> moves;
    private final Map<OrderState, Set<Requirement>> requires;
    private final List<String> emits;
    private final List<String> records;

    OrderLifecycle(Row row) {
        this.moves = Collections.unmodifiableMap(row.moves);
        this.requires = Collections.unmodifiableMap(row.requires);
        this.emits = row.emits;
        this.records = row.records;
    }

    /**
     * A precondition a row declares besides its states, on the order's other fields. The store adds its terms
     * ({@code OrderStore.terms}) to the write's filter, so no caller can leave it out; one that depends on the
     * caller's clock ({@link #onCallersClock()}) is judged at the caller's time, which the caller must give, or
     * the change is refused.
     */
    public enum Requirement {
        /** A collection completed after the rejection and is not paid back yet: all a REJECTED order can owe. */
        OPEN_RETURN("a late collection not paid back yet"),
        /** No payout reference fixed yet: who fixes it owns the call. */
        NO_PAYOUT_REFERENCE("no payout reference yet"),
        /** Paid by mobile money (only a collection can complete late). */
        MOBILE_MONEY("paid by mobile money"),
        /** No late collection recorded yet: one payout per order. */
        NO_LATE_COLLECTION("no late collection recorded yet"),
        /** A collection not sent is waiting for its next try. */
        RETRY_WAITING("a collection not sent, waiting for its retry"),
        /** No collection waiting for a retry: the gateway never had its reference, so nothing to follow. */
        NO_RETRY_WAITING("no collection waiting for a retry"),
        /** Not handed to status-poller yet. */
        NOT_FOLLOWED("not followed by status-poller yet"),
        /** No collection call may still be under way (by the caller's clock, at the time the caller gives). */
        NO_CALL_IN_FLIGHT("no collection call under way");

        private final String meaning;

        Requirement(String meaning) {
            this.meaning = meaning;
        }

        /** What it asks of the order, in words (the README's legend). */
        public String meaning() {
            return meaning;
        }

        /** Whether it is judged by the caller's clock: then the caller gives its time with the change. */
        public boolean onCallersClock() {
            return this == NO_CALL_IN_FLIGHT;
        }

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

    /** What the event requires of the order besides being in {@code state} (empty where it may not happen). */
    public Set<Requirement> requires(OrderState state) {
        return requires.getOrDefault(state, Set.of());
    }

    /**
     * What the event requires in any of {@code states} (all allowed); throws when they differ: then it must be
     * written for one of them.
     */
    public Set<Requirement> requires(Collection<OrderState> states) {
        Set<Set<Requirement>> each = new HashSet<>();
        states.forEach(s -> each.add(requires(s)));
        if (each.size() != 1) {
            throw new IllegalArgumentException(this + " requires different things in " + states + ": name the state");
        }
        return each.iterator().next();
    }

    /**
     * The types of the events the order publishes with this one, in order; a PaymentPending with its kind,
     * {@code PaymentPending(COLLECTION)} or {@code PaymentPending(PAYOUT)}.
     */
    public List<String> emits() {
        return emits;
    }

    /** The fields the event may set on the order, each exactly as it is written. */
    public List<String> records() {
        return records;
    }

    /** Whether the event may set {@code field}: exactly one of {@link #records()}. */
    public boolean mayRecord(String field) {
        return records.contains(field);
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
        StringBuilder table = new StringBuilder(
                "| event | from | to | requires | emits | records |\n|---|---|---|---|---|---|\n");
        for (OrderLifecycle e : values()) {
            table.append("| ").append(e.name())
                    .append(" | ").append(String.join(", ", e.from().stream().map(Enum::name).toList()))
                    .append(" | ").append(e.keepsState() && e.from().size() > 1 ? "unchanged"
                            : e.to(e.from()).name())
                    .append(" | ").append(e.requiresMarkdown())
                    .append(" | ").append(e.emits.isEmpty() ? "-" : String.join(", ", e.emits))
                    .append(" | ").append(e.records.isEmpty() ? "-"
                            : String.join(", ", e.records.stream().map(r -> "`" + r + "`").toList()))
                    .append(" |\n");
        }
        return table.toString();
    }

    /** Requirements held in all the event's states, then those of one state ("in REJECTED: ..."). */
    private String requiresMarkdown() {
        Set<Requirement> everywhere = EnumSet.allOf(Requirement.class);
        from().forEach(s -> everywhere.retainAll(requires(s)));
        List<String> parts = new ArrayList<>();
        if (!everywhere.isEmpty()) {
            parts.add(String.join(", ", everywhere.stream().map(Enum::name).toList()));
        }
        for (OrderState s : from()) {
            List<String> own = requires(s).stream().filter(r -> !everywhere.contains(r)).map(Enum::name).toList();
            if (!own.isEmpty()) {
                parts.add("in " + s + ": " + String.join(", ", own));
            }
        }
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    private static Row from(OrderState... states) {
        return new Row(states);
    }

    /** One row of the table as it is written above. */
    private static final class Row {
        private final OrderState[] from;
        private final Map<OrderState, OrderState> moves = new EnumMap<>(OrderState.class);
        private final Map<OrderState, Set<Requirement>> requires = new EnumMap<>(OrderState.class);
        private List<String> emits = List.of();
        private List<String> records = List.of();

        private Row(OrderState[] from) {
            this.from = from;
            Arrays.stream(from).forEach(s -> requires.put(s, Set.of()));
        }

        Row to(OrderState to) {
            Arrays.stream(from).forEach(s -> moves.put(s, to));
            return this;
        }

        Row staying() {
            Arrays.stream(from).forEach(s -> moves.put(s, s));
            return this;
        }

        /** Requirements in every state of the row. */
        Row requires(Requirement... required) {
            Arrays.stream(from).forEach(s -> requiresIn(s, required));
            return this;
        }

        /** Requirements in one state of the row only. */
        Row requiresIn(OrderState state, Requirement... required) {
            Set<Requirement> all = EnumSet.noneOf(Requirement.class);
            all.addAll(requires.get(state));
            all.addAll(List.of(required));
            requires.put(state, Collections.unmodifiableSet(all));
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
