package com.vendstream.poller.requery;

import com.vendstream.providers.Masking;
import java.time.Instant;

/**
 * One requery and what the provider replied, kept on the schedule (the newest {@link #KEPT}) for the person
 * who settles an unresolved vend, and carried by VendUnresolved. Never a token, PIN or customer's number:
 * a success keeps no text at all, other texts have every long number masked and are cut to
 * {@link #DETAIL_MAX} characters.
 *
 * @param providerCode the provider's code as sent; null when it gave none
 * @param decision     {@link Answer#decision()}
 */
public record Reply(Instant at, String providerCode, String decision, String detail) {

    /** How many replies a schedule keeps (the newest). */
    public static final int KEPT = 50;
    static final int DETAIL_MAX = 500;

    static Reply of(Answer answer, Instant at) {
        String detail = answer instanceof Answer.Final f && f.success() ? null : answer.message();
        return new Reply(at, answer.code(), answer.decision(), safe(detail));
    }

    /** A requery that was not sent at all (the provider asked us to pause). */
    static Reply notAsked(Instant at, String why) {
        return new Reply(at, null, Answer.NO_ANSWER, why);
    }

    private static String safe(String text) {
        String masked = Masking.numbers(text);
        return masked == null || masked.length() <= DETAIL_MAX ? masked : masked.substring(0, DETAIL_MAX - 1) + "…";
    }
}
