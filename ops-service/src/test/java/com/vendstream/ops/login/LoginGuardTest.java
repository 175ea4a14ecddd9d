package com.vendstream.ops.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginGuardTest {

    static final LockoutPolicy POLICY = new LockoutPolicy(3, Duration.ofMinutes(10), Duration.ofMinutes(15));
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void theThirdFailureWithinTheWindowLocksForTheDuration() {
        LoginGuard g0 = LoginGuard.fresh("id");
        LoginGuard g1 = g0.afterFailure(T0, POLICY);
        LoginGuard g2 = g1.afterFailure(T0.plusSeconds(60), POLICY);
        assertThat(g2.lockedAt(T0.plusSeconds(60))).isFalse();
        assertThat(g2.lockedByThisAttempt()).isFalse();
        LoginGuard g3 = g2.afterFailure(T0.plusSeconds(120), POLICY);
        assertThat(g3.lockedByThisAttempt()).isTrue();
        assertThat(g3.lockedUntil()).isEqualTo(T0.plusSeconds(120).plus(Duration.ofMinutes(15)));
        assertThat(g3.lockedAt(g3.lockedUntil().minusMillis(1))).isTrue();
        assertThat(g3.lockedAt(g3.lockedUntil())).isFalse();
        assertThat(g3.version()).isEqualTo(3);
    }

    @Test
    void aFailureWhileLockedLeavesTheLockInForce() {
        LoginGuard locked = LoginGuard.fresh("id").afterFailure(T0, POLICY).afterFailure(T0.plusSeconds(1), POLICY)
                .afterFailure(T0.plusSeconds(2), POLICY);
        Instant until = locked.lockedUntil();
        // A failure counted (or re-read) while the lock is in force neither restarts the count nor lifts the lock.
        LoginGuard after = locked.afterFailure(T0.plusSeconds(3), POLICY);
        assertThat(after.lockedAt(T0.plusSeconds(3))).isTrue();
        assertThat(after.lockedUntil()).isEqualTo(until);
        assertThat(after.afterFailure(until.minusMillis(1), POLICY).lockedUntil()).isEqualTo(until);
    }

    @Test
    void failuresOlderThanTheWindowAndAnExpiredLockStartTheCountAgain() {
        LoginGuard g2 = LoginGuard.fresh("id").afterFailure(T0, POLICY).afterFailure(T0.plusSeconds(1), POLICY);
        LoginGuard late = g2.afterFailure(T0.plus(Duration.ofMinutes(10)), POLICY);
        assertThat(late.failures()).isEqualTo(1);
        assertThat(late.lockedUntil()).isNull();

        LoginGuard locked = g2.afterFailure(T0.plusSeconds(2), POLICY);
        Instant after = locked.lockedUntil();
        LoginGuard next = locked.afterFailure(after, POLICY);
        assertThat(next.failures()).isEqualTo(1);
        assertThat(next.lockedAt(after)).isFalse();
        assertThat(next.lockedByThisAttempt()).isFalse();
    }
}
