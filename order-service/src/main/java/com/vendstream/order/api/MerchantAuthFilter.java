package com.vendstream.order.api;

import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.order.merchant.Merchants;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every call carries a merchant's API key as a bearer token, except the few public paths below; the
 * merchant scopes everything after. Which paths need a key is decided by an allow-list of public ones,
 * not by matching the protected ones: the router matches paths decoded and without matrix parameters
 * ({@code /%761/orders} and {@code /v1;x/orders} reach the {@code /v1/orders} handlers), so a filter
 * matching the raw path for {@code /v1/} would let those through. A public path must be written plainly
 * (no percent-encoding, matrix parameters or dot segments), else it needs a key too.
 */
public class MerchantAuthFilter implements WebFilter {

    public static final String MERCHANT = "vendstream.merchant";

    /** Health and metrics for the platform; the API description for integrators. */
    private static final List<String> PUBLIC = List.of("/actuator", "/v3/api-docs");

    private final Merchants merchants;

    public MerchantAuthFilter(Merchants merchants) {
        this.merchants = merchants;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (isPublic(exchange.getRequest().getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        String key = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Merchant merchant = merchants.authenticate(key).orElse(null);
        if (merchant == null) {
            exchange.getResponse().setStatusCode(HttpStatus.UNAUTHORIZED);
            exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vendstream\"");
            byte[] body = ("{\"type\":\"https://vendstream.dev/problems/unauthenticated\",\"title\":\"Unauthorized\","
                    + "\"status\":401,\"detail\":\"A valid merchant API key is required as a Bearer token\"}")
                    .getBytes(StandardCharsets.UTF_8);
            return exchange.getResponse().writeWith(Mono.just(exchange.getResponse().bufferFactory().wrap(body)));
        }
        exchange.getAttributes().put(MERCHANT, merchant);
        return chain.filter(exchange);
    }

    /** The raw (undecoded) path is public only as one of the allowed prefixes, written plainly. */
    static boolean isPublic(String rawPath) {
        if (rawPath.indexOf('%') >= 0 || rawPath.indexOf(';') >= 0 || rawPath.indexOf('\\') >= 0
                || rawPath.contains("/.") || rawPath.contains("//")) {
            return false;
        }
        return PUBLIC.stream().anyMatch(p -> rawPath.equals(p) || rawPath.startsWith(p + "/")
                || rawPath.startsWith(p + "."));
    }
}
