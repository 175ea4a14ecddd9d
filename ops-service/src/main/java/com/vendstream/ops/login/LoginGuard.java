package com.vendstream.ops.login;

import java.time.Instant;

/**
 * The recent failed logins and lock of one typed name, as stored under the name's keyed hash ({@code id}, see
 * {@link LoginGuardStore#idOf}). {@code version} makes every change a compare-and-set. {@code lockTicket} is the
 * version whose attempt set the lock in force: that attempt alone may still succeed (its own count locked the
 * name, then its password proved right); any other success meets the lock.
 */
public record LoginGuard(String id, int failures, Instant firstFailureAt, Instant lockedUntil, long lockTicket,
                         long version) {

    /** A name with no failure on record (not stored yet: version 0). */
    public static LoginGuard fresh(String id) {
        return new LoginGuard(id, 0, null, null, 0, 0);
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /**
     * After one more attempt counted as a failure at {@code now}. Attempts are counted before their password is
     * checked (a ticket), so parallel guesses cannot outrun the count. While a lock is in force nothing changes:
     * a failure never clears, restarts or shortens a lock. Otherwise the attempt is counted within the policy's
     * window (an older count, or an expired lock, starts again at one); the {@code maxFailures}-th locks the name
     * and clears the count, so an expired lock gives a fresh set of attempts.
     */
    public LoginGuard afterFailure(Instant now, LockoutPolicy policy) {
        if (lockedAt(now)) {
            return this;
        }
        boolean startAgain = firstFailureAt == null || !now.isBefore(firstFailureAt.plus(policy.window()))
                || lockedUntil != null;
        int count = startAgain ? 1 : failures + 1;
        if (count >= policy.maxFailures()) {
            return new LoginGuard(id, 0, null, now.plus(policy.lockDuration()), version + 1, version + 1);
        }
        return new LoginGuard(id, count, startAgain ? now : firstFailureAt, null, 0, version + 1);
    }

    /** Whether this guard, as an attempt wrote it (its ticket), is the lock: that attempt's count locked the name. */
    public boolean lockedByThisAttempt() {
        return lockedUntil != null && lockTicket == version;
    }
}
