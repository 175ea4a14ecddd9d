package com.vendstream.providers;

/**
 * One row of a provider's code table: what a code means for vendstream. A row with outcome FAILED
 * carries the failure class; {@code beforeProcessing} marks codes the provider documents as
 * "not processed", the only failures after which another provider may be tried.
 */
public record CodeRule(String code, Outcome outcome, FailureClass failureClass, Decision decision,
                       boolean beforeProcessing, String meaning) {

    public enum Outcome { SUCCEEDED, FAILED, PENDING }

    public static CodeRule pending(String code, Decision decision, String meaning) {
        return new CodeRule(code, Outcome.PENDING, null, decision, false, meaning);
    }

    public static CodeRule failed(String code, FailureClass failureClass, boolean beforeProcessing, String meaning) {
        return new CodeRule(code, Outcome.FAILED, failureClass, Decision.FAIL, beforeProcessing, meaning);
    }
}
