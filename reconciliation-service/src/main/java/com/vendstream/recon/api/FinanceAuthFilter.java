package com.vendstream.recon.api;

import com.vendstream.kit.web.Problems;
import com.vendstream.recon.access.FinanceUser;
import com.vendstream.recon.access.FinanceUsers;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every request needs a finance user's bearer token, except the probes: GET of the actuator's health
 * (with its liveness and readiness groups), info and the Prometheus scrape. Reads (GET, HEAD) need
 * FINANCE or READ_ONLY; anything else (close, rematch, and any method a future endpoint adds) needs
 * FINANCE. Fails closed: a path that is not exactly an open one, however it is spelt (matrix
 * parameters, encoded characters), needs a credential.
 */
public class FinanceAuthFilter implements WebFilter, Ordered {

    /** Request attribute holding the authenticated {@link FinanceUser}. */
    public static final String USER = "vendstream.recon.user";

    private static final Set<String> OPEN = Set.of("/actuator/health", "/actuator/info", "/actuator/prometheus");
    private static final Pattern HEALTH_GROUP = Pattern.compile("/actuator/health/[a-z]+");

    private final FinanceUsers users;

    public FinanceAuthFilter(FinanceUsers users) {
        this.users = users;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpMethod method = exchange.getRequest().getMethod();
        boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (read && (OPEN.contains(path) || HEALTH_GROUP.matcher(path).matches())) {
            return chain.filter(exchange);
        }
        FinanceUser user = users.authenticate(bearer(exchange.getRequest().getHeaders()
                .getFirst(HttpHeaders.AUTHORIZATION))).orElse(null);
        if (user == null) {
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vendstream-recon\"");
            return Problems.write(exchange.getResponse(), HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthorized",
                    "A finance user's token is required as a Bearer token (merchant API keys are not accepted here)");
        }
        if (read ? !user.mayRead() : !user.mayAct()) {
            return Problems.write(exchange.getResponse(), HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                    "This user may read only; closing and rematching a day and acknowledging or resolving a discrepancy need the FINANCE role");
        }
        exchange.getAttributes().put(USER, user);
        return chain.filter(exchange);
    }

    private static String bearer(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

}
