package com.vendstream.providers.guard;

import com.vendstream.providers.Decision;
import com.vendstream.providers.dollr.MobileMoneyConnector;
import com.vendstream.providers.mobilemoney.MobileMoneyException;
import com.vendstream.providers.mobilemoney.PaymentOutcome;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A mobile-money connector behind one circuit breaker and one bulkhead for the provider (the same
 * {@link GuardSettings} as the vend guards), shared by every call to it: setup calls, collections, payouts and
 * status lookups. An outage is the provider's, whichever call sees it first; a breaker opened by failing
 * status lookups also keeps collections from being sent into it, where each would end PENDING and need asking
 * after. Each service builds its own (order-service, status-poller, reconciliation).
 *
 * <p>Mobile-money providers report their own trouble as answers (Dollr: a timeout, a 5xx or an unreadable reply
 * is a PENDING outcome with decision REQUERY), so the breaker has its own rule: only an outcome or exception
 * marked {@code providerDown} (no reply, a refused or reset connection, a 5xx, the token endpoint down) counts
 * as a failure. A PENDING or PROCESSING status, a throttle, a refusal or our own invalid input never does. The
 * bulkhead sits outside the breaker, so a full bulkhead (our own back-pressure) never counts either.
 *
 * <p>A call either guard keeps back never reached the provider, and comes back on the paths callers already
 * handle as such: an execution is NOT_SENT with decision RETRY (the payment waits and is sent again with the
 * same reference: never refunded, never executed twice); a setup call throws a passing
 * {@link MobileMoneyException} (UNAVAILABLE, not marked providerDown), which the payment reads as NOT_SENT
 * too. Neither names a wait: the payment's own retry pause decides when it is tried again (an open circuit
 * keeps it back again at no cost, and lets trial calls through after {@code openFor}), so short retry settings
 * keep working. A status lookup kept back is PENDING with decision RETRY (no answer, ask later: never a final
 * state) with the circuit's {@code openFor} (1 s for a full bulkhead) as its wait, so the status poller backs off.
 */
public class GuardedMobileMoney implements MobileMoneyConnector {

    /** When to try a call the full bulkhead turned away. */
    private static final Duration BULKHEAD_RETRY = Duration.ofSeconds(1);

    private final MobileMoneyConnector connector;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final Duration openFor;
    private final GuardMetrics metrics;

    public GuardedMobileMoney(MobileMoneyConnector connector, GuardSettings settings) {
        this(connector, settings, GuardMetrics.none());
    }

