package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.UpdateOneModel;
import com.vendstream.events.Money;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.RefundMethod;
import com.vendstream.events.RejectionReason;
import com.vendstream.events.Resolution;
import com.vendstream.events.VendRef;
import com.vendstream.events.VendSucceeded;
import com.vendstream.kit.outbox.OutboxEntry;
import com.vendstream.order.order.OrderLifecycle.Requirement;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Date;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The lifecycle table walked state by state, and the writes the store builds from it. */
class OrderLifecycleTableTest {

    private static final Set<OrderState> FINAL = EnumSet.of(OrderState.COMPLETED, OrderState.REFUNDED,
            OrderState.REJECTED);

    /**
     * The rows as they must be, written out here rather than read from the table: widening a row (another
     * from-state, another to-state) fails this test, not production. "unchanged": each state stays itself.
     */
    private static final Map<OrderLifecycle, String> ROWS = rows(
            "PAID_FROM_WALLET: RECEIVED -> VENDING",
            "REFUSED: RECEIVED -> REJECTED",
            "COLLECTION_STARTED: RECEIVED -> AWAITING_PAYMENT",
            "COLLECTION_COMPLETED: AWAITING_PAYMENT, PAYMENT_UNRESOLVED -> VENDING",
            "COLLECTION_FAILED: AWAITING_PAYMENT, PAYMENT_UNRESOLVED -> REJECTED",
            "COLLECTION_PENDING: AWAITING_PAYMENT -> AWAITING_PAYMENT",
            "COLLECTION_NOT_SENT: AWAITING_PAYMENT, PAYMENT_UNRESOLVED -> AWAITING_PAYMENT",
            "COLLECTION_RETRIED: AWAITING_PAYMENT -> AWAITING_PAYMENT",
            "COLLECTION_GIVEN_UP: AWAITING_PAYMENT -> REJECTED",
            "COLLECTION_FOLLOWED: AWAITING_PAYMENT -> AWAITING_PAYMENT",
            "COLLECTION_UNRESOLVED: AWAITING_PAYMENT -> PAYMENT_UNRESOLVED",
            "SETTLED_AS_COLLECTED: PAYMENT_UNRESOLVED -> VENDING",
            "SETTLED_AS_NOT_COLLECTED: PAYMENT_UNRESOLVED -> REJECTED",
            "COLLECTED_AFTER_REJECTION: REJECTED -> REJECTED",
            "VEND_PENDING: VENDING -> VEND_PENDING",
            "VEND_SUCCEEDED: VENDING, VEND_PENDING, UNRESOLVED -> COMPLETED",
            "VEND_FAILED: VENDING, VEND_PENDING, UNRESOLVED -> REFUNDING",
            "VEND_UNRESOLVED: VENDING, VEND_PENDING -> UNRESOLVED",
            "REFUND_CREDITED: REFUNDING -> REFUNDED",
            "REFUND_PAID_OUT: REFUNDING -> REFUNDED",
            "PAYOUT_STARTED: REFUNDING, REJECTED -> unchanged",
            "PAYOUT_RETRIED: REFUNDING, REJECTED -> unchanged",
            "PAYOUT_RENEWED: REFUNDING, REJECTED -> unchanged",
            "PAYOUT_FOLLOWED: REFUNDING, REJECTED -> unchanged",
            "PAYOUT_PENDING: REFUNDING, REJECTED -> unchanged",
            "PAYOUT_FAILED: REFUNDING, REJECTED -> unchanged",
            "PAYOUT_NOT_SENT: REFUNDING, REJECTED -> unchanged",
            "PAYOUT_UNRESOLVED: REFUNDING, REJECTED -> unchanged",
            "LATE_COLLECTION_PAID_BACK: REJECTED -> REJECTED");

