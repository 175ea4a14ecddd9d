package com.vendstream.deploy.campaign;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON over HTTP as the campaign's clients and auditor use it: status and body, never an exception for a 4xx/5xx. */
final class Http {

    /** A reply: its status and its body as JSON (a missing node when it was not JSON). */
    record Reply(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Reply get(String url, String bearer, Duration timeout) throws IOException, InterruptedException {
        return send(request(url, bearer, timeout).GET().build());
    }

    Reply post(String url, String bearer, Object body, Duration timeout) throws IOException, InterruptedException {
        return send(request(url, bearer, timeout).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    }

    Reply put(String url, Duration timeout) throws IOException, InterruptedException {
        return send(request(url, null, timeout).PUT(HttpRequest.BodyPublishers.noBody()).build());
    }

    Reply delete(String url, Duration timeout) throws IOException, InterruptedException {
        return send(request(url, null, timeout).DELETE().build());
    }

    private static HttpRequest.Builder request(String url, String bearer, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = r.body().isEmpty() ? JSON.missingNode() : JSON.readTree(r.body());
        } catch (RuntimeException notJson) {
            body = JSON.missingNode();
        }
        return new Reply(r.statusCode(), body);
    }
}
