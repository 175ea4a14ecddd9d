package com.vendstream.vend.intake;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that make the provider calls of claimed requests after their batch may have returned. Not a
 * queue: how many are handed over at once is bounded per provider by the hand-off slots, so a thread per
 * call, each starting at once.
 *
 * <p>{@link #close()} lets the calls under way finish (up to {@code drain}) instead of cutting them: a call
 * cut off leaves its attempt SENDING, to be requeried only after its lease. A call handed over once
 * closing has begun is refused, and the hand-off then makes it on the caller's thread.
 */
public final class ClaimedCalls implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClaimedCalls.class);

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vend-claimed-call");
        t.setDaemon(true);
        return t;
    });
    private final Duration drain;

    /** @param drain how long {@link #close()} waits for the calls under way */
    public ClaimedCalls(Duration drain) {
        this.drain = drain;
    }

    @Override
    public void execute(Runnable call) {
        threads.execute(call);
    }

    @Override
    public void close() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Claimed vend calls still running after {}; their attempts stay SENDING and the lease sweep "
                        + "hands them to requery", drain);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
