package com.vendstream.order.account;

import com.vendstream.order.Inputs;
import java.util.Optional;

/**
 * What a well-formed account is for a biller's account kind: the one rule that order placement (both
 * intakes) and account verification apply, so that an account verification refuses is never ordered.
 *
 * <ul>
 *   <li>PHONE: an optional '+' and 8 to 15 digits, nothing else (no spaces, letters or symbols), since it is
 *       sent to the provider as it is. Deliberately not the country's mobile numbering plan: numbers move
 *       between networks and plans change, and the providers' documented test numbers (e.g. the sandbox's
 *       {@code 201000000000}, {@code 41700000001}) are not real numbers. Verification adds the country check
 *       on top ({@link PhoneNumbers}), because there a person is asking whether a number looks right.</li>
 *   <li>Kenya Power prepaid meters (METER, KES, item {@code prepaid}): the Luhn check digit ({@link Luhn}).</li>
 * </ul>
 * Every account is printable ASCII besides (checked with the order's or the request's shape).
 */
public final class AccountRules {

    private AccountRules() {
    }

    /** Why the account is not one of this kind, in words for the merchant (never repeating it); empty when it is. */
    public static Optional<String> problem(String accountKind, String currency, String itemId, String account) {
        if ("PHONE".equals(accountKind) && !Inputs.matches(Inputs.PHONE, account)) {
            return Optional.of("Not a phone number: an optional + and 8 to 15 digits, nothing else");
        }
        if ("METER".equals(accountKind) && "KES".equals(currency) && "prepaid".equals(itemId) && !Luhn.valid(account)) {
            return Optional.of("The meter number fails its check digit (Luhn); check it and try again");
        }
        return Optional.empty();
    }
}
