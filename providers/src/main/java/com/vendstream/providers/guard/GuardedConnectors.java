package com.vendstream.providers.guard;

import com.vendstream.providers.AccountVerification;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.PendingCause;
import com.vendstream.providers.RequeryCommand;
import com.vendstream.providers.VendCommand;
import com.vendstream.providers.VendConnector;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.VerifyCommand;
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
 * Guarded are vend-service's vends, status-poller's vend requeries, reconciliation's connector day
 * reports and order-service's account lookups and catalogue listings, each service with its own instance and
 * settings ({@link GuardSettings}). Mobile-money calls have their own guard
 * ({@link GuardedMobileMoney}).
 *
 * <p>A call either guard keeps back never reached the provider, so it comes back as
 * {@link VendOutcome.NotSent}: the order waits (or goes to another provider), it is never refunded
 * for it; a requery kept back is no answer, asked again later. The bulkhead sits outside the breaker,
 * so a full bulkhead, which is our own back-pressure, is never counted as a provider failure; nor is
 * any other NotSent. A call that throws counts as a failure of the provider.
 *
 * <p>Which outcomes count as failures depends on the call. A vend counts silence (timeouts), resets, 5xx,
 * unreadable replies and refused connections ({@link #isInfrastructureFailure}). A requery counts only what
 * says the provider is down: refused or reset connections and 5xx ({@link #isProviderDown}); a requery's
 * timeout or unreadable reply is about the stuck transaction being asked after, not the provider.
 */
public class GuardedConnectors {

    private final Map<String, VendConnector> connectors;
    private final Map<String, CircuitBreaker> breakers;
    private final Map<String, Bulkhead> bulkheads;
    private final Duration openFor;
    private final Duration bulkheadRetry;
    private final Duration bulkheadWait;
    private final GuardMetrics metrics;

    public GuardedConnectors(Collection<VendConnector> connectors, GuardSettings settings) {
        this(connectors, settings, GuardMetrics.none());
    }

    /** Guards whose breakers and provider calls show on {@code metrics}' registry ({@link GuardMetrics}). */
    public GuardedConnectors(Collection<VendConnector> connectors, GuardSettings settings, GuardMetrics metrics) {
        this(connectors, settings.maxConcurrentCalls(), settings.maxWait(), settings.openFor(),
                settings.failureRatePercent(), settings.minimumCalls(), metrics);
    }

    public GuardedConnectors(Collection<VendConnector> connectors, int maxConcurrentCallsPerProvider,
                             Duration openFor, float failureRatePercent, int minimumCalls) {
        this(connectors, maxConcurrentCallsPerProvider, Duration.ofSeconds(10), openFor, failureRatePercent, minimumCalls);
    }

    /**
     * @param bulkheadWait how long a vend waits for one of the provider's call slots before it is put
     *                     back to wait in the store (back-pressure: the batch, and so the partition, waits)
     */
    public GuardedConnectors(Collection<VendConnector> connectors, int maxConcurrentCallsPerProvider,
                             Duration bulkheadWait, Duration openFor, float failureRatePercent, int minimumCalls) {
        this(connectors, maxConcurrentCallsPerProvider, bulkheadWait, openFor, failureRatePercent, minimumCalls,
                GuardMetrics.none());
    }

    private GuardedConnectors(Collection<VendConnector> connectors, int maxConcurrentCallsPerProvider,
                              Duration bulkheadWait, Duration openFor, float failureRatePercent, int minimumCalls,
                              GuardMetrics metrics) {
        this.metrics = metrics;
        this.connectors = connectors.stream().collect(Collectors.toMap(VendConnector::id, Function.identity()));
        this.openFor = openFor;
        this.bulkheadRetry = Duration.ofSeconds(1);
        this.bulkheadWait = bulkheadWait;
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRatePercent)
                .minimumNumberOfCalls(minimumCalls)
                .slidingWindowSize(Math.max(minimumCalls, 20))
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(2)
                // A provider that answers, even "failed", is up; silence, resets and 5xx are what open the breaker.
                // A requery arrives already judged by its own, narrower rule (isProviderDown).
                .recordResult(result -> result instanceof Judged judged ? judged.providerDown()
                        : result instanceof VendOutcome outcome && isInfrastructureFailure(outcome))
                .build();
        BulkheadConfig bulkheadConfig = BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentCallsPerProvider)
                .maxWaitDuration(bulkheadWait)
                .build();
        this.breakers = metrics.breakers(this.connectors.keySet(), breakerConfig);
        this.bulkheads = this.connectors.keySet().stream()
                .collect(Collectors.toMap(Function.identity(), id -> Bulkhead.of(id, bulkheadConfig)));
    }

    public static boolean isInfrastructureFailure(VendOutcome outcome) {
        if (outcome instanceof VendOutcome.Pending p) {
            return switch (p.cause()) {
                case TIMEOUT, CONNECTION_RESET, SERVER_ERROR, UNPARSEABLE_REPLY -> true;
                default -> false;
            };
        }
        // A refused connection: no provider code, nothing processed. Our own refusals before sending (an
        // order without a phone, a product the connector does not sell) carry other classes: not the provider's fault.
        return outcome instanceof VendOutcome.Failed f && f.beforeProcessing() && f.providerCode() == null
                && f.failureClass() == FailureClass.DECLINED_BY_PROVIDER;
    }

    /**
     * Whether a requery's outcome says the provider itself is down: the connection refused or reset, or a
     * 5xx. Only these count against a provider's breaker for requeries. A timeout or an unreadable reply
     * on a requery is about one troubled transaction (the reason it is being requeried), and a reply naming
     * another reference is an echo to distrust, not an outage: counted, a handful of stuck references would
     * open the circuit and hold back every requery to the provider, including those that would resolve orders.
     */
    public static boolean isProviderDown(VendOutcome outcome) {
        if (outcome instanceof VendOutcome.Pending p) {
            return p.cause() == PendingCause.CONNECTION_RESET || p.cause() == PendingCause.SERVER_ERROR;
        }
        return outcome instanceof VendOutcome.Failed f && f.beforeProcessing() && f.providerCode() == null
                && f.failureClass() == FailureClass.DECLINED_BY_PROVIDER;
    }

    /** A requery's outcome with the breaker's verdict on it, so the breaker records it by the requery rule. */
    private record Judged(VendOutcome outcome, boolean providerDown) {
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

    /** How long a vend waits for one of a provider's call slots before it is turned away. */
    public Duration bulkheadWait() {
        return bulkheadWait;
    }

    public Bulkhead bulkhead(String id) {
        return bulkheads.get(id);
    }

    /** The provider's outcome, or {@link VendOutcome.NotSent} when a guard kept the call from leaving. */
    public VendOutcome vend(String provider, VendCommand command) {
        VendConnector connector = connectors.get(provider);
        return guard(provider, metrics.timed(provider, "vend", () -> connector.vend(command),
                GuardedConnectors::isInfrastructureFailure, thrown -> true), keptBack -> keptBack);
    }

    /**
     * The requery's outcome, or {@link VendOutcome.NotSent} when a guard kept it from leaving (no answer).
     * Only an outcome that says the provider is down ({@link #isProviderDown}) counts against its breaker.
     */
    public VendOutcome requery(String provider, RequeryCommand command) {
        VendConnector connector = connectors.get(provider);
        return guard(provider, metrics.timed(provider, "requery", () -> {
            VendOutcome outcome = connector.requery(command);
            return new Judged(outcome, isProviderDown(outcome));
        }, Judged::providerDown, thrown -> true), keptBack -> new Judged(keptBack, false)).outcome();
    }

    /**
     * An account lookup at {@code provider} behind its guards: {@code answered} is given the provider's answer,
     * {@code keptBack} the guards' {@link VendOutcome.NotSent} when they kept the lookup from leaving.
     *
     * <p>An UNAVAILABLE answer counts against the breaker only when it says the provider is down
     * ({@link AccountVerification#providerDown()}: no connection, no reply, a reset, a 5xx), as a lookup that throws
     * does; a throttle, a refusal or a code the connector cannot read is a provider that answered. Unlike a vend kept back, a lookup kept back costs nothing but an answer the
     * merchant would not have had anyway; VALID and INVALID are a provider that is up.
     */
    public <T> T verify(String provider, VerifyCommand command, Function<AccountVerification, T> answered,
                        Function<VendOutcome.NotSent, T> keptBack) {
        VendConnector connector = connectors.get(provider);
        Lookup lookup;
        try {
            lookup = guard(provider, metrics.timed(provider, "verify", () -> {
                AccountVerification answer = connector.verify(command);
                if (answer.status() == AccountVerification.Status.UNAVAILABLE && answer.providerDown()) {
                    throw new Unanswered(answer);
                }
                return new Lookup(answer, null);
            }, lookedUp -> false, thrown -> true), notSent -> new Lookup(null, notSent));
        } catch (Unanswered unanswered) {
            lookup = new Lookup(unanswered.answer, null);
        }
        return lookup.keptBack() != null ? keptBack.apply(lookup.keptBack()) : answered.apply(lookup.answer());
    }

    /** A lookup's answer, or the guards' reason for not asking. */
    private record Lookup(AccountVerification answer, VendOutcome.NotSent keptBack) {
    }

    /**
     * Carries an UNAVAILABLE lookup out through the breaker, which records what throws as a failure; the
     * breaker's result rule stays the vends' and requeries'.
     */
    private static final class Unanswered extends RuntimeException {
        private final transient AccountVerification answer;

        Unanswered(AccountVerification answer) {
            super(answer.message(), null, false, false);
            this.answer = answer;
        }
    }

    /**
     * Any call to {@code provider} (a connector's extra capability, such as its day report) behind the
     * same guards; {@code keptBack} answers for a call they did not let leave.
     */
    public <T> T call(String provider, Supplier<T> call, Function<VendOutcome.NotSent, T> keptBack) {
        return call(provider, "call", call, keptBack);
    }

    /**
     * {@link #call(String, Supplier, Function)} timed as {@code operation} ({@code catalogue}, {@code day-report}:
     * a name, never data) under {@link GuardMetrics#CALLS}; whatever it throws counts against the provider, as
     * its breaker counts it.
     */
    public <T> T call(String provider, String operation, Supplier<T> call, Function<VendOutcome.NotSent, T> keptBack) {
        return guard(provider, metrics.timed(provider, operation, call, answered -> false, thrown -> true), keptBack);
    }

    private <T> T guard(String provider, Supplier<T> call, Function<VendOutcome.NotSent, T> keptBack) {
        Supplier<T> guarded = Bulkhead.decorateSupplier(bulkheads.get(provider),
                CircuitBreaker.decorateSupplier(breakers.get(provider), call));
        try {
            return guarded.get();
        } catch (CallNotPermittedException e) {
            return keptBack.apply(new VendOutcome.NotSent(null, VendOutcome.NotSentReason.CIRCUIT_OPEN,
                    provider + " circuit open", openFor));
        } catch (BulkheadFullException e) {
            return keptBack.apply(new VendOutcome.NotSent(null, VendOutcome.NotSentReason.BULKHEAD_FULL,
                    "all call slots to " + provider + " busy", bulkheadRetry));
        }
    }
}
