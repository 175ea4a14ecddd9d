package com.vendstream.order.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Requests that wait for an order to change (the long poll and server-sent events): at most
 * {@code maxPerMerchant} open at once per merchant, beyond which a request is refused with 429 and
 * {@code Retry-After}; and their store reads run on a bounded pool of their own, so a crowd of waiting
 * clients can neither take the threads that place orders nor block the server's event loop.
 *
 * <p>Gauge {@code vendstream.order.waits.open}; counter {@code vendstream.order.waits.refused{merchant}}.
 */
public class OrderWaits implements AutoCloseable {

    private final int maxPerMerchant;
    private final Duration retryAfter;
    private final Scheduler reads;
    private final MeterRegistry meters;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    /**
     * @param readThreads threads for the waits' store reads (the driver's calls block); reads beyond them queue
     * @param retryAfter  what a refused request is told to wait before trying again
     */
    public OrderWaits(int maxPerMerchant, int readThreads, Duration retryAfter, MeterRegistry meters) {
        this.maxPerMerchant = maxPerMerchant;
        this.retryAfter = retryAfter;
        this.meters = meters;
        this.reads = Schedulers.newBoundedElastic(readThreads, 100_000, "order-waits");
        Gauge.builder("vendstream.order.waits.open", open,
                        m -> m.values().stream().mapToInt(AtomicInteger::get).sum())
                .description("Long polls and event streams open now").register(meters);
    }

    /** Where a wait's blocking store reads run. */
    public Scheduler reads() {
        return reads;
    }

    /** A place among the merchant's open waits; closing it (again) is harmless. */
    public interface Place extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a place among the merchant's open waits when subscribed, or fails with 429 when they are all taken. */
    public Mono<Place> enter(String merchantId) {
        return Mono.defer(() -> {
            AtomicInteger count = open.computeIfAbsent(merchantId, m -> new AtomicInteger());
            if (count.incrementAndGet() > maxPerMerchant) {
                count.decrementAndGet();
                meters.counter("vendstream.order.waits.refused", "merchant", merchantId).increment();
                return Mono.error(tooMany());
            }
            AtomicBoolean closed = new AtomicBoolean();
            return Mono.just(() -> {
                if (closed.compareAndSet(false, true)) {
                    count.decrementAndGet();
                }
            });
        });
    }

    /** The merchant's wait, holding a place from subscription until it ends however it ends. */
    public <T> Mono<T> limit(String merchantId, Mono<T> wait) {
        return Mono.usingWhen(enter(merchantId), place -> wait, place -> Mono.fromRunnable(place::close));
    }

    private ErrorResponseException tooMany() {
        ErrorResponseException e = Problems.refused(HttpStatus.TOO_MANY_REQUESTS, "TOO_MANY_WAITS",
                "Too many waiting requests", "At most " + maxPerMerchant
                        + " long polls and event streams may be open at once per merchant; close one or retry later");
        e.getHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        return e;
    }

    @Override
    public void close() {
        reads.dispose();
    }
}
