package com.vendstream.providers.guard;

import java.time.Duration;

/**
 * How {@link GuardedConnectors} guards each provider; every service binds its own from configuration.
 *
 * @param maxConcurrentCalls calls to one provider at a time (its bulkhead)
 * @param maxWait how long a call waits for one of those slots before it is kept back
 * @param openFor how long an open circuit keeps calls back before letting two through to try
 * @param failureRatePercent share of infrastructure failures (silence, resets, 5xx, refused connections) that opens it
 * @param minimumCalls calls counted before the rate means anything
 */
public record GuardSettings(int maxConcurrentCalls, Duration maxWait, Duration openFor, float failureRatePercent,
                            int minimumCalls) {

    /** vend-service's defaults: 32 calls, 10 s wait, open for 30 s at 50 % of at least 10 calls. */
    public static GuardSettings defaults() {
        return new GuardSettings(32, Duration.ofSeconds(10), Duration.ofSeconds(30), 50, 10);
    }
}
