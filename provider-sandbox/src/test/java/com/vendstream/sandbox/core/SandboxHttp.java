package com.vendstream.sandbox.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for sandbox tests: JSON in, status and JSON out. */
public final class SandboxHttp {

    public record Reply(int status, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    public SandboxHttp(String base) {
        this.base = base;
    }

    public Reply post(String path, Object body, Map<String, String> headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : JSON.writeValueAsString(body)));
        headers.forEach(b::header);
        return send(b.build());
    }

    /** The same POST with its body streamed (Transfer-Encoding: chunked, no Content-Length). */
    public Reply postChunked(String path, Object body, Map<String, String> headers) throws IOException {
        HttpRequest.BodyPublisher sized = HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(sized));
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply get(String path, Map<String, String> headers) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    public Reply put(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.noBody()).build());
    }

    public Reply delete(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE().build());
    }

    private Reply send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
