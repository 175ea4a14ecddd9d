package com.vendstream.ops.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;

/**
 * RFC 9457 problem details for the operations API: from controllers as exceptions, and written directly by the
 * security filters (401, 403, 423), which answer before any controller runs.
 */
final class Problems {

    static final String BASE = "https://vendstream.dev/problems/";

    private Problems() {
    }

    static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(BASE + type));
        pd.setTitle(title);
        return new ErrorResponseException(status, pd, null);
    }

    static ErrorResponseException invalid(String detail) {
        return of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
    }

    /** Fixed texts only (no request data), so the JSON is written as it stands. */
    static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String type, String title,
                            String detail) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = ("{\"type\":\"" + BASE + type + "\",\"title\":\"" + title + "\",\"status\":" + status.value()
                + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
