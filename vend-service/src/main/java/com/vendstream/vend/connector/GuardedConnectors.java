package com.vendstream.vend.connector;

import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The configured connectors, each behind its own circuit breaker and bulkhead, so that one
 * provider's outage or slowness cannot use up the threads and patience other providers' traffic needs.
 * A call refused by either guard never reached the provider, so it is safe to route elsewhere.
 */
public class GuardedConnectors {

    /** Nothing was sent: the guard refused the call. */
    public record Refused(String provider, String why) {
    }

    private final Map<String, VendConnector> connectors;
    private final Map<String, CircuitBreaker> breakers;
    private final Map<String, Bulkhead> bulkheads;

    public GuardedConnectors(Collection<VendConnector> connectors, int maxConcurrentCallsPerProvider,
                             Duration openFor, float failureRatePercent, int minimumCalls) {
        this.connectors = connectors.stream().collect(Collectors.toMap(VendConnector::id, Function.identity()));
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .minimumNumberOfCalls(minimumCalls)
                .slidingWindowSize(Math.max(minimumCalls, 20))
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(2)
                // A provider that answers, even "failed", is up; silence, resets and 5xx are what open the breaker.
                .recordResult(result -> result instanceof VendOutcome outcome && isInfrastructureFailure(outcome))
                .build();
        BulkheadConfig bulkheadConfig = BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentCallsPerProvider)
                .maxWaitDuration(Duration.ofMillis(200))
                .build();
        this.breakers = this.connectors.keySet().stream()
                .collect(Collectors.toMap(Function.identity(), id -> CircuitBreaker.of(id, breakerConfig)));
        this.bulkheads = this.connectors.keySet().stream()
                .collect(Collectors.toMap(Function.identity(), id -> Bulkhead.of(id, bulkheadConfig)));
    }

    static boolean isInfrastructureFailure(VendOutcome outcome) {
        if (outcome instanceof VendOutcome.Pending p) {
            return switch (p.cause()) {
                case TIMEOUT, CONNECTION_RESET, SERVER_ERROR, UNPARSEABLE_REPLY -> true;
                default -> false;
            };
        }
        // A refused connection: no provider code, nothing processed.
        return outcome instanceof VendOutcome.Failed f && f.beforeProcessing() && f.providerCode() == null;
    }

    public Set<String> ids() {
        return connectors.keySet();
    }

    public Optional<VendConnector> connector(String id) {
        return Optional.ofNullable(connectors.get(id));
    }

    public CircuitBreaker breaker(String id) {
        return breakers.get(id);
    }

    /** Either the provider's outcome, or {@link Refused} when a guard kept the call from leaving. */
    public Object vend(String provider, VendCommand command) {
        VendConnector connector = connectors.get(provider);
        Supplier<VendOutcome> call = () -> connector.vend(command);
        Supplier<VendOutcome> guarded = CircuitBreaker.decorateSupplier(breakers.get(provider),
                Bulkhead.decorateSupplier(bulkheads.get(provider), call));
        try {
            return guarded.get();
        } catch (CallNotPermittedException e) {
            return new Refused(provider, "circuit open");
        } catch (BulkheadFullException e) {
            return new Refused(provider, "too many calls in flight");
        }
    }
}
