package com.vendstream.ops.login;

import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * BCrypt comparisons on threads of their own, at most {@code maxConcurrent} logins at a time. A login beyond that
 * is answered at once as busy (503), never queued: a burst of logins cannot pile up slow comparisons, nor take
 * the threads the rest of the service shares (Reactor's boundedElastic).
 */
public final class PasswordChecks implements AutoCloseable {

    private final Semaphore permits;
    private final Scheduler threads;

    public PasswordChecks(int maxConcurrent) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("vendstream.ops.login.max-concurrent must be 1 or more");
        }
        permits = new Semaphore(maxConcurrent);
        threads = Schedulers.newParallel("ops-password-check", maxConcurrent);
    }

    /** Runs {@code login} holding one of the permits, or answers {@code whenBusy} when none is free. */
    public <T> Mono<T> limited(Supplier<Mono<T>> login, Supplier<T> whenBusy) {
        return Mono.defer(() -> permits.tryAcquire()
                ? Mono.defer(login).doFinally(signal -> permits.release())
                : Mono.fromSupplier(whenBusy));
    }

    /** One slow comparison, on the dedicated threads (off the event loop). */
    public <T> Mono<T> compare(Callable<T> comparison) {
        return Mono.fromCallable(comparison).subscribeOn(threads);
    }

    @Override
    public void close() {
        threads.dispose();
    }
}
