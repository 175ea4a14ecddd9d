package com.vendstream.order.api;

import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.order.merchant.Merchants;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
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
public class MerchantAuthFilter implements WebFilter, Ordered {

    public static final String MERCHANT = "vendstream.merchant";

    /** After the size limit, before the rate limit (which counts per authenticated merchant). */
    public static final int ORDER = RequestSizeLimit.ORDER + 10;

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
            // The same answer for no key, a malformed header and a key that is not (or no longer) live.
            ErrorResponseException problem = Problems.refused(HttpStatus.UNAUTHORIZED, "UNAUTHENTICATED",
                    "Unauthorized", "A valid merchant API key is required as a Bearer token");
            problem.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vendstream\"");
            return ProblemResponses.write(exchange, problem);
        }
        exchange.getAttributes().put(MERCHANT, merchant);
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
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
