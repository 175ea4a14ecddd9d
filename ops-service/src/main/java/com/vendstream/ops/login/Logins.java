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
import reactor.core.scheduler.Schedulers;

/**
 * Logins, lockout and unlock. Every attempt is audited (LOGIN_SUCCEEDED, LOGIN_FAILED with a reason, and
 * LOCKED_OUT when a failure locks the user) before it is answered, so an answer the client saw is on record.
 *
 * <p>Lockout is kept per configured user in the store ({@link LoginGuardStore}). A name that is no user gets the
 * same slow comparison and a 401 every time, but no stored guard: what was typed may be a password, and it is
 * not written anywhere.
 */
public class Logins {

    public static final String BAD_CREDENTIALS = "BAD_CREDENTIALS";
    public static final String LOCKED = "LOCKED";
    /** Conflicting writes of one guard are retried this often before the attempt fails (it is then not counted). */
    private static final int CAS_ATTEMPTS = 16;

    private final OpsUsers users;
    private final LoginGuardStore guards;
    private final AuditTrail audit;
    private final LockoutPolicy policy;
    private final Clock clock;

    public Logins(OpsUsers users, LoginGuardStore guards, AuditTrail audit, LockoutPolicy policy, Clock clock) {
        this.users = users;
        this.guards = guards;
        this.audit = audit;
        this.policy = policy;
        this.clock = clock;
    }

    public Mono<LoginOutcome> attempt(String username, String password, String clientAddress) {
        Optional<OpsUser> named = username == null ? Optional.empty() : users.find(username);
        if (named.isEmpty()) {
            return checkPassword(username, password).then(audit.record(OpsAction.LOGIN_FAILED, null, null,
                    BAD_CREDENTIALS, clientAddress, Map.of())).thenReturn(new LoginOutcome.Failed());
        }
        OpsUser user = named.get();
        return guards.find(user.username()).flatMap(guard -> {
            Instant now = clock.instant();
            if (guard.lockedAt(now)) {
                return audit.record(OpsAction.LOGIN_FAILED, user, null, LOCKED, clientAddress,
                        Map.of("lockedUntil", guard.lockedUntil().toString()))
                        .thenReturn((LoginOutcome) new LoginOutcome.Locked(guard.lockedUntil()));
            }
            return checkPassword(user.username(), password).flatMap(verified -> verified.isPresent()
                    ? succeeded(user, clientAddress)
                    : failed(user, clientAddress, 0));
        });
    }

    /** One BCrypt comparison, off the event loop (it takes a good fraction of a second on purpose). */
    private Mono<Optional<OpsUser>> checkPassword(String username, String password) {
        return Mono.fromCallable(() -> users.verify(username, password)).subscribeOn(Schedulers.boundedElastic());
    }

    private Mono<LoginOutcome> succeeded(OpsUser user, String clientAddress) {
        return clearGuard(user.username(), 0)
                .then(audit.record(OpsAction.LOGIN_SUCCEEDED, user, null, null, clientAddress, Map.of()))
                .thenReturn(new LoginOutcome.Succeeded(user));
    }

    private Mono<LoginOutcome> failed(OpsUser user, String clientAddress, int attempt) {
        if (attempt >= CAS_ATTEMPTS) {
            return Mono.error(new IllegalStateException("The login guard of " + user.username() + " kept changing"));
        }
        return guards.find(user.username()).flatMap(before -> {
            Instant now = clock.instant();
            LoginGuard after = before.afterFailure(now, policy);
            return guards.replace(before, after).flatMap(stored -> {
                if (!stored) {
                    return failed(user, clientAddress, attempt + 1);
                }
                Mono<?> recorded = audit.record(OpsAction.LOGIN_FAILED, user, null, BAD_CREDENTIALS, clientAddress,
                        Map.of());
                if (after.locks(before, now)) {
                    return recorded.then(audit.record(OpsAction.LOCKED_OUT, user, user.username(), BAD_CREDENTIALS,
                                    clientAddress, Map.of("lockedUntil", after.lockedUntil().toString(),
                                            "failures", String.valueOf(policy.maxFailures()))))
                            .thenReturn((LoginOutcome) new LoginOutcome.Locked(after.lockedUntil()));
                }
                return recorded.thenReturn((LoginOutcome) new LoginOutcome.Failed());
            });
        });
    }

    private Mono<Void> clearGuard(String username, int attempt) {
        if (attempt >= CAS_ATTEMPTS) {
            return Mono.error(new IllegalStateException("The login guard of " + username + " kept changing"));
        }
        return guards.find(username).flatMap(guard -> guard.isClear() ? Mono.empty()
                : guards.replace(guard, guard.cleared()).flatMap(stored -> stored ? Mono.<Void>empty()
                        : clearGuard(username, attempt + 1)));
    }

    /**
     * An operator lifts a user's lock (and forgets its failures); false when no such user is configured.
     */
    public Mono<Boolean> unlock(OpsUser operator, String username, String clientAddress) {
        Optional<OpsUser> target = users.find(username);
        if (target.isEmpty()) {
            return Mono.just(false);
        }
        return clearGuard(username, 0).then(audit.record(OpsAction.USER_UNLOCKED, operator, username, null,
                clientAddress, Map.of())).thenReturn(true);
    }

    /** A configured user and its login guard as of {@code at}. */
    public record UserStatus(OpsUser user, boolean locked, Instant lockedUntil, int recentFailures) {
    }

    /** Every configured user with its lock state, in configuration order. */
    public Flux<UserStatus> statuses() {
        return Flux.fromIterable(users.all()).concatMap(user -> guards.find(user.username()).map(guard -> {
            boolean locked = guard.lockedAt(clock.instant());
            return new UserStatus(user, locked, locked ? guard.lockedUntil() : null, guard.failures());
        }));
    }

    public Mono<Void> loggedOut(OpsUser user, String clientAddress) {
        return audit.record(OpsAction.LOGOUT, user, null, null, clientAddress, Map.of()).then();
    }
}
