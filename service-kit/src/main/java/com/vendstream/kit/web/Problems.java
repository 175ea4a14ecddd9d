package com.vendstream.kit.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * RFC 9457 problem details, one shape for every service's HTTP edge: the type URI names the reason
 * ({@code https://vendstream.dev/problems/<code>}). Controllers throw {@link #of}; filters that answer before any
 * controller runs (security) {@link #write} the same shape.
 */
public final class Problems {

    public static final String BASE = "https://vendstream.dev/problems/";

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(BASE + type));
        pd.setTitle(title);
        return new ErrorResponseException(status, pd, null);
    }

    public static ErrorResponseException invalid(String detail) {
        return of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
    }

    /** A refusal with a reason code, which the type URI names in lower case with dashes. */
    public static ErrorResponseException refused(HttpStatus status, String reasonCode, String title, String detail) {
        ErrorResponseException e = of(status, reasonCode.toLowerCase().replace('_', '-'), title, detail);
        e.getBody().setProperty("reasonCode", reasonCode);
        return e;
    }

    public static ErrorResponseException notFound(String what) {
        return of(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " was not found");
    }

    /** Written as it stands: fixed texts only (no request data), so nothing in it needs escaping. */
    public static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String type, String title,
                                   String detail) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = ("{\"type\":\"" + BASE + type + "\",\"title\":\"" + title + "\",\"status\":" + status.value()
                + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
