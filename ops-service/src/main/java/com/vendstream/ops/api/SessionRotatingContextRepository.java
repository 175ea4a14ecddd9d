package com.vendstream.ops.api;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * Keeps the login in the web session, and gives the session a new id when a login is saved into it: a session id
 * an attacker planted before the login (session fixation) is worth nothing after it.
 */
final class SessionRotatingContextRepository implements ServerSecurityContextRepository {

    private final WebSessionServerSecurityContextRepository sessions = new WebSessionServerSecurityContextRepository();

    @Override
    public Mono<Void> save(ServerWebExchange exchange, SecurityContext context) {
        if (context == null) {
            return sessions.save(exchange, null);
        }
        return exchange.getSession().flatMap(WebSession::changeSessionId).then(sessions.save(exchange, context));
    }

    @Override
    public Mono<SecurityContext> load(ServerWebExchange exchange) {
        return sessions.load(exchange);
    }
}
