package com.vendstream.providers.guard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import com.vendstream.providers.support.ProviderExchanges;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a guard shows on its service's meter registry, so {@code /actuator/prometheus} (and ops-service's live
 * view, which reads it) tells each provider's health:
 * <ul>
 *   <li>Resilience4j's own Micrometer binding of the guard's breakers ({@code resilience4j.circuitbreaker.state},
 *       {@code .failure.rate}, {@code .calls}, {@code .not.permitted.calls}, {@code .buffered.calls}...), tagged
 *       {@code name} and {@code provider} (the provider's id) and {@code guard} (which of the service's guards:
 *       one service may guard the same provider twice, e.g. order-service's lookups and catalogue listings, and
 *       each breaker needs meters of its own);</li>
 *   <li>{@value #CALLS}: a timer of the calls that reached the provider, tagged {@code provider},
 *       {@code operation} ({@code vend}, {@code requery}, {@code verify}, {@code catalogue}, {@code day-report},
 *       {@code collection}, {@code payout}, {@code setup}, {@code status}...) and {@code outcome} ({@code ok}: the
 *       provider answered, whatever it said; {@code failure}: what the guard's breaker counts against the provider;
 *       {@code error}: the call threw something the breaker does not count). Its p50 and p95 are published over
 *       Micrometer's decaying window (about the last two minutes), so they say how the provider is now. A call a
 *       guard kept back never reached the provider and is not timed (the breaker's not-permitted counter and the
 *       bulkhead count those).</li>
 *   <li>{@value #HTTP}: the same calls as an observation (when the service gives its observation registry), so a
 *       timer with the HTTP status of the call's last reply ({@code status}: {@code 200}, {@code 503}...,
 *       {@code none} when no reply was read) beside {@code provider}, {@code operation}, {@code outcome} and
 *       {@code exception} (the thrown exception's simple class name, or {@code none}); {@code error} is
 *       {@code ProviderCallFailed} or {@code none}, because the observation is given a {@link ProviderCallFailed}
 *       (class name and a fixed message, no stack trace) instead of the exception, whose message may quote a request
 *       path or the provider's reply. With tracing, a client span named {@code <provider> <operation>} in the trace
 *       of whatever the call serves (the vend's request, the requery). The span carries these tags and that error
 *       only: never the URL, whose path or query may hold an account or a token.</li>
 * </ul>
 * Tags carry ids and names only, never an account, a reference or an amount.
 */
public final class GuardMetrics {

    /** The provider call timer's name. */
    public static final String CALLS = "vendstream.provider.calls";
    /** The provider call observation's name: its timer, and the client span's name in the trace. */
    public static final String HTTP = "vendstream.provider.http";

    private static final GuardMetrics NONE = new GuardMetrics(null, ObservationRegistry.NOOP, "-");

    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final String guard;

    private GuardMetrics(MeterRegistry meters, ObservationRegistry observations, String guard) {
        this.meters = meters;
        this.observations = observations;
        this.guard = guard;
    }

    /** Nothing measured (tests, tools). */
    public static GuardMetrics none() {
        return NONE;
    }

    /**
     * @param guard which of the service's guards this is ({@code vend}, {@code requery}, {@code verify},
     *              {@code catalogue}, {@code day-report}, {@code payments}, {@code payment-status}...)
     */
    public static GuardMetrics of(MeterRegistry meters, String guard) {
        return of(meters, ObservationRegistry.NOOP, guard);
    }

    /** As {@link #of(MeterRegistry, String)}, each call also observed ({@value #HTTP}: a timer, and a client span). */
    public static GuardMetrics of(MeterRegistry meters, ObservationRegistry observations, String guard) {
        if (meters == null || observations == null || guard == null || guard.isBlank()) {
            throw new IllegalArgumentException("a meter registry, an observation registry and the guard's name are "
                    + "required");
        }
        return new GuardMetrics(meters, observations, guard);
    }

    /** One breaker per provider, tagged with the provider and this guard, bound to the meters when there are any. */
    Map<String, CircuitBreaker> breakers(Collection<String> providers, CircuitBreakerConfig config) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config);
        Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
        for (String provider : providers) {
            breakers.put(provider, registry.circuitBreaker(provider, config,
                    Map.of("provider", provider, "guard", guard)));
        }
        if (meters != null) {
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        }
        return breakers;
    }

    /**
     * {@code call} timed under {@value #CALLS}: {@code failed} says whether an answer counts against the provider,
     * {@code thrownFails} whether something thrown does (as the breaker judges them).
     */
    <T> Supplier<T> timed(String provider, String operation, Supplier<T> call, Predicate<? super T> failed,
                          Predicate<Throwable> thrownFails) {
        if (meters == null) {
            return call;
        }
        return () -> {
            long start = System.nanoTime();
            String outcome = "error";
            String thrown = "none";
            Observation observation = observation(provider, operation).start();
            try (ProviderExchanges.Watch exchanges = ProviderExchanges.watch();
                 Observation.Scope scope = observation.openScope()) {
                try {
                    T result = call.get();
                    outcome = failed.test(result) ? "failure" : "ok";
                    return result;
                } catch (RuntimeException e) {
                    outcome = thrownFails.test(e) ? "failure" : "error";
                    thrown = e.getClass().getSimpleName();
                    // The tracing bridge exports an error's message and stack trace as a span event; a provider's
                    // exception may quote the request path or the provider's reply (accounts, phone numbers), so
                    // the observation gets a stand-in naming only the class. The caller still gets e itself.
                    observation.error(new ProviderCallFailed(provider, operation, e));
                    throw e;
                } finally {
                    timer(provider, operation, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    observation.lowCardinalityKeyValue("outcome", outcome).lowCardinalityKeyValue("exception", thrown)
                            .lowCardinalityKeyValue("status", exchanges.status());
                }
            } finally {
                observation.stop();
            }
        };
    }

    /** A client call to the provider; no carrier: our trace context is not sent to the provider. */
    private Observation observation(String provider, String operation) {
        SenderContext<Object> context = new SenderContext<>((carrier, key, value) -> { }, Kind.CLIENT);
        context.setRemoteServiceName(provider);
        return Observation.createNotStarted(HTTP, () -> context, observations)
                .contextualName(provider + " " + operation)
                .lowCardinalityKeyValue("provider", provider)
                .lowCardinalityKeyValue("operation", operation)
                .lowCardinalityKeyValue("guard", guard);
    }

    private Timer timer(String provider, String operation, String outcome) {
        return Timer.builder(CALLS)
                .description("Calls that reached the provider, by operation and outcome (p50/p95 of the last minutes)")
                .tags("provider", provider, "operation", operation, "outcome", outcome)
                .publishPercentiles(0.5, 0.95)
                .register(meters);
    }
}
