package com.vendstream.order.order;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks every order of one state that the recovery sweep should move on, a page at a time by
 * (updatedAt, id) cursor, and defers each one it could not move ({@link OrderStore#defer}), so work
 * that cannot move is skipped until its backoff passes and never hides work that can.
 */
public final class RecoverySweep {

    private static final Logger log = LoggerFactory.getLogger(RecoverySweep.class);
    static final int PAGE = 100;

    /** Tries to move one order on: empty when it moved (or someone else moved it), otherwise why not. */
    @FunctionalInterface
    public interface Move {
        Optional<BlockedReason> apply(Order order);
    }

    private RecoverySweep() {
    }

    /** @return how many orders moved on */
    public static int run(OrderStore store, OrderState state, OrderStore.Backlog backlog, Instant updatedBefore,
                          Instant now, Move move) {
        int moved = 0;
        Order last = null;
        List<Order> page;
        do {
            page = store.due(state, backlog, updatedBefore, now, last, PAGE);
            for (Order order : page) {
                Optional<BlockedReason> blocked;
                try {
                    blocked = move.apply(order);
                } catch (RuntimeException e) {
                    // The class only: messages of store and gateway errors may quote what was sent.
                    log.warn("Recovery of order {} in {} failed: {}", order.orderId(), state, e.getClass().getName());
                    log.debug("Recovery of order {} failed", order.orderId(), e);
                    blocked = Optional.of(BlockedReason.ERROR);
                }
                if (blocked.isPresent()) {
                    store.defer(order.orderId(), state, blocked.get(), now);
                } else {
                    moved++;
                }
            }
            if (!page.isEmpty()) {
                last = page.get(page.size() - 1);
            }
        } while (page.size() == PAGE);
        return moved;
    }
}
