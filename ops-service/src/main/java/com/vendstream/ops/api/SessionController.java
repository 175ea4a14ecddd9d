package com.vendstream.ops.api;

import com.vendstream.kit.web.Problems;
import com.vendstream.ops.user.OpsUser;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The session's reads. Login ({@code POST}) and logout ({@code DELETE}) of {@code /ops/v1/session} are answered by
 * the security filters (OpsSecurityConfiguration) before any controller.
 */
@RestController
@RequestMapping("/ops/v1/session")
class SessionController {

    record Csrf(String headerName, String token) {
    }

    record Session(String username, List<String> roles) {
    }

    /** The logged-in session's CSRF token again (the login's answer carries it first). */
    @GetMapping("/csrf")
    Mono<Csrf> csrf(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        if (token == null) {
            return Mono.error(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "no-csrf", "No CSRF token",
                    "CSRF protection is not configured"));
        }
        return token.map(t -> new Csrf(t.getHeaderName(), t.getToken()));
    }

    /** Who is logged in on this session. */
    @GetMapping
    Mono<Session> current() {
        return Current.user().map(user -> new Session(user.username(), user.roleNames()));
    }

    /** The logged-in user of the request. */
    static final class Current {
        private Current() {
        }

        static Mono<OpsUser> user() {
            return ReactiveSecurityContextHolder.getContext()
                    .mapNotNull(context -> context.getAuthentication() == null ? null
                            : context.getAuthentication().getPrincipal())
                    .ofType(OpsUser.class);
        }
    }
}
