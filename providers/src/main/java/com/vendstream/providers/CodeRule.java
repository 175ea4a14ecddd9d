package com.vendstream.providers;

import java.time.Duration;

/**
 * One row of a provider's code table: what a code means for vendstream. A row with outcome FAILED
 * carries the failure class; {@code beforeProcessing} marks codes the provider documents as
 * "not processed", the only failures after which another provider may be tried. A NOT_SENT row
 * (decision WAIT) says nothing was processed for a reason that passes: it carries the
 * {@link VendOutcome.NotSentReason} and how long to wait before sending again under a new reference.
 * {@code throttled} marks the provider's rate-limit answer (its 429): the one place a provider's
 * throttling is recognised, carried on as {@link VendOutcome.Pending#throttled()} or
 * {@link VendOutcome.NotSentReason#PROVIDER_THROTTLED} so that callers never compare codes.
 */
public record CodeRule(String code, Outcome outcome, FailureClass failureClass, Decision decision,
                       boolean beforeProcessing, String meaning, VendOutcome.NotSentReason notSentReason,
                       Duration retryAfter, boolean throttled) {

    /** What the code makes of the call, with the decisions that agree with it. */
    public enum Outcome {
        SUCCEEDED(Decision.DONE),
        FAILED(Decision.FAIL),
        /** Requeried with the same reference; RETRY and MANUAL say how (resend once, or a person must look). */
        PENDING(Decision.REQUERY, Decision.RETRY, Decision.MANUAL),
        NOT_SENT(Decision.WAIT);

        private final java.util.Set<Decision> decisions;

        Outcome(Decision first, Decision... more) {
            this.decisions = java.util.Collections.unmodifiableSet(java.util.EnumSet.of(first, more));
        }

        public java.util.Set<Decision> decisions() {
            return decisions;
        }
    }

    public CodeRule {
        throttled = throttled || notSentReason == VendOutcome.NotSentReason.PROVIDER_THROTTLED;
        if (!outcome.decisions().contains(decision)) {
            // The two columns say one thing twice; a row where they disagree would act on one and document the other.
            throw new IllegalArgumentException("Code " + code + ": decision " + decision + " contradicts outcome "
                    + outcome + " (allowed: " + outcome.decisions() + ")");
        }
    }

    public CodeRule(String code, Outcome outcome, FailureClass failureClass, Decision decision,
                    boolean beforeProcessing, String meaning, VendOutcome.NotSentReason notSentReason,
                    Duration retryAfter) {
        this(code, outcome, failureClass, decision, beforeProcessing, meaning, notSentReason, retryAfter, false);
    }

    public CodeRule(String code, Outcome outcome, FailureClass failureClass, Decision decision,
                    boolean beforeProcessing, String meaning) {
        this(code, outcome, failureClass, decision, beforeProcessing, meaning, null, null);
    }

    public static CodeRule pending(String code, Decision decision, String meaning) {
        return new CodeRule(code, Outcome.PENDING, null, decision, false, meaning);
    }

    /** The provider's rate-limit answer (its 429), PENDING with {@code decision}: callers back off on it. */
    public static CodeRule throttled(String code, Decision decision, String meaning) {
        return new CodeRule(code, Outcome.PENDING, null, decision, false, meaning, null, null, true);
    }

    public static CodeRule failed(String code, FailureClass failureClass, boolean beforeProcessing, String meaning) {
        return new CodeRule(code, Outcome.FAILED, failureClass, Decision.FAIL, beforeProcessing, meaning);
    }

    /** Not processed, and it passes: wait {@code retryAfter} (the connector may know better), then send anew. */
    public static CodeRule notSent(String code, VendOutcome.NotSentReason reason, Duration retryAfter, String meaning) {
        return new CodeRule(code, Outcome.NOT_SENT, null, Decision.WAIT, true, meaning, reason, retryAfter);
    }
}
