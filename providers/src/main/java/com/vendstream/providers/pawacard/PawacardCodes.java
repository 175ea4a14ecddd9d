package com.vendstream.providers.pawacard;

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
 * Pawacard's codes (seed 004). Three vocabularies share one table, prefixed so they cannot collide:
 * general {@code status:N}, {@code tx:N} for {@code transaction.status}, and the {@code elecNNN} vend
 * codes; {@code throttle} is the per-meter "too soon" reply, which carries no code of its own.
 * Top-level status 1 means "failed, pending": it never fails a vend on its own. The meter throttle is
 * NOT_SENT: another provider vending the same meter at once is what the window exists to stop; 105
 * (the day's cap) does not pass by waiting minutes, so it stays a definite failure.
 */
public final class PawacardCodes {

    public static final CodeTable TABLE = new CodeTable(List.of(
            new CodeRule("elec000", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "successful vend"),
            failed("elec001", FailureClass.DECLINED_BY_PROVIDER, false, "failed vend (threshold or time-based changes)"),
            failed("elec003", FailureClass.DECLINED_BY_PROVIDER, false, "failed along the way before or at Kenya Power"),
            pending("elec100", Decision.REQUERY, "request timed out: fetch the response again"),
            new CodeRule("tx:1", CodeRule.Outcome.SUCCEEDED, null, Decision.DONE, false, "transaction complete"),
            failed("tx:2", FailureClass.DECLINED_BY_PROVIDER, false, "transaction failed"),
            pending("tx:0", Decision.REQUERY, "transaction pending"),
            pending("tx:5", Decision.REQUERY, "transaction pending"),
            pending("status:0", Decision.REQUERY, "successful request: the transaction or token decides"),
            pending("status:1", Decision.REQUERY, "failed request, pending"),
            failed("status:102", FailureClass.INSUFFICIENT_FLOAT, true, "insufficient balance"),
            failed("status:103", FailureClass.VALIDATION, true, "bad reference number"),
            pending("status:104", Decision.REQUERY, "transaction not found (yet): asked again until the deadline"),
            failed("status:105", FailureClass.THROTTLED, true, "meter has reached maximum vends allowed per day"),
            notSent("throttle", VendOutcome.NotSentReason.ACCOUNT_WINDOW, Duration.ofMinutes(5),
                    "meter vended less than 5 minutes ago (\"done too soon\"): nothing vended; wait out the window here"),
            failed("luhn", FailureClass.ACCOUNT, true, "meter number fails the Luhn check (elec100 on verify)")));

    private PawacardCodes() {
    }
}
