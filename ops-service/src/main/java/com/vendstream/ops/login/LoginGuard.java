package com.vendstream.ops.login;

import java.time.Instant;

/**
 * One user's recent failed logins and lock, as stored. {@code version} makes every change a compare-and-set,
 * so two concurrent failures are both counted.
 */
public record LoginGuard(String username, int failures, Instant firstFailureAt, Instant lockedUntil, long version) {

    /** A user with no failure on record (not stored yet: version 0). */
    public static LoginGuard fresh(String username) {
        return new LoginGuard(username, 0, null, null, 0);
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }

    /**
     * After one more failure at {@code now}: counted within the policy's window (an older count, or an expired
     * lock, starts again at one); the {@code maxFailures}-th locks the user and clears the count, so an expired
     * lock gives a fresh set of attempts.
     */
    public LoginGuard afterFailure(Instant now, LockoutPolicy policy) {
        boolean startAgain = firstFailureAt == null || !now.isBefore(firstFailureAt.plus(policy.window()))
                || (lockedUntil != null && !now.isBefore(lockedUntil));
        int count = startAgain ? 1 : failures + 1;
        if (count >= policy.maxFailures()) {
            return new LoginGuard(username, 0, null, now.plus(policy.lockDuration()), version + 1);
        }
        return new LoginGuard(username, count, startAgain ? now : firstFailureAt, null, version + 1);
    }

    /** Whether this failure's result is the lock (the change from unlocked to locked). */
    public boolean locks(LoginGuard before, Instant now) {
        return lockedAt(now) && !before.lockedAt(now);
    }

    /** Nothing on record: after a successful login or an operator's unlock. */
    public LoginGuard cleared() {
        return new LoginGuard(username, 0, null, null, version + 1);
    }

    public boolean isClear() {
        return failures == 0 && lockedUntil == null;
    }
}
