package com.vendstream.order;

import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
import com.vendstream.order.wallet.WalletTransfers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
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
 * <p>Gauges: {@code vendstream.order.stuck{state}} and {@code vendstream.wallet.topup.stuck{state}}.
 */
public class StuckWork {

    private static final Logger log = LoggerFactory.getLogger(StuckWork.class);

    private final OrderStore orders;
    private final WalletTransfers transfers;
    private final Clock clock;
    private final Duration stuckAfter;
    private final Map<OrderState, AtomicLong> stuckOrders = new EnumMap<>(OrderState.class);
    private final Map<WalletTransfers.State, AtomicLong> stuckTopUps = new EnumMap<>(WalletTransfers.State.class);

    public StuckWork(OrderStore orders, WalletTransfers transfers, MeterRegistry meters, Clock clock, Duration stuckAfter) {
        this.orders = orders;
        this.transfers = transfers;
        this.clock = clock;
        this.stuckAfter = stuckAfter;
        for (OrderState state : OrderState.UNSETTLED) {
            AtomicLong value = new AtomicLong();
            stuckOrders.put(state, value);
            Gauge.builder("vendstream.order.stuck", value, AtomicLong::get).tag("state", state.name())
                    .description("Orders in this state untouched for longer than vendstream.order.stuck-after")
                    .register(meters);
        }
        for (WalletTransfers.State state : new WalletTransfers.State[] {WalletTransfers.State.PENDING,
                WalletTransfers.State.DEBITED}) {
            AtomicLong value = new AtomicLong();
            stuckTopUps.put(state, value);
            Gauge.builder("vendstream.wallet.topup.stuck", value, AtomicLong::get).tag("state", state.name())
                    .description("Top-ups in this state untouched for longer than vendstream.order.stuck-after")
                    .register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${vendstream.order.stuck-check-interval:PT1M}")
    public void measure() {
        var before = clock.instant().minus(stuckAfter);
        Map<OrderState, Long> orderCounts = orders.countStuck(before);
        stuckOrders.forEach((state, value) -> value.set(orderCounts.getOrDefault(state, 0L)));
        Map<WalletTransfers.State, Long> topUpCounts = transfers.countStuck(before);
        stuckTopUps.forEach((state, value) -> value.set(topUpCounts.getOrDefault(state, 0L)));
        long total = orderCounts.values().stream().mapToLong(Long::longValue).sum()
                + topUpCounts.values().stream().mapToLong(Long::longValue).sum();
        if (total > 0) {
            log.warn("Stuck for more than {}: orders {}, top-ups {}", stuckAfter, orderCounts, topUpCounts);
        }
    }
}
