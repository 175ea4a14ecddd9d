package com.vendstream.providers.pay4power;

import static com.vendstream.providers.CodeRule.failed;
import static com.vendstream.providers.CodeRule.notSent;
import static com.vendstream.providers.CodeRule.pending;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.VendOutcome;
import com.vendstream.providers.support.CodeTable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What Pay4Power's envelope {@code statusCode} (or the HTTP status when the body has none) means.
 * Pay4Power documents only the HTTP split 200/202/400/417 for vends (docs.pay4power.com, vend pages);
 * everything else, including any code missing here, is PENDING and resolved by requery.
 *
 * <p>A requery answers about the lookup first and the transaction second: 200 "Retrieved
 * Successfully" only says the lookup worked, so the transaction's own state is read from
 * {@code data} with {@link #TRANSACTION_STATUSES}, and a 400 on requery is our bad request, not a
 * failed vend.
 */
public final class Pay4PowerCodes {

    public static final CodeTable VEND = new CodeTable(List.of(
            new CodeRule("200", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false,
                    "Success (only with success=true; a prepaid power vend also needs a token)"),
            pending("202", Decision.REQUERY, "Transaction In-Progress"),
            failed("417", FailureClass.DECLINED_BY_PROVIDER, false, "Transaction Failed"),
            failed("400", FailureClass.VALIDATION, true, "Validation Error: rejected before processing"),
            pending("401", Decision.RETRY, "Unauthorized: refresh the token once and resend the same reference"),
            CodeRule.throttled("429", Decision.REQUERY, "Rate limited: not documented whether the vend was looked at"),
            pending("5xx", Decision.REQUERY, "Server error after the request left"),
            pending("timeout", Decision.REQUERY, "No reply within the read timeout"),
            pending("unparseable", Decision.REQUERY, "Reply is not the documented envelope")));

    /**
     * The electricity initiate step ({@code power/initiate}), which only "creates an electricity vending
     * transaction and prepares it for payment": whatever it answers, the vend itself was not sent, so no
     * answer here is pending. A 429 is the HTTP "too many requests" (Pay4Power documents no rate limit and
     * no 429 body; its envelope carries the status as {@code statusCode}): the vend waits and is sent again
     * under a new reference, never refunded for it. A code not in this table is a refusal before processing
     * (the connector's rule), as it always was.
     */
    public static final CodeTable INITIATE = new CodeTable(List.of(
            new CodeRule("200", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false,
                    "Initiated (only with success=true): the vend follows"),
            failed("400", FailureClass.VALIDATION, true, "Validation Error: initiate refused; vend not sent"),
            failed("401", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "Unauthorized even with a fresh token; vend not sent"),
            notSent("429", VendOutcome.NotSentReason.PROVIDER_THROTTLED, Duration.ofMinutes(1),
                    "Rate limited at initiate: the vend was not sent; wait (Retry-After when given), then send anew")));

    public static final CodeTable REQUERY = new CodeTable(List.of(
            new CodeRule("200", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false,
                    "Retrieved Successfully: the outcome is data.status"),
            pending("202", Decision.REQUERY, "Transaction In-Progress"),
            failed("417", FailureClass.DECLINED_BY_PROVIDER, false, "Transaction Failed"),
            pending("400", Decision.MANUAL, "Our requery was invalid; says nothing about the vend"),
            pending("404", Decision.REQUERY, "Reference not known (yet)"),
            pending("401", Decision.RETRY, "Unauthorized: refresh the token once and ask again")));

    /**
     * {@code data.status} words (not documented by Pay4Power; these are the sandbox's and the
     * spellings seen across Nigerian aggregators). A word not listed is PENDING.
     */
    public static final CodeTable TRANSACTION_STATUSES = new CodeTable(List.of(
            new CodeRule("SUCCESSFUL", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "vended"),
            new CodeRule("SUCCESS", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "vended"),
            new CodeRule("COMPLETED", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "vended"),
            new CodeRule("DELIVERED", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "vended"),
            pending("PENDING", Decision.REQUERY, "not concluded"),
            pending("IN_PROGRESS", Decision.REQUERY, "not concluded"),
            pending("PROCESSING", Decision.REQUERY, "not concluded"),
            pending("INITIATED", Decision.REQUERY, "initiated, not yet vended"),
            failed("FAILED", FailureClass.DECLINED_BY_PROVIDER, false, "failed at the provider"),
            failed("DECLINED", FailureClass.DECLINED_BY_PROVIDER, false, "declined by the provider"),
            failed("REVERSED", FailureClass.DECLINED_BY_PROVIDER, false, "reversed to our wallet")));

    private Pay4PowerCodes() {
    }

    public static Optional<CodeRule> vend(int statusCode) {
        return Optional.ofNullable(VEND.rule(key(statusCode)).orElse(null));
    }

    /** Pay4Power's rate limit (its 429, as the HTTP status or the envelope's statusCode), on a vend or a requery. */
    static boolean throttled(int statusCode) {
        return VEND.throttled(key(statusCode));
    }

    public static Optional<CodeRule> initiate(int statusCode) {
        return INITIATE.rule(key(statusCode));
    }

    public static Optional<CodeRule> requery(int statusCode) {
        return Optional.ofNullable(REQUERY.rule(key(statusCode)).orElse(null));
    }

    public static Optional<CodeRule> transactionStatus(String status) {
        if (status == null) {
            return Optional.empty();
        }
        String word = status.trim().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        return Optional.ofNullable(TRANSACTION_STATUSES.rule(word).orElse(null));
    }

    private static String key(int statusCode) {
        return statusCode >= 500 && statusCode <= 599 ? "5xx" : Integer.toString(statusCode);
    }
}
