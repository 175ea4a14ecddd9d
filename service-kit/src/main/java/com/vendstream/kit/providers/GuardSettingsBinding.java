package com.vendstream.kit.providers;

import com.vendstream.providers.guard.GuardSettings;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The one binding of the providers' guards ({@link GuardSettings}) from configuration: every service that
 * calls providers binds its own under its own prefix, with its own defaults, through Spring Boot's binder
 * (relaxed names, so {@code VENDSTREAM_POLLER_GUARD_MAXWAIT} works as {@code @ConfigurationProperties} does;
 * durations as {@code PT10S} or {@code 10s}). The property names under a prefix are:
 * {@code max-concurrent-calls}, {@code max-wait} (the bulkhead) and {@code open-for},
 * {@code failure-rate-percent}, {@code minimum-calls} (the circuit breaker).
 *
 * <p>A value the guards cannot work with stops the service at start, naming the property: a breaker or
 * bulkhead built from it would either fail on first use or quietly keep every call back.
 */
public final class GuardSettingsBinding {

    private GuardSettingsBinding() {
    }

    /** Every setting under {@code prefix} (e.g. {@code vendstream.poller.guard}); unset ones from {@code defaults}. */
    public static GuardSettings bind(Environment environment, String prefix, GuardSettings defaults) {
        return bind(environment, prefix, prefix, defaults);
    }

    /**
     * The bulkhead's settings under {@code bulkheadPrefix}, the breaker's under {@code circuitPrefix}: vend-service
     * has had them apart from the start ({@code vendstream.vend.bulkhead.*}, {@code vendstream.vend.circuit.*}).
     */
    public static GuardSettings bind(Environment environment, String bulkheadPrefix, String circuitPrefix,
                                     GuardSettings defaults) {
        Binder binder = Binder.get(environment);
        String maxConcurrentName = bulkheadPrefix + ".max-concurrent-calls";
        String maxWaitName = bulkheadPrefix + ".max-wait";
        String openForName = circuitPrefix + ".open-for";
        String failureRateName = circuitPrefix + ".failure-rate-percent";
        String minimumCallsName = circuitPrefix + ".minimum-calls";
        int maxConcurrent = binder.bind(maxConcurrentName, Bindable.of(Integer.class)).orElse(defaults.maxConcurrentCalls());
        Duration maxWait = binder.bind(maxWaitName, Bindable.of(Duration.class)).orElse(defaults.maxWait());
        Duration openFor = binder.bind(openForName, Bindable.of(Duration.class)).orElse(defaults.openFor());
        float failureRate = binder.bind(failureRateName, Bindable.of(Float.class)).orElse(defaults.failureRatePercent());
        int minimumCalls = binder.bind(minimumCallsName, Bindable.of(Integer.class)).orElse(defaults.minimumCalls());

        refuseUnless(maxConcurrent >= 1, maxConcurrentName, maxConcurrent,
                "at least 1 (no call slot would keep every call back)");
        refuseUnless(!maxWait.isNegative(), maxWaitName, maxWait, "zero or more");
        // Resilience4j's own floor: an open circuit is held for at least a millisecond.
        refuseUnless(openFor.toMillis() >= 1, openForName, openFor, "at least 1 ms");
        refuseUnless(failureRate > 0 && failureRate <= 100, failureRateName, failureRate, "above 0 and at most 100");
        refuseUnless(minimumCalls >= 1, minimumCallsName, minimumCalls, "at least 1");
        return new GuardSettings(maxConcurrent, maxWait, openFor, failureRate, minimumCalls);
    }

    private static void refuseUnless(boolean acceptable, String property, Object value, String expected) {
        if (!acceptable) {
            throw new IllegalStateException(property + " must be " + expected + ", was " + value);
        }
    }
}
