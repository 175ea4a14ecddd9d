package com.vendstream.order;

import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.wallet.WalletLedger;
import com.vendstream.wallet.WalletLedger.TransferState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Says when work is stuck: orders in a state that should have moved on (received, awaiting payment,
 * vending, vend pending, refunding) and top-ups with money in flight, untouched for longer than
 * {@code stuckAfter}. The recovery sweep and status-poller normally move them within minutes, so a
 * non-zero gauge is something for a person to look at. UNRESOLVED is escalated already and has its
 * own counter.
 *
 * <p>Gauges: {@code vendstream.order.stuck{state}} and {@code vendstream.wallet.topup.stuck{state}}; and
 * {@code vendstream.order.blocked{state,reason}}: orders the recovery sweep tried and could not move on
 * (a refused payout, a refused wallet credit, no mobile-money gateway...), however long ago they changed.
 */
public class StuckWork {

    private static final Logger log = LoggerFactory.getLogger(StuckWork.class);

    private final OrderStore orders;
    private final WalletLedger wallets;
    private final Clock clock;
    private final Duration stuckAfter;
    private final Map<OrderState, AtomicLong> stuckOrders = new EnumMap<>(OrderState.class);
    private final Map<TransferState, AtomicLong> stuckTopUps = new EnumMap<>(TransferState.class);
    private final MultiGauge blocked;
    private List<OrderStore.Blocked> lastBlocked = List.of();

    public StuckWork(OrderStore orders, WalletLedger wallets, MeterRegistry meters, Clock clock, Duration stuckAfter) {
        this.orders = orders;
        this.wallets = wallets;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
        for (OrderState state : OrderState.UNSETTLED) {
            AtomicLong value = new AtomicLong();
            stuckOrders.put(state, value);
            Gauge.builder("vendstream.order.stuck", value, AtomicLong::get).tag("state", state.name())
                    .description("Orders in this state untouched for longer than vendstream.order.stuck-after")
                    .register(meters);
        }
        for (TransferState state : new TransferState[] {TransferState.PENDING, TransferState.DEBITED}) {
            AtomicLong value = new AtomicLong();
            stuckTopUps.put(state, value);
            Gauge.builder("vendstream.wallet.topup.stuck", value, AtomicLong::get).tag("state", state.name())
                    .description("Top-ups in this state untouched for longer than vendstream.order.stuck-after")
                    .register(meters);
        }
        blocked = MultiGauge.builder("vendstream.order.blocked")
                .description("Orders the recovery sweep could not move on at its last attempt, by state and reason")
                .register(meters);
    }

    /** Orders the recovery sweep tried and could not move: one gauge row per state and reason, a warning on change. */
    private void measureBlocked() {
        List<OrderStore.Blocked> now = orders.countBlocked().stream()
                .sorted(Comparator.comparing(OrderStore.Blocked::state).thenComparing(OrderStore.Blocked::reason))
                .toList();
        blocked.register(now.stream().map(b -> MultiGauge.Row.of(Tags.of("state", b.state().name(), "reason",
                b.reason().name()), b.count())).toList(), true);
        if (!now.equals(lastBlocked)) {
            if (now.isEmpty()) {
                log.info("No order is blocked any more (was {})", describe(lastBlocked));
            } else {
                log.warn("Orders the recovery sweep cannot move on: {} (was {})", describe(now), describe(lastBlocked));
            }
            lastBlocked = now;
        }
    }

    private static String describe(List<OrderStore.Blocked> blocked) {
        return blocked.isEmpty() ? "none" : blocked.stream()
                .map(b -> b.state() + "/" + b.reason() + "=" + b.count()).collect(Collectors.joining(", "));
    }

    @Scheduled(fixedDelayString = "${vendstream.order.stuck-check-interval:PT1M}")
    public void measure() {
        measureBlocked();
        var before = clock.instant().minus(stuckAfter);
        Map<OrderState, Long> orderCounts = orders.countStuck(before);
        stuckOrders.forEach((state, value) -> value.set(orderCounts.getOrDefault(state, 0L)));
        Map<TransferState, Long> topUpCounts = wallets.countStuckTopUps(before);
        stuckTopUps.forEach((state, value) -> value.set(topUpCounts.getOrDefault(state, 0L)));
        long total = orderCounts.values().stream().mapToLong(Long::longValue).sum()
                + topUpCounts.values().stream().mapToLong(Long::longValue).sum();
        if (total > 0) {
            log.warn("Stuck for more than {}: orders {}, top-ups {}", stuckAfter, orderCounts, topUpCounts);
        }
    }
}
