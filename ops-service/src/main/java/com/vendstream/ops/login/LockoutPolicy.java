package com.vendstream.ops.login;

import java.time.Duration;

/**
 * {@code maxFailures} failed logins for one user within {@code window} lock the user for {@code lockDuration}.
 * While locked, no password is checked at all (a guesser learns nothing); an OPERATOR may unlock earlier.
 */
public record LockoutPolicy(int maxFailures, Duration window, Duration lockDuration) {

    public LockoutPolicy {
        if (maxFailures < 1 || window == null || window.isNegative() || window.isZero()
                || lockDuration == null || lockDuration.isNegative() || lockDuration.isZero()) {
            throw new IllegalArgumentException("Lockout needs max-failures >= 1 and a positive window and duration");
        }
    }
}
