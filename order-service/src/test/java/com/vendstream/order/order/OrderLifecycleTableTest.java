package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.model.UpdateOneModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The lifecycle table walked state by state, and the writes the store builds from it. */
class OrderLifecycleTableTest {

    private static final Set<OrderState> FINAL = EnumSet.of(OrderState.COMPLETED, OrderState.REFUNDED,
            OrderState.REJECTED);

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
                assertThatThrownBy(() -> new OrderStore.Transition("o", event, new Document(), outbox(event), null,
                        null)).isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            Document filter = (Document) new OrderStore.Transition("o", event, new Document(), outbox(event), null,
                    null).model(Instant.now()).getFilter();
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
        assertThatThrownBy(() -> new OrderStore.Transition("o", OrderLifecycle.VEND_FAILED, new Document(),
                outbox(OrderLifecycle.REFUND_CREDITED), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publishes");
        assertThatThrownBy(() -> new OrderStore.Transition("o", OrderLifecycle.VEND_PENDING,
                new Document("state", "COMPLETED"), List.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not record state");
        // A field inside one it records is its own.
        assertThat(new OrderStore.Transition("o", OrderLifecycle.VEND_SUCCEEDED,
                new Document("vend.token", "t"), outbox(OrderLifecycle.VEND_SUCCEEDED), null, null).to())
                .isEqualTo(OrderState.COMPLETED);
    }

    @Test
    void theReadmeShowsTheTableAsTheCodeHasIt() throws IOException {
        // Regenerate the README's table with OrderLifecycle.toMarkdown() when a row changes.
        assertThat(Files.readString(Path.of("README.md"))).contains(OrderLifecycle.toMarkdown());
    }

    private static OrderStore.Transition transition(OrderLifecycle event, OrderState in) {
        return new OrderStore.Transition("o", event, in, new Document(), outbox(event), "event-1", null);
    }

    /** Outbox entries of the types the event publishes (the store reads only their type here). */
    static List<Document> outbox(OrderLifecycle event) {
        return event.emits().stream().map(type -> new Document("type", "com.vendstream.events." + type)).toList();
    }
}