    /** What each row requires besides its state, written out: "EVENT in STATE: REQUIREMENT, ..."; others none. */
    private static final Map<String, Set<Requirement>> REQUIRES = Map.ofEntries(
            Map.entry("COLLECTION_RETRIED in AWAITING_PAYMENT",
                    EnumSet.of(Requirement.RETRY_WAITING, Requirement.NO_CALL_IN_FLIGHT)),
            Map.entry("COLLECTION_GIVEN_UP in AWAITING_PAYMENT",
                    EnumSet.of(Requirement.RETRY_WAITING, Requirement.NO_CALL_IN_FLIGHT)),
            Map.entry("COLLECTION_FOLLOWED in AWAITING_PAYMENT", EnumSet.of(Requirement.NOT_FOLLOWED,
                    Requirement.NO_RETRY_WAITING, Requirement.NO_CALL_IN_FLIGHT)),
            Map.entry("COLLECTION_UNRESOLVED in AWAITING_PAYMENT",
                    EnumSet.of(Requirement.NO_RETRY_WAITING, Requirement.NO_CALL_IN_FLIGHT)),
            Map.entry("COLLECTED_AFTER_REJECTION in REJECTED",
                    EnumSet.of(Requirement.MOBILE_MONEY, Requirement.NO_LATE_COLLECTION)),
            Map.entry("PAYOUT_STARTED in REFUNDING", EnumSet.of(Requirement.NO_PAYOUT_REFERENCE)),
            Map.entry("PAYOUT_STARTED in REJECTED",
                    EnumSet.of(Requirement.NO_PAYOUT_REFERENCE, Requirement.OPEN_RETURN)),
            Map.entry("PAYOUT_RETRIED in REJECTED", EnumSet.of(Requirement.OPEN_RETURN)),
            Map.entry("PAYOUT_RENEWED in REJECTED", EnumSet.of(Requirement.OPEN_RETURN)),
            Map.entry("PAYOUT_FOLLOWED in REJECTED", EnumSet.of(Requirement.OPEN_RETURN)),
            Map.entry("PAYOUT_PENDING in REJECTED", EnumSet.of(Requirement.OPEN_RETURN)),
            Map.entry("PAYOUT_FAILED in REJECTED", EnumSet.of(Requirement.OPEN_RETURN)),
            Map.entry("PAYOUT_NOT_SENT in REJECTED", EnumSet.of(Requirement.OPEN_RETURN)),
            Map.entry("PAYOUT_UNRESOLVED in REJECTED", EnumSet.of(Requirement.OPEN_RETURN)),
            Map.entry("LATE_COLLECTION_PAID_BACK in REJECTED", EnumSet.of(Requirement.OPEN_RETURN)));

