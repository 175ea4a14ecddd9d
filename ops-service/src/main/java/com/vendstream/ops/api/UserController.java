package com.vendstream.ops.api;

import com.vendstream.kit.web.Problems;
import com.vendstream.ops.login.Logins;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Back-office users: any role lists them; an OPERATOR may lift a lockout before it ends (audited as USER_UNLOCKED). */
@RestController
class UserController {

    private final Logins logins;

    UserController(Logins logins) {
        this.logins = logins;
    }

    record User(String username, List<String> roles, boolean locked, String lockedUntil, int recentFailures) {
        static User of(Logins.UserStatus s) {
            return new User(s.user().username(), s.user().roleNames(), s.locked(),
                    s.lockedUntil() == null ? null : s.lockedUntil().toString(), s.recentFailures());
        }
    }

    /** The back-office users, their roles and whether each is locked (any role may read it). */
    @GetMapping("/ops/v1/users")
    Mono<List<User>> users() {
        return logins.statuses().map(User::of).collectList();
    }

    @PostMapping("/ops/v1/users/{username}/unlock")
    Mono<ResponseEntity<Void>> unlock(@PathVariable("username") String username, ServerWebExchange exchange) {
        return SessionController.Current.user()
                .flatMap(operator -> logins.unlock(operator, username, LoginRequestConverter.clientAddress(exchange)))
                .flatMap(unlocked -> unlocked ? Mono.just(ResponseEntity.noContent().<Void>build())
                        : Mono.error(Problems.of(HttpStatus.NOT_FOUND, "no-such-user", "Not found",
                                "No back-office user has this name")));
    }
}
