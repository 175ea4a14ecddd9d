package com.vendstream.providers.pagamio;

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

/**
 * Pagamio's codes (vas-api-docs.pagamio.tech error-code reference, purchase and first-request pages)
 * and what each means for a vend. The provider-transient 12xx codes are pending: Pagamio says to poll
 * before any retry. 409 and 1006 mean a transaction with this reference may already exist. A 429 that
 * outlasts the connector's retries was never processed: the order waits and is sent again.
 */
public final class PagamioCodes {

    public static final CodeTable TABLE = new CodeTable(List.of(
            new CodeRule("0", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "Purchase successful"),
            failed("999", FailureClass.DECLINED_BY_PROVIDER, false, "Purchase failed"),
            failed("1000", FailureClass.VALIDATION, true, "Product not supported"),
            failed("1001", FailureClass.VALIDATION, true, "Required fields missing"),
            failed("1002", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "Product inactive"),
            failed("1003", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "Product not available on channel"),
            failed("1004", FailureClass.VALIDATION, true, "Invalid purchase amount"),
            failed("1005", FailureClass.VALIDATION, true, "Invalid phone number format"),
            pending("1006", Decision.REQUERY, "Duplicate transaction found: the original may have gone through"),
            failed("1007", FailureClass.VALIDATION, true, "Invalid tender amount"),
            failed("1008", FailureClass.VALIDATION, true, "Invalid fields format"),
            failed("1009", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "This product is not available for your account"),
            failed("1010", FailureClass.VALIDATION, true, "Invalid product"),
            failed("1100", FailureClass.ACCOUNT, true, "Invalid account details"),
            failed("1101", FailureClass.ACCOUNT, true, "Account not found"),
            failed("1102", FailureClass.ACCOUNT, true, "Customer not found"),
            failed("1103", FailureClass.INSUFFICIENT_FLOAT, true, "Insufficient balance"),
            failed("1104", FailureClass.ACCOUNT, true, "Invalid meter number"),
            failed("1105", FailureClass.ACCOUNT, true, "Customer blocked"),
            failed("1106", FailureClass.ACCOUNT, true, "Customer has arrears"),
            failed("1107", FailureClass.ACCOUNT, true, "Meter request not allowed"),
            pending("1200", Decision.REQUERY, "Provider processing error"),
            pending("1201", Decision.REQUERY, "Provider system error"),
            pending("1202", Decision.REQUERY, "Provider unavailable"),
            failed("1203", FailureClass.DECLINED_BY_PROVIDER, false, "Transaction failed at provider"),
            pending("1204", Decision.REQUERY, "Transaction timeout: check status before retry"),
            pending("1205", Decision.REQUERY, "Already processed: the original's status decides"),
            failed("1206", FailureClass.DECLINED_BY_PROVIDER, true, "Out of stock"),
            failed("1300", FailureClass.VALIDATION, true, "Invalid phone number format / required field"),
            pending("409", Decision.MANUAL, "Duplicate merchantReference with different content: the original stands"),
            notSent("429", VendOutcome.NotSentReason.PROVIDER_THROTTLED, Duration.ofMinutes(1),
                    "Rate limit exceeded for /purchase, still after retrying with backoff: nothing processed")));

    private PagamioCodes() {
    }
}
