package com.vendstream.order.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Problem details written by the filters that answer before any controller runs (authentication, the rate
 * limit, the size limit), in the shape the controllers' answers have: type, title, status, detail, instance
 * and the extension members ({@code reasonCode}), with the exception's headers ({@code Retry-After}).
 */
final class ProblemResponses {

    private ProblemResponses() {
    }

    static Mono<Void> write(ServerWebExchange exchange, ErrorResponseException problem) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(problem.getStatusCode());
        response.getHeaders().addAll(problem.getHeaders());
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = json(problem.getBody(), exchange.getRequest().getPath().value()).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    static String json(ProblemDetail problem, String instance) {
        StringBuilder out = new StringBuilder("{");
        member(out, "type", problem.getType().toString());
        member(out, "title", problem.getTitle());
        out.append(",\"status\":").append(problem.getStatus());
        member(out, "detail", problem.getDetail());
        member(out, "instance", problem.getInstance() == null ? instance : problem.getInstance().toString());
        Map<String, Object> properties = problem.getProperties() == null ? Map.of() : new TreeMap<>(problem.getProperties());
        properties.forEach((name, value) -> {
            if (value instanceof Number n) {
                out.append(",\"").append(escape(name)).append("\":").append(n);
            } else {
                member(out, name, String.valueOf(value));
            }
        });
        return out.append('}').toString();
    }

    private static void member(StringBuilder out, String name, String value) {
        if (value == null) {
            return;
        }
        if (out.length() > 1) {
            out.append(',');
        }
        out.append('"').append(escape(name)).append("\":\"").append(escape(value)).append('"');
    }

    /** JSON string escaping: the instance is the request's path, which the client chose. */
    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