    /** A guard whose breaker and provider calls show on {@code metrics}' registry ({@link GuardMetrics}). */
    public GuardedMobileMoney(MobileMoneyConnector connector, GuardSettings settings, GuardMetrics metrics) {
        this.connector = connector;
        this.openFor = settings.openFor();
        this.metrics = metrics;
        this.breaker = metrics.breakers(List.of(connector.id()), CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRatePercent())
                .minimumNumberOfCalls(settings.minimumCalls())
                .slidingWindowSize(Math.max(settings.minimumCalls(), 20))
                .waitDurationInOpenState(settings.openFor())
                .permittedNumberOfCallsInHalfOpenState(2)
                .recordResult(result -> result instanceof PaymentOutcome o && o.providerDown())
                .recordException(GuardedMobileMoney::providerDown)
                .build()).get(connector.id());
        this.bulkhead = Bulkhead.of(connector.id(), BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentCalls())
                .maxWaitDuration(settings.maxWait())
                .build());
    }

    /**
     * A thrown call counts when it says the provider is down; our own refusal of the input (a phone that is
     * not E.164) never does, and anything else unexpected does, as for the vend guards.
     */
    static boolean providerDown(Throwable e) {
        if (e instanceof MobileMoneyException m) {
            return m.providerDown();
        }
        return !(e instanceof IllegalArgumentException);
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    /** The call's result, or what {@code keptBack} makes of the reason it was not let through and the wait. */
    private <T> T guarded(String operation, Supplier<T> call, KeptBack<T> keptBack) {
        Supplier<T> timed = metrics.timed(connector.id(), operation, call,
                result -> result instanceof PaymentOutcome o && o.providerDown(), GuardedMobileMoney::providerDown);
        try {
            return Bulkhead.decorateSupplier(bulkhead, CircuitBreaker.decorateSupplier(breaker, timed)).get();
        } catch (CallNotPermittedException e) {
            return keptBack.answer(connector.id() + " circuit open", openFor);
        } catch (BulkheadFullException e) {
            return keptBack.answer("all call slots to " + connector.id() + " busy", BULKHEAD_RETRY);
        }
    }

    @FunctionalInterface
    private interface KeptBack<T> {
        T answer(String reason, Duration retryAfter);
    }

    private <T> T setup(Supplier<T> call) {
        return guarded("setup", call, (reason, wait) -> {
            throw new MobileMoneyException(MobileMoneyException.Kind.UNAVAILABLE, 0, "kept back: " + reason,
                    Duration.ZERO, false);
        });
    }

    private PaymentOutcome execution(String operation, String referenceId, Supplier<PaymentOutcome> call) {
        return guarded(operation, call, (reason, wait) -> new PaymentOutcome(PaymentOutcome.Status.NOT_SENT,
                referenceId, "not sent: " + reason, null, null, Decision.RETRY, PaymentOutcome.KEPT_BACK, null,
                Duration.ZERO));
    }

    private PaymentOutcome lookup(String referenceId, Supplier<PaymentOutcome> call) {
        return guarded("status", call, (reason, wait) -> new PaymentOutcome(PaymentOutcome.Status.PENDING, referenceId,
                "status not asked: " + reason, null, null, Decision.RETRY, PaymentOutcome.KEPT_BACK, null, wait));
    }

    @Override
    public String id() {
        return connector.id();
    }

    @Override
    public String accessToken() {
        return setup(connector::accessToken);
    }

    @Override
    public long createParty(NewParty party) {
        return setup(() -> connector.createParty(party));
    }

    @Override
    public long createCounterparty(long partyId) {
        return setup(() -> connector.createCounterparty(partyId));
    }

    @Override
    public long createInvoice(NewInvoice invoice) {
        return setup(() -> connector.createInvoice(invoice));
    }

    @Override
    public void addInvoiceItem(long invoiceId, InvoiceItem item) {
        setup(() -> {
            connector.addInvoiceItem(invoiceId, item);
            return null;
        });
    }

    @Override
    public void publishInvoice(long invoiceId) {
        setup(() -> {
            connector.publishInvoice(invoiceId);
            return null;
        });
    }

    @Override
    public FeePreview previewFees(FeeQuery query) {
        return setup(() -> connector.previewFees(query));
    }

    @Override
    public MmoInfo detectMmo(String phone, OperationType operationType) {
        return setup(() -> connector.detectMmo(phone, operationType));
    }

    @Override
    public String createCheckoutSession(long invoiceId) {
        return setup(() -> connector.createCheckoutSession(invoiceId));
    }

    @Override
    public String createPaymentAccount(OperationType operationType, NewPaymentAccount account) {
        return setup(() -> connector.createPaymentAccount(operationType, account));
    }

    @Override
    public PaymentOutcome executeCollection(String sessionId, String paymentAccountId, String currency,
                                            String referenceId) {
        return execution("collection", referenceId, () -> connector.executeCollection(sessionId, paymentAccountId,
                currency, referenceId));
    }

    @Override
    public String createPayoutSession(NewPayoutSession session) {
        return setup(() -> connector.createPayoutSession(session));
    }

    @Override
    public PaymentOutcome executePayout(String sessionId, String payoutAccountId, String referenceId) {
        return execution("payout", referenceId, () -> connector.executePayout(sessionId, payoutAccountId, referenceId));
    }

    @Override
    public PaymentOutcome collectionStatus(String referenceId) {
        return lookup(referenceId, () -> connector.collectionStatus(referenceId));
    }

    @Override
    public PaymentOutcome payoutStatus(String referenceId) {
        return lookup(referenceId, () -> connector.payoutStatus(referenceId));
    }

    @Override
    public Receipt receipt(long invoiceId) {
        return setup(() -> connector.receipt(invoiceId));
    }

    @Override
    public String toString() {
        return "GuardedMobileMoney[" + connector + "]";
    }
}
