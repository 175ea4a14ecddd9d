package com.vendstream.ops.api;

import com.vendstream.ops.login.Logins;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Back-office users: an OPERATOR may lift a lockout before it ends (audited as USER_UNLOCKED). */
@RestController
class UserController {

    private final Logins logins;

    UserController(Logins logins) {
        this.logins = logins;
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
