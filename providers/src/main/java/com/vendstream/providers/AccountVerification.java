package com.vendstream.providers;

import java.util.Map;

/**
 * Result of an account lookup.
 *
 * @param status VALID, INVALID (the provider says the account is wrong) or UNAVAILABLE (could not ask)
 * @param details what the provider returned that a customer should see: address, arrears, minimum
 *                purchase (minor units), current bouquet, due date, balance
 * @param providerDown for UNAVAILABLE, whether the provider itself is down (no connection, no reply, a reset, a
 *                     5xx): only such lookups count against its breaker; a throttle, a refusal or a code the
 *                     connector cannot read is a provider that answered
 */
public record AccountVerification(Status status, String customerName, Map<String, String> details,
                                  String verificationReference, String message, boolean providerDown) {

    public enum Status { VALID, INVALID, UNAVAILABLE }

    public AccountVerification {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static AccountVerification invalid(String message) {
        return new AccountVerification(Status.INVALID, null, Map.of(), null, message);
    }

    public AccountVerification(Status status, String customerName, Map<String, String> details,
                               String verificationReference, String message) {
        this(status, customerName, details, verificationReference, message, false);
    }

    /** The provider answered, but not with a verdict on the account (a throttle, a code we cannot read). */
    public static AccountVerification unavailable(String message) {
        return new AccountVerification(Status.UNAVAILABLE, null, Map.of(), null, message, false);
    }

    /** No verdict, and the provider looks down (no connection, no reply, a reset, a 5xx). */
    public static AccountVerification unavailable(String message, boolean providerDown) {
        return new AccountVerification(Status.UNAVAILABLE, null, Map.of(), null, message, providerDown);
    }
}
