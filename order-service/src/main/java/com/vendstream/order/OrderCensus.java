package com.vendstream.order;

import com.vendstream.order.order.OrderState;
import com.vendstream.order.order.OrderStore;
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
 * How many orders are in each state, for the back office's live view (ops-service reads it from
 * {@code /actuator/prometheus}): gauge {@code vendstream.order.state{state}}. Every order of a state that is still
 * moving or waits for a person is counted; of the final states (COMPLETED, REFUNDED, REJECTED) only those that
 * reached it within {@code finalWindow} (24 hours by default), since final orders only ever accumulate.
 *
 * <p>Counted on a schedule ({@code vendstream.order.state-count-interval}, 15 s), never per scrape or per
 * request: one count per state, however many consoles look (on MongoDB each is answered from the {state, updatedAt}
 * index; the embedded stand-in counts by reading the orders, which is why it runs on a timer, not per view).
 */
public class OrderCensus {

    private static final Logger log = LoggerFactory.getLogger(OrderCensus.class);

    private final OrderStore orders;
    private final Clock clock;
    private final Duration finalWindow;
    private final Map<OrderState, AtomicLong> counts = new EnumMap<>(OrderState.class);

    public OrderCensus(OrderStore orders, MeterRegistry meters, Clock clock, Duration finalWindow) {
        this.orders = orders;
        this.clock = clock;
        this.finalWindow = finalWindow;
        for (OrderState state : OrderState.values()) {
            AtomicLong value = new AtomicLong();
            counts.put(state, value);
            Gauge.builder("vendstream.order.state", value, AtomicLong::get).tag("state", state.name())
                    .description(state.isFinal() ? "Orders that reached this final state within "
                            + "vendstream.order.state-count-final-window" : "Orders in this state")
                    .register(meters);
        }
    }

    @Scheduled(fixedDelayString = "${vendstream.order.state-count-interval:PT15S}")
    public void count() {
        try {
            Map<OrderState, Long> now = orders.countByState(clock.instant().minus(finalWindow));
            counts.forEach((state, value) -> value.set(now.getOrDefault(state, 0L)));
        } catch (RuntimeException e) {
            // The gauges keep their last counts; the next round tries again.
            log.warn("Could not count orders by state: {}", e.toString());
        }
    }
}
