package com.vendstream.ops.login;

import com.vendstream.events.OpsAction;
import com.vendstream.ops.audit.AuditTrail;
import com.vendstream.ops.user.OpsUser;
import com.vendstream.ops.user.OpsUsers;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Logins, lockout and unlock. Every attempt that was checked is audited before it is answered (LOGIN_SUCCEEDED,
 * LOGIN_FAILED with a reason, or LOCKED_OUT for the failure that locks), so an answer the client saw is on record.
 *
 * <p>Each attempt takes a ticket before its password is checked: one compare-and-set on the typed name's guard
 * counts it as a failure, and is refused while a lock is in force ({@link LoginGuard#afterFailure}). So parallel
 * guesses are all counted and none is checked beyond the limit; a right password then forgets the count only if
 * no other attempt's lock stands ({@link LoginGuardStore#clearUnlessLocked}). Every typed name gets its guard, under
 * its keyed hash: a name that is no user costs the same store operations and the same slow comparison, and is
 * locked the same way, so neither the answers (401, 423) nor their timing tell names apart.
 */
public class Logins {

    public static final String BAD_CREDENTIALS = "BAD_CREDENTIALS";
    public static final String LOCKED = "LOCKED";
    /** Conflicting writes of one guard are retried this often; then the login is answered busy, unchecked. */
    private static final int CAS_ATTEMPTS = 16;

    private sealed interface Admission {
    }

    /** Counted: {@code guard} is the guard as this attempt wrote it. */
    private record Ticket(LoginGuard guard) implements Admission {
    }

    private record Refused(Instant lockedUntil) implements Admission {
    }

    private record Contended() implements Admission {
    }

    private final OpsUsers users;
    private final LoginGuardStore guards;
    private final AuditTrail audit;
    private final LockoutPolicy policy;
    private final PasswordChecks checks;
    private final Clock clock;

    public Logins(OpsUsers users, LoginGuardStore guards, AuditTrail audit, LockoutPolicy policy,
                  PasswordChecks checks, Clock clock) {
        this.users = users;
        this.guards = guards;
        this.audit = audit;
        this.policy = policy;
        this.checks = checks;
        this.clock = clock;
    }

    public Mono<LoginOutcome> attempt(String username, String password, String clientAddress) {
        // An attempt runs to its end even if the client hangs up: its count, check and audit entry go together (no
        // counted failure or lock without its entry), and its permit is held until then, so clients that hang up
        // cannot pile checks up behind the limit.
        return Mono.defer(() -> Mono.fromFuture(checks.limited(() -> admitted(username, password, clientAddress),
                LoginOutcome.Busy::new).toFuture(), true));
    }

    private Mono<LoginOutcome> admitted(String username, String password, String clientAddress) {
        OpsUser named = username == null ? null : users.find(username).orElse(null);
        String id = guards.idOf(username);
        return ticket(id, 0).flatMap(admission -> {
            if (admission instanceof Refused refused) {
                return audit.record(OpsAction.LOGIN_FAILED, named, null, LOCKED, clientAddress,
                                Map.of("lockedUntil", refused.lockedUntil().toString()))
                        .thenReturn((LoginOutcome) new LoginOutcome.Locked(refused.lockedUntil()));
            }
            if (admission instanceof Ticket ticket) {
                return checks.compare(() -> users.verify(username, password))
                        .flatMap(verified -> verified.isPresent()
                                ? succeeded(verified.get(), ticket.guard(), clientAddress, 0)
                                : failed(named, ticket.guard(), clientAddress));
            }
            return Mono.just((LoginOutcome) new LoginOutcome.Busy());
        });
    }

    /** Counts this attempt (before its password is checked), or refuses it while the name is locked. */
    private Mono<Admission> ticket(String id, int attempt) {
        if (attempt >= CAS_ATTEMPTS) {
            return Mono.just(new Contended());
        }
        return guards.find(id).flatMap(before -> {
            Instant now = clock.instant();
            if (before.lockedAt(now)) {
                return Mono.just(new Refused(before.lockedUntil()));
            }
            LoginGuard after = before.afterFailure(now, policy);
            return guards.replace(before, after)
                    .flatMap(stored -> stored ? Mono.just(new Ticket(after)) : ticket(id, attempt + 1));
        });
    }

    private Mono<LoginOutcome> succeeded(OpsUser user, LoginGuard ticket, String clientAddress, int attempt) {
        Instant now = clock.instant();
        return guards.clearUnlessLocked(ticket, now).flatMap(cleared -> {
            if (cleared) {
                return audit.record(OpsAction.LOGIN_SUCCEEDED, user, null, null, clientAddress, Map.of())
                        .thenReturn((LoginOutcome) new LoginOutcome.Succeeded(user));
            }
            // Another attempt's lock came first: the right password does not lift it.
            return guards.find(ticket.id()).flatMap(current -> {
                if (current.lockedAt(now)) {
                    return audit.record(OpsAction.LOGIN_FAILED, user, null, LOCKED, clientAddress,
                                    Map.of("lockedUntil", current.lockedUntil().toString()))
                            .thenReturn((LoginOutcome) new LoginOutcome.Locked(current.lockedUntil()));
                }
                // Unlocked in between (an operator, or the lock ran out): try the clear again.
                return attempt + 1 >= CAS_ATTEMPTS ? Mono.just((LoginOutcome) new LoginOutcome.Busy())
                        : succeeded(user, ticket, clientAddress, attempt + 1);
            });
        });
    }

    /** The failure was counted with the ticket; if that count locked the name, one LOCKED_OUT entry records both. */
    private Mono<LoginOutcome> failed(OpsUser named, LoginGuard ticket, String clientAddress) {
        if (ticket.lockedByThisAttempt()) {
            return audit.record(OpsAction.LOCKED_OUT, named, named == null ? null : named.username(), BAD_CREDENTIALS,
                            clientAddress, Map.of("lockedUntil", ticket.lockedUntil().toString(),
                                    "failures", String.valueOf(policy.maxFailures())))
                    .thenReturn((LoginOutcome) new LoginOutcome.Locked(ticket.lockedUntil()));
        }
        return audit.record(OpsAction.LOGIN_FAILED, named, null, BAD_CREDENTIALS, clientAddress, Map.of())
                .thenReturn((LoginOutcome) new LoginOutcome.Failed());
    }

    /**
     * An operator lifts a user's lock (and forgets its failures); false when no such user is configured. The
     * entry is written first and the change is idempotent: a crash between the two leaves an entry whose unlock
     * the operator repeats, never an unlock without its entry.
     */
    public Mono<Boolean> unlock(OpsUser operator, String username, String clientAddress) {
        Optional<OpsUser> target = users.find(username);
        if (target.isEmpty()) {
            return Mono.just(false);
        }
        return audit.record(OpsAction.USER_UNLOCKED, operator, username, null, clientAddress, Map.of())
                .then(guards.clear(guards.idOf(username))).thenReturn(true);
    }

    /** A configured user and its login guard as of {@code at}. */
    public record UserStatus(OpsUser user, boolean locked, Instant lockedUntil, int recentFailures) {
    }

    /** Every configured user with its lock state, in configuration order. */
    public Flux<UserStatus> statuses() {
        return Flux.fromIterable(users.all()).concatMap(user -> guards.find(guards.idOf(user.username())).map(guard -> {
            boolean locked = guard.lockedAt(clock.instant());
            return new UserStatus(user, locked, locked ? guard.lockedUntil() : null, guard.failures());
        }));
    }

    public Mono<Void> loggedOut(OpsUser user, String clientAddress) {
        return audit.record(OpsAction.LOGOUT, user, null, null, clientAddress, Map.of()).then();
    }
}
