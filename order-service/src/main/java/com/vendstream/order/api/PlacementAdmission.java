package com.vendstream.order.api;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import com.vendstream.kit.tracing.Traces;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Admission control for the requests that move money (order placements, wallet top-ups).
 *
 * <p>At most {@code maxInFlight} run at once. One more is refused at once with 503 {@code OVERLOADED} and
 * {@code Retry-After}, rather than queued behind the others until its client gives up: past capacity a
 * queue only makes every placement late, and a client that gives up retries on top of it.
 *
 * <p>Admitted work runs to its end on a pool of its own, whatever its client does. A client that disconnects
 * only stops listening: the work is neither cancelled nor interrupted (an interrupt inside a blocking store
 * call would leave the order half placed, for the recovery sweep), and its place is given back only when the
 * work is done, so work whose client left still counts against the limit.
 *
 * <p>Gauge {@code vendstream.order.admission.in_flight}; counter
 * {@code vendstream.order.admission.refused{operation}}.
 */
public class PlacementAdmission implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PlacementAdmission.class);

    private final int maxInFlight;
    private final int maxReplayLookups;
    private final Duration retryAfter;
    private final MeterRegistry meters;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger replayLookups = new AtomicInteger();
    private final ThreadPoolExecutor pool;

    /**
     * @param maxReplayLookups how many refused requests at once may still look up whether they are the replay of
     *                         one already stored (a cheap read by index), answered as usual when they are
     * @param retryAfter       what a refused request is told to wait before trying again
     */
    public PlacementAdmission(int maxInFlight, int maxReplayLookups, Duration retryAfter, MeterRegistry meters) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("vendstream.order.admission.max-in-flight must be at least 1");
        }
        if (maxReplayLookups < 0) {
            throw new IllegalArgumentException("vendstream.order.admission.max-replay-lookups must not be negative");
        }
        this.maxInFlight = maxInFlight;
        this.maxReplayLookups = maxReplayLookups;
        this.retryAfter = retryAfter;
        this.meters = meters;
        // One thread per place, so admitted work never waits for a thread; idle threads end after a minute.
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(maxInFlight, maxInFlight, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "order-placement-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        Gauge.builder("vendstream.order.admission.in_flight", inFlight, AtomicInteger::get)
                .description("Order placements and top-ups running now").register(meters);
    }

    /**
     * The work, run on the admission pool when subscribed if a place is free; otherwise, when {@code replay}
     * finds the request already stored, its answer; otherwise 503. Cancelling the returned Mono does not stop
     * admitted work.
     *
     * @param operation names the refusals in the counter ({@code order}, {@code top-up})
     * @param replay    the answer to a request already stored, or empty (blocking; run only when refused); null
     *                  when there is no such look-up (refused at once)
     */
    public <T> Mono<T> run(String operation, Callable<T> work, Callable<Optional<T>> replay) {
        return Mono.deferContextual(request -> {
            if (!take(inFlight, maxInFlight)) {
                return replayOrRefuse(operation, replay);
            }
            // The work runs in the request's trace, so the events it writes to the outbox carry it on.
            Callable<T> traced = Traces.inTraceOf(request, work);
            CompletableFuture<T> done;
            try {
                done = CompletableFuture.supplyAsync(() -> {
                    try {
                        return call(traced);
                    } finally {
                        // Before the answer is emitted, so a client that replies at once finds its place free.
                        inFlight.decrementAndGet();
                    }
                }, pool);
            } catch (Throwable e) {
                // Refused by a closed pool (the service is stopping), or no thread could be made: the work never ran.
                inFlight.decrementAndGet();
                return Mono.error(refusal(operation));
            }
            AtomicBoolean clientLeft = new AtomicBoolean();
            done.whenComplete((result, error) -> {
                Throwable cause = error == null || error.getCause() == null ? error : error.getCause();
                // A refusal (a problem answer such as 422) is an outcome, not a failure.
                if (cause != null && clientLeft.get() && !(cause instanceof ErrorResponseException)) {
                    // Nobody to answer; what the work left is the recovery sweep's, as after a crash.
                    log.warn("A {} whose client had left failed: {}", operation, cause.toString());
                }
            });
            // suppressCancel: a client leaving must not cancel the future (that would also give back its place early).
            return Mono.fromFuture(done, true)
                    .onErrorMap(CompletionException.class, e -> e.getCause() == null ? e : e.getCause())
                    .doOnCancel(() -> clientLeft.set(true));
        });
    }

    /** The same without a replay look-up: refused at once past the limit. */
    public <T> Mono<T> run(String operation, Callable<T> work) {
        return run(operation, work, null);
    }

    private <T> Mono<T> replayOrRefuse(String operation, Callable<Optional<T>> replay) {
        if (replay == null || !take(replayLookups, maxReplayLookups)) {
            return Mono.error(refusal(operation));
        }
        return Mono.fromCallable(replay)
                .subscribeOn(Schedulers.boundedElastic())
                .doFinally(signal -> replayLookups.decrementAndGet())
                // The look-up failing (a store slow under the very load that refused the request) changes nothing:
                // nothing was done, so the answer is still the refusal, not a 500.
                .onErrorResume(e -> !(e instanceof ErrorResponseException), e -> {
                    log.debug("Replay look-up of a refused {} failed: {}", operation, e.toString());
                    return Mono.just(Optional.empty());
                })
                .flatMap(answer -> answer.map(Mono::just).orElseGet(() -> Mono.error(refusal(operation))));
    }

    private static boolean take(AtomicInteger count, int max) {
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    private static <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private ErrorResponseException refusal(String operation) {
        meters.counter("vendstream.order.admission.refused", "operation", operation).increment();
        ErrorResponseException e = Problems.refused(HttpStatus.SERVICE_UNAVAILABLE, "OVERLOADED",
                "Too many requests in progress", "At most " + maxInFlight
                        + " order placements and top-ups run at once; nothing was done, retry after the time given");
        e.getHeaders().set("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        return e;
    }

    /** Placements and top-ups running now (admitted, not yet finished, whether or not their client is still there). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Lets admitted work finish (up to 30 s) before the pool stops. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("{} placements or top-ups still running at shutdown; the recovery sweep will finish them",
                        inFlight.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
