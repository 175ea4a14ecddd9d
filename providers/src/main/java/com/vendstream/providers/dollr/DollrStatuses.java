package com.vendstream.providers.dollr;

import static com.vendstream.providers.CodeRule.failed;
import static com.vendstream.providers.CodeRule.pending;

import com.vendstream.providers.CodeRule;
import com.vendstream.providers.Decision;
import com.vendstream.providers.FailureClass;
import com.vendstream.providers.support.CodeTable;
import java.util.List;

/**
 * Dollr's execution statuses and HTTP answers, and what each means for a collection or payout
 * (docs.heydollr.app: api/executions, api-conventions, reference/error-catalog). A status word not
 * in the table is PENDING: a wrong FAILED would release goods that were not paid for, or a refund
 * twice. Rows whose decision is RETRY reached none of Dollr's processing: the execution is
 * NOT_SENT and may be sent again, with the same reference, once the wait is over.
 */
public final class DollrStatuses {

    public static final CodeTable TABLE = new CodeTable(List.of(
            pending("PENDING", Decision.REQUERY, "accepted, not yet sent to the wallet provider"),
            pending("PROCESSING", Decision.REQUERY, "at the wallet provider; MoMo may stay here several minutes"),
            new CodeRule("COMPLETED", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "money moved"),
            failed("FAILED", FailureClass.DECLINED_BY_PROVIDER, false, "failed; the reason is gateway_message"),
            pending("HTTP 401", Decision.RETRY,
                    "token expired or revoked: renew once and resend the same reference; still 401 = not sent"),
            failed("HTTP 403", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true,
                    "verification (KYC/KYB) or permission missing, or payout passcode refused"),
            failed("HTTP 404", FailureClass.VALIDATION, true, "session or account not found: nothing executed"),
            failed("HTTP 422", FailureClass.VALIDATION, true, "request invalid: nothing executed"),
            pending("HTTP 422 duplicate", Decision.REQUERY,
                    "reference_id already used: the first attempt may have landed, ask its status"),
            CodeRule.throttled("HTTP 429", Decision.RETRY,
                    "rate limited before processing: wait Retry-After, same reference; still 429 = not sent"),
            pending("HTTP 5xx", Decision.REQUERY, "server error after the request left"),
            pending("TIMEOUT", Decision.REQUERY, "no reply; the execution may have landed"),
            pending("UNPARSEABLE", Decision.REQUERY, "reply not understood"),
            pending("NOT SENT", Decision.RETRY,
                    "connection refused, or no token for now (token endpoint throttled or down): nothing reached Dollr"),
            failed("CREDENTIALS REFUSED", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true,
                    "the token endpoint refused our client credentials: nothing was executed"),
            pending("STATUS HTTP 404", Decision.REQUERY, "status of an unknown reference: not landed (yet)")));

    private DollrStatuses() {
    }

    /** The row for an HTTP status of an execution. */
    static CodeRule http(int status, boolean duplicate) {
        String key = status >= 500 ? "HTTP 5xx" : duplicate ? "HTTP 422 duplicate" : "HTTP " + status;
        return TABLE.rule(key).orElse(pending("HTTP " + status, Decision.REQUERY, "unexpected HTTP status"));
    }

    static CodeRule status(String word) {
        return word == null ? null : TABLE.rule(word.trim().toUpperCase(java.util.Locale.ROOT)).orElse(null);
    }
}
