package com.vendstream.providers;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a provider said about a vend, reduced to the three things vendstream acts on. Anything a
 * transformer cannot classify with certainty must become {@link Pending}: a wrong FAILED refunds a
 * customer who may already have the value.
 */
public sealed interface VendOutcome {

    /** The provider's code as received (string form), or null. */
    String providerCode();

    record Succeeded(String providerCode, String providerTransactionId, String token, String units,
                     List<String> pins, Map<String, String> receipt, Long providerCostMinor) implements VendOutcome {
        public Succeeded {
            pins = pins == null ? List.of() : List.copyOf(pins);
            receipt = receipt == null ? Map.of() : Map.copyOf(receipt);
        }
    }

    /**
     * A definite failure. {@code beforeProcessing} is true only when the provider certainly did not
     * start processing (connection refused, a documented pre-processing rejection), which is the
     * only case in which another provider may be tried.
     */
    record Failed(String providerCode, FailureClass failureClass, String message, boolean beforeProcessing)
            implements VendOutcome {
    }

    /**
     * Not known yet. {@code throttled} says the provider answered with its rate limit (its 429, marked
     * in its code table) or throttled us after the send: whoever asks again should slow down.
     * {@code decision} is the decision column of the code-table row that made it pending: REQUERY (ask for
     * the status with the same reference; the default, and what every answer no row decides means), RETRY
     * (nothing was processed: the same request with the same reference may be sent again) or MANUAL (final
     * as far as the API goes: a person must look). Both are set where the provider's answer is read, never
     * worked out again from {@code providerCode}.
     */
    record Pending(String providerCode, PendingCause cause, String message, String providerTransactionId,
                   boolean throttled, Decision decision) implements VendOutcome {
        public Pending {
            throttled = throttled || cause == PendingCause.THROTTLED_AFTER_SEND;
            decision = decision == null ? Decision.REQUERY : decision;
            if (!CodeRule.Outcome.PENDING.decisions().contains(decision)) {
                throw new IllegalArgumentException("A pending outcome cannot carry decision " + decision);
            }
        }

        public Pending(String providerCode, PendingCause cause, String message, String providerTransactionId,
                       boolean throttled) {
            this(providerCode, cause, message, providerTransactionId, throttled, Decision.REQUERY);
        }

        public Pending(String providerCode, PendingCause cause, String message, String providerTransactionId) {
            this(providerCode, cause, message, providerTransactionId, false);
        }

        /** The pending answer a PENDING code-table row gives, with that row's decision and throttle mark. */
        public static Pending of(CodeRule rule, String providerCode, PendingCause cause, String message,
                                 String providerTransactionId) {
            return new Pending(providerCode, cause, message, providerTransactionId, rule.throttled(), rule.decision());
        }

        /** The same answer, marked as the provider's rate limit. */
        public Pending asThrottled() {
            return new Pending(providerCode, cause, message, providerTransactionId, true, decision);
        }

        /** Whether the provider's answer says a person must look (decision MANUAL) rather than ask again. */
        public boolean needsPerson() {
            return decision == Decision.MANUAL;
        }
    }

    /**
     * Nothing reached the provider's processing, for a reason that passes: our own rate limit or
     * bulkhead, a token endpoint that is throttled or down, an account vended too recently (VTpass 019,
     * a meter's throttle window). Nothing was charged, so the order may be sent again no earlier than
     * {@code retryAfter}, always under a new reference (the provider may remember the refused one).
     * It is never a reason to refund while the order can still wait, and never a provider failure for
     * a circuit breaker.
     */
    record NotSent(String providerCode, NotSentReason reason, String message, Duration retryAfter)
            implements VendOutcome {
        public NotSent {
            retryAfter = retryAfter == null || retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        }
    }

    /** Why a vend was not sent; decides whether another provider may take it meanwhile. */
    enum NotSentReason {
        /** Our own limiter for the provider (e.g. Pagamio's purchases per minute) had no permit. */
        LOCAL_RATE_LIMIT(true),
        /** Too many calls in flight to the provider: back-pressure, not a provider failure. */
        BULKHEAD_FULL(true),
        /** The provider's circuit breaker is open. */
        CIRCUIT_OPEN(true),
        /** The session could not be had: the token endpoint was throttled, down or unreadable. */
        AUTH_UNAVAILABLE(true),
        /** The provider asked us to slow down before looking at the request (HTTP 429). */
        PROVIDER_THROTTLED(true),
        /**
         * The same account was vended moments ago (VTpass 019, a meter's throttle window). Another
         * provider would vend it again at once, which is what the window exists to stop: wait it out here.
         */
        ACCOUNT_WINDOW(false),
        /** The provider refused our reference itself (e.g. VTpass 085, a date that is no longer today). */
        REFERENCE_REFUSED(false);

        private final boolean mayFailOver;

        NotSentReason(boolean mayFailOver) {
            this.mayFailOver = mayFailOver;
        }

        /** Whether another provider may take the order while this one cannot. */
        public boolean mayFailOver() {
            return mayFailOver;
        }
    }

    static Pending pending(PendingCause cause, String code, String message) {
        return new Pending(code, cause, message, null);
    }
}
