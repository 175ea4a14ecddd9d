package com.vendstream.ops.live;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code GET /ops/v1/live} answers (the shape agreed with the console). A number whose source did not
 * answer is null (and the source shows {@code unreachable}), never a made-up zero.
 *
 * @param orders          orders by state (order-service's {@code vendstream.order.state}; final states within its
 *                        window, 24 h by default)
 * @param stuck           work that stopped moving, by kind
 * @param unresolvedVends unresolved vends waiting for a person in the back office's queue (OPEN and PROPOSED)
 * @param providers       each provider's health, from every service that calls it
 * @param lag             each catalogue consumer group's lag on each topic it reads
 * @param deadLetters     dead letters waiting at the dead-letter desk (neither re-driven nor discarded), across every
 *                        dead-letter topic of the catalogue
 * @param sources         each source ({@code vendstream.ops.sources.*} and {@code kafka}): ok or unreachable
 */
public record LiveView(Instant at, Map<String, Long> orders, Stuck stuck, Long unresolvedVends,
                       List<ProviderHealth> providers, List<GroupLag> lag, Long deadLetters,
                       Map<String, String> sources) {

    /**
     * @param orders             orders untouched past order-service's stuck-after, by state
     * @param topUps             wallet top-ups with money in flight, untouched as long, by state
     * @param blockedOrders      orders the recovery sweep could not move on, by {@code STATE/REASON}
     * @param vends              vends overdue at vend-service, by state
     * @param escalatedRequeries requeries escalated without a final answer, by provider (status-poller; the
     *                           instance that answered)
     * @param outbox             events waiting in an outbox too long, by {@code service/collection}
     */
    public record Stuck(Map<String, Long> orders, Map<String, Long> topUps, Map<String, Long> blockedOrders,
                        Map<String, Long> vends, Map<String, Long> escalatedRequeries, Map<String, Long> outbox) {
    }

    /**
     * @param breaker   the worst state among the provider's breakers (OPEN, HALF_OPEN, CLOSED), UNKNOWN when no
     *                  source that answered guards it
     * @param latencyMs the slowest p50 and p95 among its operations over the last minutes, null without calls
     * @param errorRate the highest failure rate among its breakers (0..1), null until a breaker has its minimum calls
     * @param calls     calls that reached it since the services started
     * @param breakers  each breaker: which service and guard, its state and failure rate
     */
    public record ProviderHealth(String provider, String breaker, Latency latencyMs, Double errorRate, long calls,
                                 List<Breaker> breakers) {
    }

    public record Latency(double p50, double p95) {
    }

    public record Breaker(String source, String guard, String state, Double errorRate) {
    }

    public record GroupLag(String group, String topic, long lag) {
    }
}
