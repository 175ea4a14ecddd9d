package com.vendstream.sandbox.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * How a provider sandbox answers: after the provider's latency, and for the transport scenarios
 * (5xx, 429, garbage, an HTML page, reset, timeout after processing) the same way for every provider.
 * Raw bodies are written as bytes so no JSON encoder quotes them.
 */
@Component
public class Replies {

    private final Latency latency;
    private final SandboxSettings settings;

    public Replies(Latency latency, SandboxSettings settings) {
        this.latency = latency;
        this.settings = settings;
    }

    public Mono<ResponseEntity<Object>> ok(String provider, Object body) {
        return status(provider, 200, body);
    }

    public Mono<ResponseEntity<Object>> status(String provider, int status, Object body) {
        return Mono.delay(latency.of(provider)).thenReturn(ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON).body(body));
    }

    /** A non-JSON or raw body with the given content type. */
    public Mono<ResponseEntity<Object>> raw(String provider, int status, MediaType type, String body) {
        return Mono.delay(latency.of(provider)).thenReturn(ResponseEntity.status(status).contentType(type)
                .body((Object) body.getBytes(StandardCharsets.UTF_8)));
    }

    /** The reply held past the caller's read timeout ({@code vendstream.sandbox.<provider>.timeout-delay}). */
    public Mono<ResponseEntity<Object>> late(String provider, Mono<ResponseEntity<Object>> reply) {
        Duration delay = settings.timeoutDelay(provider);
        return Mono.delay(delay).then(reply);
    }

    /** Resets the TCP connection after the provider's latency; the client sees no HTTP reply at all. */
    public Mono<ResponseEntity<Object>> reset(String provider, ServerHttpRequest request) {
        return Mono.delay(latency.of(provider)).then(Mono.defer(() -> {
            Faults.reset(request);
            return Mono.<ResponseEntity<Object>>empty();
        }));
    }

    /**
     * Renders a transport scenario. {@code normal} is the reply the provider would have given (used by
     * TIMEOUT_AFTER_PROCESSING, which delivers it late); {@code tooMany} is the provider's 429 body,
     * or null for a plain one. Returns null for business scenarios, which each provider renders itself.
     */
    public Mono<ResponseEntity<Object>> transport(String provider, Scenario scenario, ServerHttpRequest request,
                                                  Mono<ResponseEntity<Object>> normal, Object tooMany) {
        return switch (scenario) {
            case SERVER_ERROR -> raw(provider, HttpStatus.INTERNAL_SERVER_ERROR.value(), MediaType.TEXT_HTML,
                    "<html><body><h1>500 Internal Server Error</h1></body></html>");
            case TOO_MANY_REQUESTS -> tooMany == null
                    ? status(provider, 429, Map.of("error", "Too Many Requests"))
                    : status(provider, 429, tooMany);
            case GARBAGE -> raw(provider, 200, MediaType.APPLICATION_JSON, "{\"code\": \"00");
            case HTML_PAGE -> raw(provider, 200, MediaType.TEXT_HTML,
                    "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action=\"/login\">"
                            + "</form></body></html>");
            case CONNECTION_RESET -> reset(provider, request);
            case TIMEOUT_AFTER_PROCESSING -> late(provider, normal);
            default -> null;
        };
    }
}
