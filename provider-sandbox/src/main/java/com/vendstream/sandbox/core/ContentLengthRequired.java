package com.vendstream.sandbox.core;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A provider API refuses a request with a body but no {@code Content-Length} (411 Length Required), as
 * many gateways do, and as the servers that read Content-Length effectively do by seeing an empty body.
 * The sandbox must never accept what a real provider drops: a chunked POST is refused here, before any
 * provider sees it, and shows in the call record as operation {@code refused}, answer {@code 411}. The
 * sandbox's own admin API and the actuator are exempt.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ContentLengthRequired implements WebFilter {

    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    private final CallRecord record;

    public ContentLengthRequired(CallRecord record) {
        this.record = record;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var request = exchange.getRequest();
        String path = request.getPath().pathWithinApplication().value();
        if (!WITH_BODY.contains(request.getMethod()) || request.getHeaders().getContentLength() >= 0
                || path.startsWith("/sandbox/") || path.startsWith("/actuator")) {
            return chain.filter(exchange);
        }
        String provider = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
        record.call(provider, "refused", null, null, "411");
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.LENGTH_REQUIRED);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = "{\"error\":\"Length Required\",\"message\":\"a request body needs a Content-Length\"}"
                .getBytes(StandardCharsets.UTF_8);
        // The request body is never read; close the connection rather than leave it unread on a kept-alive socket.
        response.getHeaders().setConnection("close");
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
