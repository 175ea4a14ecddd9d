package com.vendstream.order.api;

import com.vendstream.order.merchant.MerchantProperties.Merchant;
import com.vendstream.order.merchant.Merchants;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Every /v1 call carries a merchant's API key as a bearer token; the merchant scopes everything after. */
public class MerchantAuthFilter implements WebFilter {

    public static final String MERCHANT = "vendstream.merchant";

    private final Merchants merchants;

    public MerchantAuthFilter(Merchants merchants) {
        this.merchants = merchants;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith("/v1/")) {
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
}
