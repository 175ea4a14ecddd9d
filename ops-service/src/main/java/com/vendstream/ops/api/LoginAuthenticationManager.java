package com.vendstream.ops.api;

import com.vendstream.ops.login.LoginOutcome;
import com.vendstream.ops.login.Logins;
import com.vendstream.ops.user.OpsRole;
import com.vendstream.ops.user.OpsUser;
import java.time.Instant;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import reactor.core.publisher.Mono;

/** Spring Security's side of {@link Logins}: an outcome becomes an authenticated token or an exception. */
final class LoginAuthenticationManager implements ReactiveAuthenticationManager {

    /** The user is locked; carries the lock's end for the 423 answer. */
    static final class UserLocked extends LockedException {
        final transient Instant until;

        UserLocked(Instant until) {
            super("locked");
            this.until = until;
        }
    }

    /** Too many logins are being checked: nothing was checked or counted (503, try again shortly). */
    static final class LoginsBusy extends AuthenticationServiceException {
        LoginsBusy() {
            super("busy");
        }
    }

    private final Logins logins;

    LoginAuthenticationManager(Logins logins) {
        this.logins = logins;
    }

    @Override
    public Mono<Authentication> authenticate(Authentication login) {
        String clientAddress = login.getDetails() instanceof String address ? address : null;
        return logins.attempt(login.getName(), String.valueOf(login.getCredentials()), clientAddress)
                .flatMap(LoginAuthenticationManager::answer);
    }

    private static Mono<Authentication> answer(LoginOutcome outcome) {
        if (outcome instanceof LoginOutcome.Succeeded succeeded) {
            return Mono.just(authenticated(succeeded.user()));
        }
        if (outcome instanceof LoginOutcome.Locked locked) {
            return Mono.error(new UserLocked(locked.until()));
        }
        if (outcome instanceof LoginOutcome.Busy) {
            return Mono.error(new LoginsBusy());
        }
        return Mono.error(new BadCredentialsException("bad credentials"));
    }

    /** The session's authentication: the user as principal, its roles as authorities, no credentials kept. */
    static Authentication authenticated(OpsUser user) {
        return UsernamePasswordAuthenticationToken.authenticated(user, null,
                user.roles().stream().map(OpsRole::authority).map(SimpleGrantedAuthority::new).toList());
    }
}