    @Test
    void everyRowIsTheOneWrittenOutHere() {
        assertThat(ROWS.keySet()).containsExactly(OrderLifecycle.values());
        ROWS.forEach((event, row) -> {
            String[] parts = row.split(" -> ");
            Set<OrderState> from = Arrays.stream(parts[0].split(", ")).map(OrderState::valueOf)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(OrderState.class)));
            assertThat(event.from()).as("%s from", event).isEqualTo(from);
            for (OrderState state : OrderState.values()) {
                OrderState to = !from.contains(state) ? null
                        : parts[1].equals("unchanged") ? state : OrderState.valueOf(parts[1]);
                assertThat(event.next(state).orElse(null)).as("%s in %s", event, state).isEqualTo(to);
                assertThat(event.requires(state)).as("%s in %s requires", event, state)
                        .isEqualTo(REQUIRES.getOrDefault(event + " in " + state, Set.of()));
            }
        });
    }

    @Test
    void aPayoutOfARejectedOrderIsWrittenOnlyWhileItsLateCollectionIsNotPaidBackWhateverTheCaller() {
        Document open = OrderStore.openReturn();
        for (OrderLifecycle event : OrderLifecycle.in(OrderState.REJECTED)) {
            if (!event.name().startsWith("PAYOUT_")) {
                continue;
            }
            // No guard from the caller: the row adds it.
            Document rejected = filter(new OrderStore.Transition("o", event, OrderState.REJECTED, Fields.none(),
                    outbox(event), null, requiredGuard(event, OrderState.REJECTED)));
            open.forEach((k, v) -> assertThat(rejected.get(k)).as("%s in REJECTED: %s", event, k).isEqualTo(v));
            Document refunding = filter(new OrderStore.Transition("o", event, OrderState.REFUNDING, Fields.none(),
                    outbox(event), null, requiredGuard(event, OrderState.REFUNDING)));
            open.keySet().forEach(k -> assertThat(refunding).as("%s in REFUNDING", event).doesNotContainKey(k));
        }
        assertThat(filter(new OrderStore.Transition("o", OrderLifecycle.PAYOUT_STARTED, OrderState.REFUNDING,
                Fields.none(), List.of(), null, null))).containsEntry("payment.payoutReference", null);
    }

    @Test
    void aRequirementOnTheCallersClockNeedsTheCallersTimeAndIsJudgedAtIt() {
        for (OrderLifecycle event : OrderLifecycle.values()) {
            for (OrderState state : event.from()) {
                if (event.requires(state).contains(Requirement.NO_CALL_IN_FLIGHT)) {
                    assertThatThrownBy(() -> new OrderStore.Transition("o", event, state, Fields.none(),
                            outbox(event), null, null)).as("%s in %s", event, state)
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NO_CALL_IN_FLIGHT");
                    Instant callers = Instant.parse("2026-01-01T10:00:00Z");
                    assertThat(filter(new OrderStore.Transition("o", event, state, Fields.none(), outbox(event),
                            null, callers)).get("$or"))
                            .isEqualTo(OrderStore.terms(Requirement.NO_CALL_IN_FLIGHT, callers).get("$or"));
                }
            }
        }
    }

    @Test
    void theCallersTimeIsRefusedWhereNoRequirementIsJudgedByIt() {
        // A caller that passes its time believes it fences an in-flight call: where the row has no such
        // requirement nothing would, so the change is refused rather than written unfenced.
        Instant callers = Instant.parse("2026-01-01T10:00:00Z");
        int refused = 0;
        for (OrderLifecycle event : OrderLifecycle.values()) {
            for (OrderState state : event.from()) {
                if (!event.requires(state).contains(Requirement.NO_CALL_IN_FLIGHT)) {
                    assertThatThrownBy(() -> new OrderStore.Transition("o", event, state, Fields.none(),
                            outbox(event), null, callers)).as("%s in %s", event, state)
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caller's clock");
                    refused++;
                }
            }
        }
        assertThat(refused).isPositive();
    }

    @Test
    void aPaymentPendingOfTheOtherKindIsRefused() {
        assertThatThrownBy(() -> new OrderStore.Transition("o", OrderLifecycle.COLLECTION_FOLLOWED, Fields.none(),
                List.of(paymentPending(PaymentKind.PAYOUT)), null, Instant.now()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PaymentPending(PAYOUT)");
        assertThatThrownBy(() -> new OrderStore.Transition("o", OrderLifecycle.PAYOUT_PENDING, OrderState.REFUNDING,
                Fields.none(), List.of(paymentPending(PaymentKind.COLLECTION)), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PaymentPending(COLLECTION)");
        assertThat(new OrderStore.Transition("o", OrderLifecycle.PAYOUT_PENDING, OrderState.REFUNDING, Fields.none(),
                List.of(paymentPending(PaymentKind.PAYOUT)), null, null).to()).isEqualTo(OrderState.REFUNDING);
    }

    @Test
    void theTestsMoveNamedByItsStatesRefusesAMoveMoreThanOneEventMakes() {
        // COLLECTION_NOT_SENT and COLLECTION_RETRIED both keep AWAITING_PAYMENT with nothing set or published.
        assertThatThrownBy(() -> new OrderStore(null).transition("o", Set.of(OrderState.AWAITING_PAYMENT),
                OrderState.AWAITING_PAYMENT, Fields.none(), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("More than one");
    }

    @Test
    void everyEventInEveryStateIsWrittenAsTheTableSaysOrRefused() {
        for (OrderState state : OrderState.values()) {
            for (OrderLifecycle event : OrderLifecycle.values()) {
                if (event.from().contains(state)) {
                    OrderState next = event.next(state).orElseThrow();
                    OrderStore.Transition t = transition(event, state);
                    assertThat(t.to()).as("%s in %s", event, state).isEqualTo(next);
                    UpdateOneModel<Document> write = t.model(Instant.now());
                    Document filter = (Document) write.getFilter();
                    Document update = (Document) write.getUpdate();
                    assertThat(filter.get("state", Document.class).getList("$in", String.class))
                            .containsExactly(state.name());
                    assertThat(update.get("$set", Document.class).getString("state")).isEqualTo(next.name());
                    // Recovery bookkeeping is cleared exactly when the state changes.
                    assertThat(update.containsKey("$unset")).isEqualTo(next != state);
                } else {
                    assertThat(event.next(state)).as("%s in %s", event, state).isEmpty();
                    assertThatThrownBy(() -> transition(event, state)).as("%s in %s", event, state)
                            .isInstanceOf(IllegalStateException.class);
                }
            }
        }
    }

    @Test
    void anEventWrittenFromAllItsStatesGuardsOnExactlyThoseStates() {
        for (OrderLifecycle event : OrderLifecycle.values()) {
            if (event.keepsState() && event.from().size() > 1) {
                // Each of its states stays itself: it can only be written for one of them.
                assertThatThrownBy(() -> new OrderStore.Transition("o", event, Fields.none(), outbox(event), null,
                        null)).isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            Document filter = filter(new OrderStore.Transition("o", event, Fields.none(), outbox(event), null,
                    requiredGuard(event, event.from().iterator().next())));
            assertThat(filter.get("state", Document.class).getList("$in", String.class))
                    .containsExactlyInAnyOrderElementsOf(event.from().stream().map(Enum::name).toList());
        }
    }

    @Test
    void finalStatesHaveNoExitButTheRejectedOrdersLateCollectionAndItsPayout() {
        assertThat(OrderLifecycle.in(OrderState.COMPLETED)).isEmpty();
        assertThat(OrderLifecycle.in(OrderState.REFUNDED)).isEmpty();
        assertThat(OrderLifecycle.in(OrderState.REJECTED)).containsExactlyInAnyOrder(
                OrderLifecycle.COLLECTED_AFTER_REJECTION, OrderLifecycle.PAYOUT_STARTED, OrderLifecycle.PAYOUT_RETRIED,
                OrderLifecycle.PAYOUT_RENEWED, OrderLifecycle.PAYOUT_FOLLOWED, OrderLifecycle.PAYOUT_PENDING,
                OrderLifecycle.PAYOUT_FAILED, OrderLifecycle.PAYOUT_NOT_SENT, OrderLifecycle.PAYOUT_UNRESOLVED,
                OrderLifecycle.LATE_COLLECTION_PAID_BACK);
        for (OrderState state : FINAL) {
            OrderLifecycle.in(state).forEach(e -> assertThat(e.next(state)).contains(state));
            assertThat(state.isFinal()).isTrue();
        }
    }

    @Test
    void everyStateIsReachedFromReceivedAndEveryOtherStateThanTheFinalOnesCanBeLeft() {
        Set<OrderState> reached = EnumSet.of(OrderState.RECEIVED);
        Deque<OrderState> next = new ArrayDeque<>(reached);
        while (!next.isEmpty()) {
            OrderState state = next.pop();
            for (OrderLifecycle event : OrderLifecycle.in(state)) {
                OrderState to = event.next(state).orElseThrow();
                if (reached.add(to)) {
                    next.push(to);
                }
            }
        }
        assertThat(reached).containsExactlyInAnyOrder(OrderState.values());
        for (OrderState state : OrderState.values()) {
            boolean leaves = OrderLifecycle.in(state).stream().anyMatch(e -> e.next(state).orElseThrow() != state);
            assertThat(leaves).as(state.name()).isEqualTo(!FINAL.contains(state));
        }
    }

    @Test
    void theStatesAwaitingAVendOutcomeAreThoseAnOutcomeSettles() {
        assertThat(OrderLifecycle.VEND_SUCCEEDED.from()).isEqualTo(OrderState.AWAITING_OUTCOME);
        assertThat(OrderLifecycle.VEND_FAILED.from()).isEqualTo(OrderState.AWAITING_OUTCOME);
    }

    @Test
    void aChangeWithOtherEventsOrFieldsThanItsEventsIsRefused() {
        assertThatThrownBy(() -> new OrderStore.Transition("o", OrderLifecycle.VEND_FAILED, Fields.none(),
                outbox(OrderLifecycle.REFUND_CREDITED), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publishes");
        assertThatThrownBy(() -> new OrderStore.Transition("o", OrderLifecycle.VEND_PENDING,
                Fields.of("state", "COMPLETED"), List.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not record state");
        // Exactly the fields it lists: not the whole sub-document, nor another field inside it.
        assertThat(new OrderStore.Transition("o", OrderLifecycle.VEND_SUCCEEDED,
                Fields.of("vend.token", "t"), outbox(OrderLifecycle.VEND_SUCCEEDED), null, null).to())
                .isEqualTo(OrderState.COMPLETED);
        assertThatThrownBy(() -> new OrderStore.Transition("o", OrderLifecycle.VEND_PENDING,
                Fields.of("vend.token", "t"), List.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not record vend.token");
        assertThatThrownBy(() -> new OrderStore.Transition("o", OrderLifecycle.LATE_COLLECTION_PAID_BACK,
                Fields.of(OrderStore.COLLECTED_AFTER_REJECTION, Fields.none()),
                outbox(OrderLifecycle.LATE_COLLECTION_PAID_BACK), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not record");
    }

    @Test
    void theReadmeShowsTheTableAsTheCodeHasIt() throws IOException, URISyntaxException {
        // Regenerate the README's table with OrderLifecycle.toMarkdown() when a row changes.
        assertThat(Files.readString(moduleReadme())).contains(OrderLifecycle.toMarkdown());
    }

    /** The module's README, found from the compiled tests (target/test-classes), wherever the build runs from. */
    private static Path moduleReadme() throws URISyntaxException {
        Path classes = Path.of(OrderLifecycleTableTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return classes.getParent().getParent().resolve("README.md");
    }

    private static OrderStore.Transition transition(OrderLifecycle event, OrderState in) {
        return new OrderStore.Transition("o", event, in, Fields.none(), outbox(event), "event-1",
                requiredGuard(event, in));
    }

    private static Document filter(OrderStore.Transition t) {
        return (Document) t.model(Instant.now()).getFilter();
    }

    /** The time a caller must pass: its own, when the event has a requirement on the caller's clock. */
    static Instant requiredGuard(OrderLifecycle event, OrderState in) {
        boolean needed = event.next(in).isPresent() && event.requires(in).contains(Requirement.NO_CALL_IN_FLIGHT);
        return needed ? Instant.now() : null;
    }

    /** Outbox entries of the types the event publishes, in its order, as OrderEvents builds them. */
    static List<OutboxEntry> outbox(OrderLifecycle event) {
        Order order = order();
        Instant at = Instant.now();
        return event.emits().stream().map(type -> switch (type) {
            case "PaymentPending(COLLECTION)" -> paymentPending(PaymentKind.COLLECTION);
            case "PaymentPending(PAYOUT)" -> paymentPending(PaymentKind.PAYOUT);
            case "OrderAccepted" -> OrderEvents.accepted(order, null, at).get(0);
            case "VendRequested" -> OrderEvents.vendRequested(order, null, at);
            case "OrderRejected" -> OrderEvents.rejected(order, new Rejection(RejectionReason.PAYMENT_FAILED, "no"), at);
            case "OrderCompleted" -> OrderEvents.completed(order, VendSucceeded.newBuilder()
                    .setEnvelope(OrderEvents.envelope(order, VendSucceeded.class, null, at, null))
                    .setVend(new VendRef("vtpass", "v-1", null)).setAmount(new Money(5_000L, "NGN")).setToken("t")
                    .setPins(List.of()).setReceipt(Map.of()).setResolvedBy(Resolution.VEND_CALL).build(), at);
            case "OrderRefunded" -> OrderEvents.refunded(order, RefundMethod.WALLET_CREDIT, "failed", "r-1", at, null);
            case "PaymentCollected" -> OrderEvents.paymentCollected(order, "dollr", "ref", "tx-1", null, at);
            case "PaymentFailed" -> OrderEvents.paymentFailed(order, "dollr", "ref", "declined", at);
            case "PayoutSucceeded" -> OrderEvents.payoutSucceeded(order, "dollr", "ref", at);
            case "PayoutFailed" -> OrderEvents.payoutFailed(order, "dollr", "ref", "refused", at);
            default -> throw new IllegalArgumentException("no test event for " + type);
        }).toList();
    }

    /** A real PaymentPending outbox entry of {@code kind}, as OrderEvents builds it. */
    static OutboxEntry paymentPending(PaymentKind kind) {
        return OrderEvents.paymentPending(order(), kind, "dollr", "ref-" + kind, null, Instant.now());
    }

    private static Order order() {
        Date now = new Date();
        return OrderStore.toOrder(new Document("_id", "o").append("merchantId", "m").append("clientReference", "c")
                .append("state", "VENDING")
                .append("line", new Document("service", "AIRTIME").append("billerId", "b").append("itemId", "i")
                        .append("account", "08030000000").append("customerPhone", "08030000000")
                        .append("amountMinor", 5_000L).append("currency", "NGN"))
                .append("payment", new Document("method", "MOBILE_MONEY")).append("createdAt", now)
                .append("updatedAt", now).append("businessDate", "2026-01-01").append("correlationId", "c"));
    }

    private static Map<OrderLifecycle, String> rows(String... rows) {
        Map<OrderLifecycle, String> map = new LinkedHashMap<>();
        for (String row : rows) {
            map.put(OrderLifecycle.valueOf(row.substring(0, row.indexOf(':'))), row.substring(row.indexOf(':') + 2));
        }
        return map;
    }
}
