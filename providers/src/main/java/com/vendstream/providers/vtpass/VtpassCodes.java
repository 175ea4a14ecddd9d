package com.vendstream.providers.vtpass;

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
import java.util.Optional;

/**
 * VTpass's response codes (vtpass.com/documentation/response-codes) and what each means for a vend.
 * VTpass's own rule: any response that differs from the guidelines is pending and must be requeried,
 * so a code not in this table is PENDING, never FAILED. 000 is decided by the inner
 * content.transactions.status, not by this table. 019 and 085 are NOT_SENT: nothing was processed
 * and VTpass will take the order later (after the 30-second window; under a request_id dated today),
 * so the order waits here instead of failing over or being refunded.
 */
public final class VtpassCodes {

    public static final CodeTable TABLE = new CodeTable(List.of(
            pending("000", Decision.REQUERY, "TRANSACTION PROCESSED: outcome is the inner transaction status"),
            pending("099", Decision.REQUERY, "TRANSACTION IS PROCESSING"),
            pending("001", Decision.REQUERY, "TRANSACTION QUERY: look at the inner status"),
            pending("044", Decision.MANUAL, "TRANSACTION RESOLVED: contact VTpass"),
            pending("014", Decision.REQUERY, "REQUEST ID ALREADY EXIST: the original may have gone through"),
            pending("015", Decision.REQUERY, "INVALID REQUEST ID: no such request (yet): asked again until the deadline"),
            pending("083", Decision.REQUERY, "SYSTEM ERROR"),
            pending("089", Decision.REQUERY, "REQUEST IS PROCESSING, PLEASE WAIT"),
            failed("091", FailureClass.DECLINED_BY_PROVIDER, true, "TRANSACTION NOT PROCESSED: not charged"),
            failed("016", FailureClass.DECLINED_BY_PROVIDER, false, "TRANSACTION FAILED"),
            failed("040", FailureClass.DECLINED_BY_PROVIDER, false, "TRANSACTION REVERSAL to wallet"),
            failed("010", FailureClass.VALIDATION, true, "VARIATION CODE DOES NOT EXIST"),
            failed("011", FailureClass.VALIDATION, true, "INVALID ARGUMENTS"),
            failed("012", FailureClass.VALIDATION, true, "PRODUCT DOES NOT EXIST"),
            failed("013", FailureClass.VALIDATION, true, "BELOW MINIMUM AMOUNT ALLOWED"),
            failed("017", FailureClass.VALIDATION, true, "ABOVE MAXIMUM AMOUNT ALLOWED"),
            failed("020", FailureClass.VALIDATION, true, "BILLER CONFIRMED (a verification code seen on purchase)"),
            failed("031", FailureClass.VALIDATION, true, "BELOW MINIMUM QUANTITY ALLOWED"),
            failed("032", FailureClass.VALIDATION, true, "ABOVE MINIMUM QUANTITY ALLOWED"),
            notSent("085", VendOutcome.NotSentReason.REFERENCE_REFUSED, Duration.ZERO,
                    "IMPROPER REQUEST ID: our request_id itself (e.g. its date no longer today in Lagos); resend under a new one"),
            failed("025", FailureClass.ACCOUNT, true, "RECIPIENT BANK INVALID"),
            failed("026", FailureClass.ACCOUNT, true, "RECIPIENT ACCOUNT COULD NOT BE VERIFIED"),
            failed("018", FailureClass.INSUFFICIENT_FLOAT, true, "LOW WALLET BALANCE"),
            failed("021", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "ACCOUNT LOCKED"),
            failed("022", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "ACCOUNT SUSPENDED"),
            failed("023", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "API ACCESS NOT ENABLE FOR USER"),
            failed("024", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "ACCOUNT INACTIVE"),
            failed("027", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "IP NOT WHITELISTED"),
            failed("028", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "PRODUCT IS NOT WHITELISTED ON YOUR ACCOUNT"),
            failed("087", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "INVALID CREDENTIALS"),
            notSent("019", VendOutcome.NotSentReason.ACCOUNT_WINDOW, Duration.ofSeconds(35),
                    "LIKELY DUPLICATE TRANSACTION (same biller code within 30 s): wait out the window, resend here"),
            failed("030", FailureClass.DECLINED_BY_PROVIDER, true, "BILLER NOT REACHABLE AT THIS POINT"),
            failed("034", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "SERVICE SUSPENDED"),
            failed("035", FailureClass.NOT_AVAILABLE_TO_MERCHANT, true, "SERVICE INACTIVE")));

    /**
     * {@code content.transactions.status} of a 000 or 001 reply, lower case: the vend's own state.
     * "resolved" is VTpass staff closing a stuck transaction; its result is not in the body, so a person
     * asks them. Any other word (initiated, pending, none) is PENDING: requery.
     */
    public static final CodeTable TRANSACTION_STATUSES = new CodeTable(List.of(
            new CodeRule("delivered", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "value delivered"),
            failed("failed", FailureClass.DECLINED_BY_PROVIDER, false, "transaction failed"),
            failed("reversed", FailureClass.DECLINED_BY_PROVIDER, false, "transaction reversed"),
            pending("resolved", Decision.MANUAL, "transaction resolved by VTpass staff: ask them")));

    private VtpassCodes() {
    }

    public static Optional<CodeRule> rule(String code) {
        return TABLE.rule(code);
    }
}
