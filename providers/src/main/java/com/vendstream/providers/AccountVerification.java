package com.vendstream.providers;

import java.util.Map;

/**
 * Result of an account lookup.
 *
 * @param status VALID, INVALID (the provider says the account is wrong) or UNAVAILABLE (could not ask)
 * @param details what the provider returned that a customer should see: address, arrears, minimum
 *                purchase (minor units), current bouquet, due date, balance
 */
public record AccountVerification(Status status, String customerName, Map<String, String> details,
                                  String verificationReference, String message) {

    public enum Status { VALID, INVALID, UNAVAILABLE }

    public AccountVerification {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static AccountVerification invalid(String message) {
        return new AccountVerification(Status.INVALID, null, Map.of(), null, message);
    }

    public static AccountVerification unavailable(String message) {
        return new AccountVerification(Status.UNAVAILABLE, null, Map.of(), null, message);
    }
}
